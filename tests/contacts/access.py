"""The access matrix rows for contacts: a partner sees its own organisation's people only."""

from crm.contacts.models import Contact
from crm.database import utcnow
from tests.access import LOGIN, STAFF_ONLY_NOTE, Action, AreaAccess, To, count, get, register, set_values

OWN_PERSON, HIDDEN_PERSON = "Own Person", "Hidden Person"
ORG = To("/organisations/{org}")
CONTACT = To("/contacts/{contact}")


def build(make, base):
    own = make.contact(base.own_org, OWN_PERSON, notes=STAFF_ONLY_NOTE)
    other = make.contact(base.other_org, HIDDEN_PERSON, notes=STAFF_ONLY_NOTE)
    return {"own": {"contact": own.id}, "other": {"contact": other.id}}


register(
    AreaAccess(
        name="contacts",
        build=build,
        secrets={"own": [OWN_PERSON], "other": [HIDDEN_PERSON]},
        rows=[
            ("GET", "/contacts/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/contacts/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("GET", "/contacts/new?organisation_id={org}", "own", (LOGIN, 403, 403, 200, 200), None),
            ("GET", "/contacts/new?organisation_id={org}", "other", (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/contacts/new", "own", (LOGIN, 403, 403, ORG, ORG), "contact_new"),
            ("POST", "/contacts/new", "other", (LOGIN, 403, 403, ORG, ORG), "contact_new"),
            ("GET", "/contacts/{contact}", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/contacts/{contact}", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/contacts/{contact}/edit", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/contacts/{contact}/edit", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/contacts/{contact}/edit", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_edit"),
            ("POST", "/contacts/{contact}/edit", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_edit"),
            ("GET", "/contacts/{contact}/archive", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/contacts/{contact}/archive", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/contacts/{contact}/archive", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_archive"),
            ("POST", "/contacts/{contact}/archive", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_archive"),
            ("POST", "/contacts/{contact}/restore", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_restore"),
            ("POST", "/contacts/{contact}/restore", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_restore"),
        ],
        actions={
            "contact_new": Action(
                {"name": "Brand New Person", "organisation_id": "{org}"},
                done=lambda app, ids: (
                    count(app, Contact, Contact.name == "Brand New Person", Contact.organisation_id == ids["org"]) == 1
                ),
            ),
            "contact_edit": Action(
                {"name": "Renamed Person", "organisation_id": "{org}"},
                done=lambda app, ids: get(app, Contact, ids["contact"]).name == "Renamed Person",
            ),
            "contact_archive": Action(
                {}, done=lambda app, ids: get(app, Contact, ids["contact"]).archived_at is not None
            ),
            "contact_restore": Action(
                {},
                done=lambda app, ids: get(app, Contact, ids["contact"]).archived_at is None,
                prepare=lambda app, ids: set_values(app, Contact, ids["contact"], archived_at=utcnow()),
            ),
        },
    )
)
