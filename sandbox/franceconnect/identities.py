"""The FranceConnect test identities of DESIGN.md (keep them exactly)."""

IDENTITIES: dict[str, dict[str, str]] = {
    "angela-dubois": {
        "given_name": "Angela Claire Louise",
        "family_name": "DUBOIS",
        "preferred_username": "",
        "gender": "female",
        "birthdate": "1962-08-24",
        "birthplace": "75107",
        "birthcountry": "99100",
        "email": "angela.dubois@example.fr",
    },
    "pierre-dupont": {
        "given_name": "Pierre",
        "family_name": "DUPONT",
        "preferred_username": "",
        "gender": "male",
        "birthdate": "1970-01-01",
        "birthplace": "69123",
        "birthcountry": "99100",
        "email": "pierre.dupont@example.fr",
    },
    # Holds permits for two detainees and pays both: the demo of the money-flow monitoring (README).
    "sophie-leroy": {
        "given_name": "Sophie Marie",
        "family_name": "LEROY",
        "preferred_username": "",
        "gender": "female",
        "birthdate": "1975-05-20",
        "birthplace": "13055",
        "birthcountry": "99100",
        "email": "sophie.leroy@example.fr",
    },
}

# Claims released for each scope (FranceConnect: one scope per claim).
SCOPE_CLAIMS = {
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "preferred_username": ("preferred_username",),
    "birthdate": ("birthdate",),
    "gender": ("gender",),
    "birthplace": ("birthplace",),
    "birthcountry": ("birthcountry",),
    "email": ("email",),
}
