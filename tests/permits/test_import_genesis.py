"""GENESIS imports through the service (the code under the admin and the command): creation, history
with the importing user, idempotent re-import, status changes, row errors in French, all or nothing,
scope, Latin-1 and XLSX."""

import datetime

import pytest

from permits.constants import PermitKind, PermitStatus
from permits.imports.columns import PERMIT_COLUMNS
from permits.models import Detainee, VisitPermit
from permits.services import import_genesis_file
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory

from .test_import_support import csv_bytes, date, detainee_row, permit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def other():
    return EstablishmentFactory(code="AUTRE")


@pytest.fixture
def greffe(maxx):
    return StaffFactory(username="greffe-maxx", role="greffe", establishments=[maxx])


def snapshot():
    return (
        sorted(VisitPermit.objects.values_list("number", "status")),
        sorted(Detainee.objects.values_list("ecrou", "status")),
        VisitPermit.history.count(),
        Detainee.history.count(),
    )


def test_detainees_are_created_with_their_history_naming_the_user_and_the_file(maxx, greffe):
    content = csv_bytes([detainee_row(), detainee_row(numero_ecrou="424243", statut="libere", subsides_autorises="non",
                                                      date_naissance="1990-07-01")])
    report = import_genesis_file(kind="detainees", content=content, file_name="detenus.csv", user=greffe)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first = Detainee.objects.get(establishment=maxx, ecrou="424242")
    assert (first.family_name, first.first_name, first.birth_date, first.status, first.may_receive_money) == (
        "LEFÈVRE", "Noël", date("1985-03-14"), "detained", True,
    )
    second = Detainee.objects.get(establishment=maxx, ecrou="424243")
    assert (second.status, second.may_receive_money, second.birth_date) == ("released", False, date("1990-07-01"))
    record = first.history.get()
    assert record.history_type == "+"
    assert record.history_user == greffe
    assert record.history_change_reason == "permit_genesis_import:detenus.csv"


def test_permits_are_created_with_both_date_forms_and_an_empty_end_date(detainee, greffe):
    content = csv_bytes([
        permit_row(),
        permit_row(numero_permis="PV-2026-100002", type="temporaire", date_debut="2026-02-01",
                   date_fin="31/12/2026", statut="suspendu", lien=""),
    ])
    report = import_genesis_file(kind="permits", content=content, file_name="permis.csv", user=greffe)
    assert report.ok, report.errors
    assert report.created == 2
    first = VisitPermit.objects.get(number="PV-2026-100001")
    assert first.detainee == detainee
    assert (first.holder_family_name, first.holder_first_names, first.holder_birth_date) == (
        "DURAND", "Marie Élise", date("1965-02-03"),
    )
    assert (first.kind, first.status, first.valid_from, first.valid_until) == (
        PermitKind.PERMANENT, PermitStatus.ACTIVE, date("2026-01-01"), None,
    )
    second = VisitPermit.objects.get(number="PV-2026-100002")
    assert (second.kind, second.status, second.valid_from, second.valid_until, second.relationship) == (
        PermitKind.TEMPORARY, PermitStatus.SUSPENDED, date("2026-02-01"), date("2026-12-31"), "",
    )
    assert {h.history_user for h in VisitPermit.history.all()} == {greffe}


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history(detainee, greffe):
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-2026-100002")])
    assert import_genesis_file(kind="permits", content=content, file_name="permis.csv", user=greffe).ok
    before = snapshot()
    again = import_genesis_file(kind="permits", content=content, file_name="permis.csv", user=greffe)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_reimporting_detainees_changes_nothing(maxx, greffe):
    content = csv_bytes([detainee_row()])
    import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=greffe)
    before = snapshot()
    again = import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=greffe)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert snapshot() == before


@pytest.mark.parametrize("genesis_status, status", [("suspendu", "suspended"), ("retire", "revoked"),
                                                    ("Retiré", "revoked")])
def test_a_permit_whose_status_changes_is_updated_with_history(detainee, greffe, genesis_status, status):
    permit = VisitPermitFactory(number="PV-2026-100001", detainee=detainee, holder_family_name="DURAND",
                                holder_first_names="Marie Élise", holder_birth_date=date("1965-02-03"),
                                relationship="mère", valid_from=date("2026-01-01"), transfers_authorized=True)
    content = csv_bytes([permit_row(statut=genesis_status)])
    report = import_genesis_file(kind="permits", content=content, file_name="maj.csv", user=greffe)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 1)
    permit.refresh_from_db()
    assert permit.status == status
    assert permit.transfers_authorized is True  # not a GENESIS column: left as it was
    last = permit.history.order_by("-history_id").first()
    assert (last.history_type, last.history_user) == ("~", greffe)
    assert last.history_change_reason == "permit_genesis_import:maj.csv"
    assert permit.history.count() == 2


@pytest.mark.parametrize(
    "changes, column, message",
    [
        ({"date_debut": "31/02/2026"}, "date_debut", "Date invalide : « 31/02/2026 »"),
        ({"date_naissance_titulaire": "hier"}, "date_naissance_titulaire", "Date invalide"),
        ({"etablissement": "INCONNU"}, "etablissement", "Établissement inconnu : INCONNU"),
        ({"numero_ecrou": "999999"}, "numero_ecrou", "Personne détenue inconnue : écrou 999999"),
        ({"nom_titulaire": ""}, "nom_titulaire", "Ce champ est obligatoire."),
        ({"numero_permis": "  "}, "numero_permis", "Ce champ est obligatoire."),
        ({"statut": "annule"}, "statut", "Valeur inconnue : « annule » (valeurs possibles : actif, suspendu, retire"),
        ({"type": "provisoire"}, "type", "Valeur inconnue : « provisoire »"),
        ({"date_fin": "01/01/2025"}, "date_fin", "La date de fin précède la date de début."),
        ({"lien": "x" * 101}, "lien", "100 caractères au maximum"),
    ],
)
def test_a_row_error_is_reported_in_french_by_line_and_column_and_nothing_is_written(
    detainee, greffe, changes, column, message
):
    content = csv_bytes([permit_row(numero_permis="PV-OK-1"), permit_row(**{"numero_permis": "PV-OK-2", **changes})])
    before = snapshot()
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"Ligne 3, colonne {column} : ")
    assert message in report.errors[0]
    assert snapshot() == before  # the good row before it was not written either


def test_a_duplicate_permit_number_in_the_file_is_an_error_on_both_lines(detainee, greffe):
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-X"), permit_row(nom_titulaire="AUTRE")])
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert report.errors == [
        "Ligne 2, colonne numero_permis : Numéro de permis en double dans le fichier (lignes 2, 4).",
        "Ligne 4, colonne numero_permis : Numéro de permis en double dans le fichier (lignes 2, 4).",
    ]
    assert not VisitPermit.objects.exists()


def test_missing_numbers_are_reported_as_missing_not_as_duplicates(detainee, greffe):
    content = csv_bytes([permit_row(numero_permis=""), permit_row(numero_permis="")])
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert report.errors == [
        "Ligne 2, colonne numero_permis : Ce champ est obligatoire.",
        "Ligne 3, colonne numero_permis : Ce champ est obligatoire.",
    ]


def test_a_duplicate_ecrou_in_a_detainee_file_is_an_error(maxx, greffe):
    content = csv_bytes([detainee_row(), detainee_row(nom="AUTRE")])
    report = import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=greffe)
    assert not report.ok and "en double" in report.errors[0]
    assert not Detainee.objects.exists()


def test_a_greffe_user_cannot_import_rows_of_another_establishment(maxx, other, greffe):
    DetaineeFactory(establishment=other, ecrou="777")
    content = csv_bytes([detainee_row(), detainee_row(etablissement="AUTRE", numero_ecrou="778")])
    report = import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=greffe)
    assert report.errors == [
        "Ligne 3, colonne etablissement : Établissement hors de votre périmètre : AUTRE (vous ne pouvez importer "
        "que les lignes de vos établissements)."
    ]
    assert Detainee.objects.count() == 1  # only the other establishment's own detainee

    permits = csv_bytes([permit_row(etablissement="AUTRE", numero_ecrou="777")])
    report = import_genesis_file(kind="permits", content=permits, file_name="p.csv", user=greffe)
    assert "hors de votre périmètre" in report.errors[0]
    assert not VisitPermit.objects.exists()


def test_a_permit_of_another_establishment_cannot_be_taken_over_by_import(maxx, other, detainee, greffe):
    elsewhere = VisitPermitFactory(number="PV-2026-100001", detainee=DetaineeFactory(establishment=other))
    report = import_genesis_file(kind="permits", content=csv_bytes([permit_row()]), file_name="p.csv", user=greffe)
    assert report.errors == [
        "Ligne 2, colonne numero_permis : Ce permis de visite appartient à une personne détenue d'un établissement "
        "hors de votre périmètre."
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.detainee.establishment == other


def test_a_national_administrator_imports_for_every_establishment(maxx, other):
    national = StaffFactory(role="national")
    content = csv_bytes([detainee_row(), detainee_row(etablissement="AUTRE")])
    report = import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=national)
    assert report.ok and report.created == 2


def test_a_latin1_file_from_an_old_export_imports_correctly(maxx, greffe):
    content = csv_bytes([detainee_row(nom="LEFÈVRE", prenom="Noël", statut="libéré")], encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    report = import_genesis_file(kind="detainees", content=content, file_name="ancien.csv", user=greffe)
    assert report.ok, report.errors
    detainee = Detainee.objects.get()
    assert (detainee.family_name, detainee.first_name, detainee.status) == ("LEFÈVRE", "Noël", "released")


def test_a_utf8_file_with_bom_and_a_comma_separated_file_import(maxx, greffe):
    content = b"\xef\xbb\xbf" + csv_bytes([detainee_row()], delimiter=",")
    report = import_genesis_file(kind="detainees", content=content, file_name="d.csv", user=greffe)
    assert report.ok, report.errors
    assert Detainee.objects.get().family_name == "LEFÈVRE"


def test_an_xlsx_export_imports_with_real_dates_and_numbers(detainee, greffe):
    row = permit_row()
    values = [row[c] for c in PERMIT_COLUMNS.names]
    values[2] = 424242  # numéro d'écrou as a number cell
    values[5] = datetime.datetime(1965, 2, 3)  # a date cell
    content = xlsx_bytes([values], PERMIT_COLUMNS.names)
    report = import_genesis_file(kind="permits", content=content, file_name="permis.xlsx", user=greffe)
    assert report.ok, report.errors
    permit = VisitPermit.objects.get()
    assert (permit.detainee, permit.holder_birth_date) == (detainee, date("1965-02-03"))


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(detainee, greffe):
    before = snapshot()
    report = import_genesis_file(kind="permits", content=csv_bytes([permit_row()]), file_name="p.csv", user=greffe,
                                 dry_run=True)
    assert report.ok and report.created == 1
    assert snapshot() == before


def test_without_a_user_the_import_is_not_scoped_and_history_has_no_user(maxx, other):
    content = csv_bytes([detainee_row(etablissement="AUTRE")])
    report = import_genesis_file(kind="detainees", content=content, file_name="d.csv")
    assert report.ok
    record = Detainee.history.get()
    assert record.history_user is None and record.history_change_reason == "permit_genesis_import:d.csv"


def test_a_write_refused_by_the_database_is_reported_in_french_and_nothing_is_written(detainee, greffe, monkeypatch):
    """As when another import creates the same permit between the lookups and the writes."""
    VisitPermitFactory(number="PV-2026-100002", detainee=detainee)
    monkeypatch.setattr("permits.selectors.permits_by_number", lambda numbers: {})
    before = snapshot()
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-2026-100002")])
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert len(report.errors) == 1
    assert report.errors[0].startswith("Écriture refusée par la base de données (")
    assert report.errors[0].endswith("Rien n'a été enregistré ; relancez l'import.")
    assert snapshot() == before


def test_after_a_row_error_no_batch_is_written(detainee, greffe, monkeypatch):
    calls = []
    monkeypatch.setattr("permits.imports.resources.bulk_create_with_history", lambda *a, **k: calls.append(a))
    content = csv_bytes([permit_row(date_debut="hier"), permit_row(numero_permis="PV-2")])
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert not report.ok and calls == []


def test_an_unexpected_row_error_is_reported_with_its_line_after_unchanged_rows(detainee, greffe, monkeypatch):
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-2")])
    assert import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe).ok
    content = csv_bytes([permit_row(), permit_row(numero_permis="PV-2"), permit_row(numero_permis="PV-3")])

    def broken(self, instance, row, values, errors):
        if row["numero_permis"] == "PV-3":
            raise RuntimeError("panne")

    monkeypatch.setattr("permits.imports.resources.VisitPermitResource.check_row", broken)
    report = import_genesis_file(kind="permits", content=content, file_name="p.csv", user=greffe)
    assert report.errors == ["Ligne 4 : panne"]
    assert VisitPermit.objects.count() == 2
