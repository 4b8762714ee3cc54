"""The name a payer's bank gives against the relative's FranceConnect identity: real-world spellings."""

import pytest

from monitoring.names import holder_matches

ANGELA = {"given_names": "Angela Claire Louise", "family_name": "DUBOIS"}
ANGELA_MARRIED = {"given_names": "Angela Claire Louise", "family_name": "DUBOIS", "usage_name": "MARTIN"}
PIERRE = {"given_names": "Pierre", "family_name": "DUPONT"}
JEAN_PIERRE = {"given_names": "Jean-Pierre", "family_name": "Le Gall"}
ELOISE = {"given_names": "Éloïse Marie", "family_name": "N'Diaye"}
ANNE_SOPHIE_LEGALL = {"given_names": "Anne-Sophie", "family_name": "LEGALL"}
DUBOIS_MARTIN = {"given_names": "Angela", "family_name": "DUBOIS", "usage_name": "DUBOIS-MARTIN"}

CASES = [
    # The usual spellings of a bank.
    ("DUBOIS ANGELA", ANGELA, True),
    ("ANGELA DUBOIS", ANGELA, True),
    ("Mme Angela Dubois", ANGELA, True),
    ("MME DUBOIS ANGELA", ANGELA, True),
    ("MADAME DUBOIS ANGELA CLAIRE LOUISE", ANGELA, True),
    ("DUBOIS ANGELA CLAIRE", ANGELA, True),
    ("CLAIRE DUBOIS", ANGELA, True),
    ("A. DUBOIS", ANGELA, True),
    ("DUBOIS A C", ANGELA, True),
    ("DUBOIS A.C.L.", ANGELA, True),
    ("MLLE DUBOIS ANGELA", ANGELA, True),
    ("DUBOIS", ANGELA, True),
    ("dubois angéla", ANGELA, True),
    # Cut by the bank at the end (70 or 140 characters).
    ("MADAME DUBOIS ANGELA CLAIRE LOU", ANGELA, True),
    ("DUBOIS ANG", ANGELA, True),
    ("DUBOIS AN", ANGELA, False),
    # Joint accounts and marriage.
    ("M OU MME DUBOIS ANGELA", ANGELA, True),
    ("M OU MME DUBOIS PIERRE", ANGELA, False),
    ("MME MARTIN NEE DUBOIS ANGELA", ANGELA_MARRIED, True),
    ("MARTIN ANGELA", ANGELA_MARRIED, True),
    ("MME MARTIN EPOUSE DUBOIS ANGELA", ANGELA_MARRIED, True),
    ("MME MARTIN NEE DUBOIS ANGELA", ANGELA, False),
    ("DUBOIS-MARTIN ANGELA", DUBOIS_MARTIN, True),
    ("DUBOIS MARTIN ANGELA", DUBOIS_MARTIN, True),
    ("DUBOIS-MARTIN ANGELA", ANGELA, False),
    # Somebody else.
    ("DUBOIS MARIE", ANGELA, False),
    ("DURAND ANGELA", ANGELA, False),
    ("SARL DUBOIS", ANGELA, False),
    ("DUBOIS ET FILS", ANGELA, False),
    ("DUBOISSY ANGELA", ANGELA, False),
    ("ANGELA", ANGELA, False),
    ("DUPONT PIERRE", ANGELA, False),
    ("M DUPONT PIERRE", PIERRE, True),
    ("MONSIEUR PIERRE DUPONT", PIERRE, True),
    ("M. P. DUPONT", PIERRE, True),
    ("DUPONT PAUL", PIERRE, False),
    ("DUPONT P J", PIERRE, False),
    # Compound names, hyphens and apostrophes.
    ("LE GALL JEAN PIERRE", JEAN_PIERRE, True),
    ("LEGALL JEAN-PIERRE", JEAN_PIERRE, True),
    ("M LE GALL J P", JEAN_PIERRE, True),
    ("GALL JEAN PIERRE", JEAN_PIERRE, False),
    ("LE GALL ANNE SOPHIE", ANNE_SOPHIE_LEGALL, True),
    ("NDIAYE ELOISE", ELOISE, True),
    ("N DIAYE ELOISE MARIE", ELOISE, True),
    ("MLLE N'DIAYE ÉLOÏSE", ELOISE, True),
    ("DIAYE ELOISE", ELOISE, False),
    # Nothing to compare: no alert.
    ("", ANGELA, True),
    ("   ", ANGELA, True),
]


@pytest.mark.parametrize(("holder", "identity", "expected"), CASES, ids=[f"{c[0]!r}-{c[2]}" for c in CASES])
def test_holder_name_against_identity(holder, identity, expected):
    assert holder_matches(holder, **identity) is expected


def test_the_table_has_real_variety():
    assert len(CASES) >= 30
    assert {expected for _holder, _identity, expected in CASES} == {True, False}
