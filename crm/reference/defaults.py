"""The reference lists' first entries, which migration 0007 writes; admins rename,
add and archive from there, so changing these changes no database already made.
The groups are those the area's own "working with you" page names."""

CATEGORIES = [
    ("Hate crime", "Crimes targeted at someone because of who they are"),
    ("Domestic abuse", ""),
    ("Coercive control", "Controlling or coercive behaviour in an intimate or family relationship"),
    ("Sexual violence", ""),
    ("Stalking and harassment", ""),
    ("Anti-social behaviour", ""),
    ("Victim and witness care", "Support for victims and witnesses through the justice process"),
    ("Access to justice", "Barriers to reporting, to court or to support"),
    ("Community confidence", "Trust in the justice system"),
    ("Youth justice", ""),
]
GROUPS = [
    ("Disabled people", ""),
    ("Black and Minority Ethnic (BME) communities", ""),
    ("Gypsy/Traveller communities", ""),
    ("Lesbian, gay, bisexual and transgender (LGBT) communities", ""),
    ("Older people", ""),
    ("Young people", ""),
    ("Women", ""),
    ("Carers/Dependants", ""),
    ("Religious/faith groups", ""),
    ("People on low income", ""),
    ("Asylum seeker/refugee communities", ""),
]
