import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from establishments.models import Bank, Establishment
from permits.models import Detainee, VisitPermit


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo tutorials' videos and captions are stored as Wagtail documents: keep them out of the tree."""
    settings.MEDIA_ROOT = str(tmp_path)


def _counts():
    models = (Establishment, Detainee, VisitPermit, Bank, User)
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


@pytest.mark.django_db
def test_load_demo_creates_exactly_the_demo_data(capsys):
    call_command("load_demo")
    cp = Establishment.objects.get(code="CPDEMO")
    assert cp.name == "Centre pénitentiaire de Démonstration"
    assert (cp.min_amount, cp.max_per_transfer, cp.max_per_detainee_month, cp.max_per_sender_month) == (
        Decimal("1.00"), Decimal("200.00"), Decimal("400.00"), Decimal("300.00"),
    )
    martin = Detainee.objects.get(establishment=cp, ecrou="123456")
    assert (martin.family_name, martin.first_name, martin.birth_date) == ("MARTIN", "Jean", datetime.date(1985, 3, 14))
    angela = VisitPermit.objects.get(number="PV-2026-000123")
    assert (angela.detainee, angela.holder_family_name, angela.holder_first_names) == (
        martin, "DUBOIS", "Angela Claire Louise",
    )
    assert angela.holder_birth_date == datetime.date(1962, 8, 24)
    assert angela.kind == "permanent" and angela.status == "active"
    pierre = VisitPermit.objects.get(number="PV-2026-000124")
    assert (pierre.holder_family_name, pierre.holder_first_names, pierre.holder_birth_date) == (
        "DUPONT", "Pierre", datetime.date(1970, 1, 1),
    )
    # Added for the money-flow walk: BERNARD Luc, and Sophie LEROY's permits for both detainees.
    bernard = Detainee.objects.get(establishment=cp, ecrou="123457")
    assert (bernard.family_name, bernard.first_name, bernard.birth_date) == (
        "BERNARD", "Luc", datetime.date(1990, 6, 2),
    )
    assert bernard.legal_status == "condamne" and bernard.may_receive_money and bernard.status == "detained"
    for number, detainee in (("PV-2026-000125", martin), ("PV-2026-000126", bernard)):
        sophie = VisitPermit.objects.get(number=number)
        assert (sophie.detainee, sophie.holder_family_name, sophie.holder_first_names, sophie.holder_birth_date) == (
            detainee, "LEROY", "Sophie Marie", datetime.date(1975, 5, 20),
        )
        assert sophie.kind == "permanent" and sophie.status == "active"
    assert Bank.objects.get(name="Banque de Démonstration").enabled
    for username in ("greffe", "regie", "national", "auditeur", "communication", "parloirs", "securite"):
        user = User.objects.get(username=username)
        assert user.check_password("demo-portail")
        assert list(user.groups.values_list("name", flat=True)) == [username]
    assert list(User.objects.get(username="greffe").establishments.all()) == [cp]
    assert list(User.objects.get(username="parloirs").establishments.all()) == [cp]
    assert list(User.objects.get(username="securite").establishments.all()) == [cp]
    assert not User.objects.get(username="communication").is_staff
    # 12 rows of DESIGN.md's demo data, 3 for the money-flow walk (a detainee, two permits), 2 more demo banks,
    # CPDEMO's parloir (its booking rules, 3 visiting areas, 22 weekly sessions), then the content site (cms.demo):
    # 16 pages (the accessibility statement is not one: cms.accessibility), the 4 tutorials' 8 files (video and
    # captions) and 4 posters, the guides' 3 illustrations; the home page, the two guides and the FAQ in English
    # and Arabic (8 pages, cms.demo_i18n).
    assert "82 créées" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = _counts()
    call_command("load_demo")
    assert _counts() == before
    assert "0 créées, 0 mises à jour, 82 inchangées" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_demo_restores_a_changed_cap():
    call_command("load_demo")
    Establishment.objects.filter(code="CPDEMO").update(max_per_transfer=Decimal("150.00"))
    call_command("load_demo")
    assert Establishment.objects.get(code="CPDEMO").max_per_transfer == Decimal("200.00")


@pytest.mark.django_db
@override_settings(DEMO_DATA_ALLOWED=False)
def test_load_demo_refused_in_production():
    with pytest.raises(CommandError, match="interdites en production"):
        call_command("load_demo")
    assert not User.objects.filter(username="greffe").exists()
