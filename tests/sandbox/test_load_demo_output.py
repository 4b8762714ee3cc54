"""What ``manage.py load_demo`` prints (start-up): what it made in a few lines, not the ~200 lines of
Wagtail's page events and of the tasks they set in motion; ``-v 2`` shows each row and those logs."""

import logging
import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _load(*args) -> list[str]:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue().splitlines()


def _chatter(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno < logging.WARNING]


def test_a_first_load_says_what_it_made_in_a_few_lines_and_nothing_else(caplog):
    root_level = logging.getLogger().level
    lines = _load()
    assert len(lines) <= 6, lines
    assert lines[0].startswith("Données de démonstration : ") and " créées, 0 mises à jour, 0 inchangées." in lines[0]
    made = next(line for line in lines if line.startswith("  Créé : "))
    assert re.search(r"1 établissement, 2 personnes détenues, 4 permis de visite, 3 banques, \d+ comptes d'agents, "
                     r"\d+ pages", made), made
    held = next(line for line in lines if line.startswith("  Dans la base : "))
    assert "1 établissement" in held and "0 proche" in held and "0 virement" in held and "pages publiées" in held
    assert any("README.md" in line and "Essayer le portail" in line for line in lines)
    # Neither Wagtail's page events nor the tasks' start and end went to the log; its level is back afterwards.
    assert _chatter(caplog) == []
    assert logging.getLogger().level == root_level and logging.getLogger("wagtail").level == logging.NOTSET


def test_a_second_load_says_nothing_changed(caplog):
    _load()
    lines = _load()
    assert re.match(r"Données de démonstration : 0 créées, 0 mises à jour, \d+ inchangées\.", lines[0])
    assert not any(line.startswith(("  Créé", "  Mis à jour")) for line in lines)
    assert len(lines) <= 4


def test_verbosity_2_lists_each_row_and_lets_the_logs_through(caplog):
    lines = _load("-v", "2")
    assert "créé : permis PV-2026-000123" in lines and "créé : établissement CPDEMO" in lines
    assert len(lines) > 20
    assert any(message.startswith("Page created: ") for message in _chatter(caplog))


def test_verbosity_0_prints_nothing():
    assert _load("-v", "0") == []
