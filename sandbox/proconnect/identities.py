"""The stand-in ProConnect's test agents: one per demo staff account (its e-mail, as load_demo gives it), and
one agent that no staff account matches."""

from sandbox.demo import DEMO_STAFF, demo_staff_email

IDP_ID = "fi-demo-justice"
SIRET = "00000000000000"  # fictitious

IDENTITIES: dict[str, dict[str, str]] = {
    username: {
        "given_name": "Camille",
        "usual_name": username.upper(),
        "email": demo_staff_email(username),
        "uid": f"demo-{username}",
        "siret": SIRET,
        "idp_id": IDP_ID,
    }
    for username, _role, _local, _back_office in DEMO_STAFF
}
IDENTITIES["sans-compte"] = {
    "given_name": "Dominique",
    "usual_name": "SANSCOMPTE",
    "email": "sans.compte@demo.justice.gouv.fr",
    "uid": "demo-sans-compte",
    "siret": SIRET,
    "idp_id": IDP_ID,
}

# Claims released for each scope (ProConnect: one scope per claim).
SCOPE_CLAIMS = {name: (name,) for name in ("given_name", "usual_name", "email", "uid", "siret", "idp_id")}

# The levels a tester may pick: one factor, or two (what ProConnect returns for an agent whose identity
# provider used a second factor managed by the organisation).
ACR_CHOICES = {
    "eidas1": "Un facteur (mot de passe seul) : eidas1",
    "eidas2": "Deux facteurs (mot de passe et code à usage unique) : eidas2",
}
