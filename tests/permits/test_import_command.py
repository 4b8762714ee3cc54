"""``manage.py import_genesis``: the same service as the admin, a report, non-zero exit on error."""

import pytest
from django.core.management import CommandError, call_command

from permits.models import Detainee, VisitPermit
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory

from .test_import_support import csv_bytes, detainee_row, permit_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def permits_file(tmp_path, maxx):
    DetaineeFactory(establishment=maxx, ecrou="424242")
    path = tmp_path / "permis.csv"
    path.write_bytes(csv_bytes([permit_row(), permit_row(numero_permis="PV-2026-100002", statut="suspendu")]))
    return path


def test_dry_run_prints_the_preview_and_writes_nothing(permits_file, capsys):
    call_command("import_genesis", "permits", str(permits_file), "--dry-run")
    out = capsys.readouterr().out
    assert "simulation : rien n'est enregistré" in out
    assert "création : PV-2026-100001" in out and "création : PV-2026-100002" in out
    assert "2 créé(s), 0 mis à jour, 0 inchangé(s)" in out
    assert not VisitPermit.objects.exists()


def test_import_writes_with_the_given_user_and_reports_counts(permits_file, maxx, capsys):
    greffe = StaffFactory(username="agent-greffe", role="greffe", establishments=[maxx])
    call_command("import_genesis", "permits", str(permits_file), "--user", "agent-greffe")
    assert "2 créé(s), 0 mis à jour, 0 inchangé(s) — 2 ligne(s) ont été enregistrée(s)." in capsys.readouterr().out
    assert {h.history_user for h in VisitPermit.history.all()} == {greffe}
    assert {h.history_change_reason for h in VisitPermit.history.all()} == {"permit_genesis_import:permis.csv"}

    call_command("import_genesis", "permits", str(permits_file))
    assert "0 créé(s), 0 mis à jour, 2 inchangé(s)" in capsys.readouterr().out
    assert VisitPermit.history.count() == 2


def test_errors_are_printed_in_french_and_the_command_fails_writing_nothing(tmp_path, maxx, capsys):
    path = tmp_path / "detenus.csv"
    path.write_bytes(csv_bytes([detainee_row(), detainee_row(numero_ecrou="2", date_naissance="31/02/1990"),
                                detainee_row(numero_ecrou="3", statut="evade")]))
    with pytest.raises(CommandError, match="Import refusé : 2 erreur\\(s\\) ; rien n'a été enregistré."):
        call_command("import_genesis", "detainees", str(path))
    err = capsys.readouterr().err
    assert "Ligne 3, colonne date_naissance : Date invalide : « 31/02/1990 »" in err
    assert "Ligne 4, colonne statut : Valeur inconnue : « evade »" in err
    assert not Detainee.objects.exists()


def test_an_unreadable_file_fails_with_a_french_message(tmp_path, maxx):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_genesis", "permits", str(tmp_path / "absent.csv"))
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_genesis", "permits", str(empty))


def test_an_unknown_or_unauthorised_user_is_refused(permits_file, maxx):
    with pytest.raises(CommandError, match="Membre du personnel inconnu ou inactif : personne."):
        call_command("import_genesis", "permits", str(permits_file), "--user", "personne")
    StaffFactory(username="lecteur", role="auditeur")
    with pytest.raises(CommandError, match="lecteur n'a pas le droit d'importer des permis de visite."):
        call_command("import_genesis", "permits", str(permits_file), "--user", "lecteur")
    assert not VisitPermit.objects.exists()


def test_a_user_importing_another_establishments_rows_is_refused(permits_file, capsys):
    other = EstablishmentFactory(code="AUTRE")
    StaffFactory(username="greffe-autre", role="greffe", establishments=[other])
    with pytest.raises(CommandError):
        call_command("import_genesis", "permits", str(permits_file), "--user", "greffe-autre")
    assert "Établissement hors de votre périmètre : MAXX" in capsys.readouterr().err
    assert not VisitPermit.objects.exists()
