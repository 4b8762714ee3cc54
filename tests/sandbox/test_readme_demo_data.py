"""The README's "Essayer le portail" gives a newcomer the demo data as the code has it (start-up): the
FranceConnect test identities, the permits to register, the staff accounts and their second factor, the bank
login; and it sends nobody outside the repository."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from establishments.models import Bank, Establishment
from permits.models import Detainee, VisitPermit
from sandbox.bank.constants import DEMO_LOGIN
from sandbox.bank.constants import DEMO_PASSWORD as BANK_PASSWORD
from sandbox.demo import DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET
from sandbox.franceconnect.identities import IDENTITIES

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Essayer le portail")
    return text[start:text.index("\n## ", start + 1)]


def _french(day: datetime.date | str) -> str:
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return day.strftime("%d/%m/%Y")


def test_the_readme_points_at_nothing_outside_the_repository():
    text = README.read_text(encoding="utf-8")
    assert "../" not in text and "DESIGN.md" not in text and "/work/" not in text


def test_the_test_identities_are_those_of_the_stand_in():
    section = _section()
    for identity in IDENTITIES.values():
        name = f"{identity['given_name']} {identity['family_name']}"
        row = next(line for line in section.splitlines() if name in line)
        assert _french(identity["birthdate"]) in row and identity["email"] in row
        assert identity["birthplace"] in row and identity["birthcountry"] in row


@pytest.mark.django_db
def test_the_permits_detainee_and_caps_are_those_load_demo_makes(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", verbosity=0)
    section = _section()
    for permit in VisitPermit.objects.select_related("detainee"):
        row = next(line for line in section.splitlines() if f"| `{permit.number}` |" in line)
        assert f"{permit.holder_first_names} {permit.holder_family_name}" in row
        assert _french(permit.holder_birth_date) in row and f"`{permit.detainee.family_name}`" in row
    for detainee in Detainee.objects.all():
        assert f"{detainee.family_name} {detainee.first_name}, born {_french(detainee.birth_date)}" in section
        assert f"numéro d'écrou `{detainee.ecrou}`" in section
    cp = Establishment.objects.get()
    assert f"\"{cp.name}\" (`{cp.code}`" in section
    caps = re.sub(r"\s+", " ", section)
    assert f"at least {cp.min_amount:.0f} €, at most {cp.max_per_transfer:.0f} € a transfer" in caps
    assert f"{cp.max_per_detainee_month:.0f} € a month for the detainee" in caps
    assert f"{cp.max_per_sender_month:.0f} € a month for each sender" in caps
    bank = Bank.objects.get(bic="DEMOFRPP")
    assert f"\"{bank.name}\" in the bank list; on its login page, identifier `{DEMO_LOGIN}`, password " \
           f"`{BANK_PASSWORD}`" in section
    others = Bank.objects.exclude(pk=bank.pk).order_by("name")
    assert f"\"{others[0].name}\" and \"{others[1].name}\", fictional too, lead to the same sandbox bank" in caps
    assert others.count() == 2 and {other.api_base_url for other in others} == {bank.api_base_url}


def test_the_staff_accounts_and_their_second_factor():
    section = _section()
    rows = {line.split("|")[1].strip(" `") for line in section.splitlines() if re.match(r"\| `\w+` \|", line)}
    assert rows == {username for username, *_rest in DEMO_STAFF}
    assert f"password `{DEMO_PASSWORD}`" in section
    assert DEMO_TOTP_SECRET in section and "manage.py demo_totp" in section
