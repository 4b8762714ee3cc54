"""The operator commands' shared options (``core.commands``): a bad ``--date`` and an unknown
establishment are refused in French, by ``cashier_batch`` and ``sandbox_statement`` alike."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.commands import day_option
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

COMMANDS = ("cashier_batch", "sandbox_statement")


def test_the_date_option_reads_days_as_the_pages_do():
    assert day_option("2026-03-01").isoformat() == "2026-03-01"
    assert day_option("01/03/2026").isoformat() == "2026-03-01"
    for bad in ("2026-02-30", "1999-12-31", "9999-12-31", "demain", "2026-03-01T00:00"):
        with pytest.raises(CommandError, match="Date invalide"):
            day_option(bad)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_date_is_refused(command):
    EstablishmentFactory(code="ETABD")
    with pytest.raises(CommandError, match=r"Date invalide \(AAAA-MM-JJ attendu\) : 2026-13-45"):
        call_command(command, "ETABD", "--date", "2026-13-45", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_establishment_is_refused(command):
    with pytest.raises(CommandError, match="Établissement inconnu : NULLEPART"):
        call_command(command, "NULLEPART", stdout=io.StringIO(), stderr=io.StringIO())
