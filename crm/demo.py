"""Demo data like a real area's partners. Every person here is fictional;
organisations are of the kinds named in the project's seed pages."""

from __future__ import annotations

from crm.actions import demo as actions_demo
from crm.auth import services as auth_services
from crm.auth.models import Role
from crm.contacts import services as contact_services
from crm.issues import demo as issues_demo
from crm.meetings import demo as meetings_demo
from crm.organisations import services as organisation_services
from crm.organisations.models import OrganisationType as T

DEMO_PASSWORD = "partnership-demo"

# (name, type, area, website, phone, [(contact name, job title)])
ORGANISATIONS = [
    (
        "CPS Thames and Chiltern",
        T.PROSECUTION_SERVICE,
        "Thames and Chiltern",
        "",
        "",
        [
            ("Priya Okafor", "Inclusion and Community Engagement Manager"),
            ("Tom Brennan", "Chief Crown Prosecutor"),
            ("Helen Marsh", "Senior Crown Prosecutor, hate crime lead"),
        ],
    ),
    (
        "Thames Valley Police",
        T.POLICE,
        "Thames Valley",
        "www.thamesvalley.police.uk",
        "",
        [
            ("Daniel Osei", "Detective Inspector, public protection"),
            ("Rachel Kent", "Hate crime coordinator"),
        ],
    ),
    (
        "Hertfordshire Constabulary",
        T.POLICE,
        "Hertfordshire",
        "www.herts.police.uk",
        "",
        [
            ("Mark Adeyemi", "Chief Inspector, victim services"),
        ],
    ),
    (
        "Bedfordshire Police",
        T.POLICE,
        "Bedfordshire",
        "www.beds.police.uk",
        "",
        [
            ("Jordan Lee", "Community cohesion officer"),
            ("Sana Mirza", "Domestic abuse lead"),
        ],
    ),
    (
        "HM Courts & Tribunals Service, Thames and Chiltern",
        T.COURTS_SERVICE,
        "Thames and Chiltern",
        "",
        "",
        [
            ("Gillian Forde", "Cluster manager"),
        ],
    ),
    (
        "Hertfordshire Victim Support Service",
        T.VICTIM_WITNESS_SERVICE,
        "Hertfordshire",
        "",
        "01632 960 410",
        [
            ("Casey Ward", "Volunteer coordinator"),
            ("Imran Sheikh", "Service manager"),
        ],
    ),
    (
        "Hertfordshire Vulnerable Victims' Unit",
        T.VICTIM_WITNESS_SERVICE,
        "Hertfordshire",
        "",
        "",
        [
            ("Laura Finch", "Unit manager"),
        ],
    ),
    (
        "Witness Service, Thames Valley",
        T.VICTIM_WITNESS_SERVICE,
        "Thames Valley",
        "",
        "",
        [
            ("Peter Nkemelu", "Witness service coordinator"),
        ],
    ),
    (
        "Witness Care Unit, Bedfordshire",
        T.VICTIM_WITNESS_SERVICE,
        "Bedfordshire",
        "",
        "",
        [
            ("Amy Castle", "Witness care officer"),
        ],
    ),
    (
        "Bedfordshire Hate Crime Partnership",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Bedfordshire",
        "",
        "",
        [
            ("Yusuf Rahman", "Partnership chair"),
            ("Claire Dobson", "Conference organiser"),
        ],
    ),
    (
        "Thames Valley Domestic Abuse Scrutiny Panel",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Thames Valley",
        "",
        "",
        [
            ("Margaret Elliot", "Panel chair"),
        ],
    ),
    (
        "Holocaust Education Trust for Schools",
        T.EDUCATION,
        "National",
        "",
        "",
        [
            ("Ruth Abrams", "Education officer"),
        ],
    ),
    (
        "Bedford Borough Council",
        T.LOCAL_COUNCIL,
        "Bedfordshire",
        "",
        "",
        [
            ("Owen Price", "Community safety manager"),
        ],
    ),
    (
        "Hertfordshire County Council",
        T.LOCAL_COUNCIL,
        "Hertfordshire",
        "",
        "",
        [
            ("Fatima Noor", "Equalities officer"),
        ],
    ),
    (
        "Oxfordshire County Council",
        T.LOCAL_COUNCIL,
        "Oxfordshire",
        "",
        "",
        [
            ("Graham Whitfield", "Community safety partnership lead"),
        ],
    ),
    ("St Albans City and District Council", T.LOCAL_COUNCIL, "Hertfordshire", "", "", []),
    (
        "Milton Keynes City Council",
        T.LOCAL_COUNCIL,
        "Buckinghamshire",
        "",
        "",
        [
            ("Nadia Kowalski", "Prevent and cohesion officer"),
        ],
    ),
    ("Reading Borough Council", T.LOCAL_COUNCIL, "Berkshire", "", "", []),
    ("Luton Borough Council", T.LOCAL_COUNCIL, "Bedfordshire", "", "", []),
    (
        "Chiltern Gypsy and Traveller Forum",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Buckinghamshire",
        "",
        "",
        [
            ("Bridget Lovell", "Community liaison"),
        ],
    ),
    (
        "Three Counties LGBT+ Network",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Bedfordshire",
        "",
        "",
        [
            ("Alex Rowe", "Coordinator"),
        ],
    ),
    (
        "Oxford Refugee Welcome",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Oxfordshire",
        "",
        "",
        [
            ("Samir Haddad", "Caseworker"),
        ],
    ),
    ("Milton Keynes Interfaith Forum", T.VOLUNTARY_COMMUNITY_GROUP, "Buckinghamshire", "", "", []),
    ("Berkshire Older People's Forum", T.VOLUNTARY_COMMUNITY_GROUP, "Berkshire", "", "", []),
    (
        "Thames Valley Disability Access Group",
        T.VOLUNTARY_COMMUNITY_GROUP,
        "Thames Valley",
        "",
        "",
        [
            ("Chris Palmer", "Access adviser"),
        ],
    ),
    (
        "Buckinghamshire Healthcare NHS Trust",
        T.HEALTH,
        "Buckinghamshire",
        "",
        "",
        [
            ("Dr Ellen Shaw", "Named nurse for safeguarding"),
        ],
    ),
    (
        "Probation Service, Thames Valley",
        T.PROBATION,
        "Thames Valley",
        "",
        "",
        [
            ("Kwame Boateng", "Head of public protection"),
        ],
    ),
    ("Bedfordshire Young People's Council", T.EDUCATION, "Bedfordshire", "", "", []),
]

DEMO_LOGINS = [
    {"email": "admin@example.org", "name": "Alex Morgan", "role": "admin"},
    {"email": "staff@example.org", "name": "Priya Okafor", "role": "staff"},
    {
        "email": "police.partner@example.org",
        "name": "Jordan Lee",
        "role": "partner",
        "organisation": "Bedfordshire Police",
    },
    {
        "email": "victimsupport.partner@example.org",
        "name": "Casey Ward",
        "role": "partner",
        "organisation": "Hertfordshire Victim Support Service",
    },
]


def _email_for(person: str, organisation: str) -> str:
    first, *rest = person.replace("Dr ", "").split()
    domain = "".join(w[0] for w in organisation.replace("&", "").split() if w[0].isalpha()).lower()
    return f"{first[0].lower()}.{rest[-1].lower()}@{domain}.example.org"


def load() -> None:
    """Add the demo organisations, contacts and logins. The caller commits."""
    by_name, people = {}, {}
    for name, org_type, area, website, phone, contacts in ORGANISATIONS:
        organisation = organisation_services.create_organisation(
            {
                "name": name,
                "type": org_type.value,
                "area": area,
                "website": f"https://{website}" if website else "",
                "phone": phone,
            }
        )
        by_name[name] = organisation
        for person, job_title in contacts:
            people[person] = contact_services.create_contact(
                {
                    "organisation_id": organisation.id,
                    "name": person,
                    "job_title": job_title,
                    "email": _email_for(person, name),
                }
            )
    users = {}
    for login in DEMO_LOGINS:
        organisation = by_name.get(login.get("organisation", ""))
        users[login["email"]] = auth_services.create_user(
            email=login["email"],
            name=login["name"],
            password=DEMO_PASSWORD,
            role=Role(login["role"]),
            organisation_id=organisation.id if organisation else None,
        )
    staff = users["staff@example.org"]
    meetings_demo.load(by_name, people, approver_id=staff.id)
    actions_demo.load(users)
    issues_demo.load()
