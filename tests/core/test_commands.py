"""The operator commands' shared options (``core.commands``): a bad ``--date`` and an unknown
establishment are refused in French, by ``cashier_batch`` and ``sandbox_statement`` alike."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.commands import parse_day
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

COMMANDS = ("cashier_batch", "sandbox_statement")


def test_parse_day():
    assert parse_day("2026-03-01").isoformat() == "2026-03-01"
    with pytest.raises(CommandError, match="Date invalide"):
        parse_day("01/03/2026")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_date_is_refused(command):
    EstablishmentFactory(code="ETABD")
    with pytest.raises(CommandError, match=r"Date invalide \(AAAA-MM-JJ attendu\) : 2026-13-45"):
        call_command(command, "ETABD", "--date", "2026-13-45", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_establishment_is_refused(command):
    with pytest.raises(CommandError, match="Établissement inconnu : NULLEPART"):
        call_command(command, "NULLEPART", stdout=io.StringIO(), stderr=io.StringIO())
