"""The detainees' optional GENESIS column ``statut_juridique`` (prévenu / condamné, which sets the parloir's
visits per week): its values with or without accents and capitals, empty for unknown, a file without the
column (older exports) still importing without touching the legal status, and a bad value refused with its
line and the allowed values, nothing written; through the command and the back office's import."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from permits.constants import LegalStatus
from permits.imports.columns import DETAINEE_COLUMNS
from permits.models import Detainee
from permits.services import import_genesis_file
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.permits.factories import DetaineeFactory

from .test_import_admin import upload
from .test_import_support import csv_bytes, date, detainee_row

pytestmark = pytest.mark.django_db

WITHOUT_COLUMN = DETAINEE_COLUMNS.required  # the header of the files exported before the column existed


@pytest.fixture
def greffe(maxx):
    return StaffFactory(username="greffe-maxx", role="greffe", establishments=[maxx])


def legal_statuses(maxx) -> dict[str, str]:
    return dict(Detainee.objects.filter(establishment=maxx).values_list("ecrou", "legal_status"))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("prevenu", LegalStatus.PREVENU),
        ("condamne", LegalStatus.CONDAMNE),
        ("Prévenu", LegalStatus.PREVENU),
        ("Condamné", LegalStatus.CONDAMNE),
        ("  CONDAMNÉ ", LegalStatus.CONDAMNE),
        ("", ""),
    ],
)
def test_the_command_reads_each_legal_status(maxx, tmp_path, capsys, cell, expected):
    path = tmp_path / "detenus.csv"
    path.write_bytes(csv_bytes([detainee_row(statut_juridique=cell)]))
    call_command("import_genesis", "detainees", str(path))
    assert "1 créé(s), 0 mis à jour, 0 inchangé(s)" in capsys.readouterr().out
    assert legal_statuses(maxx) == {"424242": expected}


def test_a_latin1_file_with_accented_values_is_read(maxx):
    content = csv_bytes([detainee_row(statut_juridique="Prévenu"),
                         detainee_row(numero_ecrou="2", statut_juridique="Condamné")], encoding="latin-1")
    report = import_genesis_file(kind="detainees", content=content, file_name="ancien.csv")
    assert report.ok, report.errors
    assert legal_statuses(maxx) == {"424242": "prevenu", "2": "condamne"}


def test_a_file_without_the_column_imports_and_leaves_the_legal_status_as_it_was(maxx, tmp_path, capsys):
    DetaineeFactory(establishment=maxx, ecrou="424242", family_name="LEFÈVRE", first_name="Noël",
                    legal_status=LegalStatus.CONDAMNE)
    path = tmp_path / "ancien.csv"
    path.write_bytes(csv_bytes([detainee_row(statut="libere"), detainee_row(numero_ecrou="2")],
                               columns=WITHOUT_COLUMN))
    call_command("import_genesis", "detainees", str(path))
    assert "1 créé(s), 1 mis à jour, 0 inchangé(s)" in capsys.readouterr().out
    assert legal_statuses(maxx) == {"424242": "condamne", "2": ""}
    assert Detainee.objects.get(ecrou="424242").status == "released"  # the other columns still apply

    capsys.readouterr()
    call_command("import_genesis", "detainees", str(path))  # once more: nothing changes
    assert "0 créé(s), 0 mis à jour, 2 inchangé(s)" in capsys.readouterr().out


def test_an_empty_cell_in_a_file_with_the_column_clears_the_legal_status(maxx):
    DetaineeFactory(establishment=maxx, ecrou="424242", legal_status=LegalStatus.PREVENU)
    report = import_genesis_file(kind="detainees", content=csv_bytes([detainee_row(statut_juridique="")]),
                                 file_name="detenus.csv")
    assert report.ok, report.errors
    assert legal_statuses(maxx) == {"424242": ""}


def test_a_change_of_legal_status_is_an_update_with_history(maxx, greffe):
    detainee = DetaineeFactory(establishment=maxx, ecrou="424242", family_name="LEFÈVRE", first_name="Noël",
                               legal_status=LegalStatus.PREVENU)
    report = import_genesis_file(kind="detainees", content=csv_bytes([detainee_row(statut_juridique="condamne")]),
                                 file_name="jugement.csv", user=greffe)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    record = detainee.history.first()
    assert (record.legal_status, record.history_user, record.history_change_reason) == (
        "condamne", greffe, "permit_genesis_import:jugement.csv",
    )


def test_the_command_refuses_a_bad_value_naming_the_line_and_the_allowed_values(maxx, tmp_path, capsys):
    DetaineeFactory(establishment=maxx, ecrou="424242", legal_status=LegalStatus.PREVENU)
    path = tmp_path / "detenus.csv"
    path.write_bytes(csv_bytes([detainee_row(statut_juridique="condamne", statut="libere"),
                                detainee_row(numero_ecrou="2", statut_juridique="accusé")]))
    history = Detainee.history.count()
    with pytest.raises(CommandError):
        call_command("import_genesis", "detainees", str(path))
    assert (
        "Ligne 3, colonne statut_juridique : Valeur inconnue : « accusé » (valeurs possibles : prevenu, condamne "
        "ou vide)." in capsys.readouterr().err
    )
    assert legal_statuses(maxx) == {"424242": "prevenu"}  # nothing written, not even the good line
    assert Detainee.objects.get().status == "detained"
    assert Detainee.history.count() == history


def test_the_admin_preview_shows_the_legal_status_then_the_confirmation_writes_it(maxx, greffe):
    client = client_for(greffe)
    content = csv_bytes([detainee_row(statut_juridique="Condamné")])
    response = upload(client, content, name="detenus.csv", url="admin:permits_detainee_import")
    page = response.content.decode()
    assert "statut_juridique" in page and "condamne" in page
    assert not Detainee.objects.exists()
    client.post(reverse("admin:permits_detainee_process_import"), response.context["confirm_form"].initial)
    assert legal_statuses(maxx) == {"424242": "condamne"}


def test_the_admin_preview_marks_a_change_of_legal_status(maxx, greffe):
    DetaineeFactory(establishment=maxx, ecrou="424242", family_name="LEFÈVRE", first_name="Noël",
                    birth_date=date("1985-03-14"), legal_status=LegalStatus.PREVENU)
    response = upload(client_for(greffe), csv_bytes([detainee_row(statut_juridique="condamne")]),
                      name="detenus.csv", url="admin:permits_detainee_import")
    assert "<del>prevenu</del> <ins>condamne</ins>" in response.content.decode()
    assert legal_statuses(maxx) == {"424242": "prevenu"}


def test_the_admin_imports_a_file_without_the_column(maxx, greffe):
    client = client_for(greffe)
    response = upload(client, csv_bytes([detainee_row()], columns=WITHOUT_COLUMN), name="ancien.csv",
                      url="admin:permits_detainee_import")
    assert "confirm_form" in response.context
    client.post(reverse("admin:permits_detainee_process_import"), response.context["confirm_form"].initial)
    assert legal_statuses(maxx) == {"424242": ""}


def test_the_admin_shows_a_bad_value_and_offers_no_confirmation(maxx, greffe):
    response = upload(client_for(greffe), csv_bytes([detainee_row(statut_juridique="peut-être")]),
                      name="detenus.csv", url="admin:permits_detainee_import")
    page = response.content.decode()
    assert "Valeur inconnue : « peut-être » (valeurs possibles : prevenu, condamne ou vide)." in page
    assert "confirm_form" not in response.context
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert not Detainee.objects.exists()
