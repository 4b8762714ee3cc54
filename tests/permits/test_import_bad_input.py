"""Files that cannot be imported: a clear French message, and nothing written."""

import pytest

import permits.imports.files
import permits.services
from permits.imports.columns import PERMIT_COLUMNS
from permits.models import Detainee, VisitPermit
from permits.services import import_genesis_file
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory

from .test_import_support import csv_bytes, detainee_row, permit_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def greffe():
    maxx = EstablishmentFactory(code="MAXX")
    DetaineeFactory(establishment=maxx, ecrou="424242")
    return StaffFactory(role="greffe", establishments=[maxx])


def refused(content: bytes, greffe, kind="permits", file_name="fichier.csv") -> list[str]:
    before = (VisitPermit.objects.count(), Detainee.objects.count(), VisitPermit.history.count(),
              Detainee.history.count())
    report = import_genesis_file(kind=kind, content=content, file_name=file_name, user=greffe)
    assert not report.ok
    assert (VisitPermit.objects.count(), Detainee.objects.count(), VisitPermit.history.count(),
            Detainee.history.count()) == before
    return report.errors


def test_an_empty_file_is_refused(greffe):
    assert refused(b"", greffe) == ["Le fichier est vide."]
    assert refused(b"\r\n \r\n", greffe) == ["Le fichier est vide."]


def test_a_header_without_rows_is_refused(greffe):
    header = ";".join(PERMIT_COLUMNS.names).encode() + b"\r\n"
    assert refused(header, greffe) == ["Le fichier ne contient aucune ligne de données (seulement l'en-tête)."]


def test_missing_columns_are_named(greffe):
    columns = [c for c in PERMIT_COLUMNS.names if c not in ("date_fin", "statut")]
    errors = refused(csv_bytes([permit_row()], columns=columns), greffe)
    assert errors[0].startswith("Colonnes manquantes : date_fin, statut (colonnes attendues : numero_permis;")


def test_a_detainee_file_given_as_permits_names_the_missing_columns(greffe):
    errors = refused(csv_bytes([detainee_row()]), greffe, kind="permits")
    assert errors[0].startswith("Colonnes manquantes : numero_permis, nom_titulaire")


def test_an_unclosed_quote_is_malformed_csv(greffe):
    content = csv_bytes([permit_row()]) + b'PV-9;MAXX;424242;"DURAND;Marie;03/02/1965;;permanent;01/01/2026;;actif\r\n'
    errors = refused(content, greffe)
    assert errors[0].startswith("Fichier CSV mal formé, ligne")
    assert "guillemet non fermé" in errors[0]


def test_a_row_with_the_wrong_number_of_values_is_malformed_csv(greffe):
    content = csv_bytes([permit_row()]) + b"PV-9;MAXX;424242;DURAND\r\n"
    assert refused(content, greffe) == [
        "Fichier CSV mal formé, ligne 3 : 4 valeurs au lieu de 11 (séparateur attendu : « ; »)."
    ]


def test_a_utf16_file_is_refused_clearly(greffe):
    content = csv_bytes([permit_row()]).decode("utf-8").encode("utf-16")
    assert refused(content, greffe) == [
        "Encodage non pris en charge (UTF-16) : enregistrez le fichier en CSV UTF-8 ou Latin-1."
    ]


def test_a_binary_file_given_as_csv_is_refused(greffe):
    errors = refused(b"\x00\x01\x02binaire\x00", greffe)
    assert errors == ["Le fichier n'est pas un fichier texte CSV (il contient des octets nuls) : vérifiez son format."]


def test_an_xlsx_that_is_not_one_is_refused(greffe):
    errors = refused(csv_bytes([permit_row()]), greffe, file_name="permis.xlsx")
    assert errors == ["Le fichier n'est pas un classeur Excel (XLSX) valide : enregistrez-le au format XLSX ou CSV."]
    errors = refused(b"PK\x03\x04 pas vraiment un zip", greffe, file_name="permis.xlsx")
    assert "n'est pas un classeur Excel (XLSX) valide" in errors[0]


def test_an_empty_xlsx_is_refused(greffe):
    assert refused(xlsx_bytes([], []), greffe, file_name="vide.xlsx") == ["Le fichier est vide."]


def test_an_old_xls_file_is_refused(greffe):
    errors = refused(b"\xd0\xcf\x11\xe0 ancien classeur", greffe, file_name="permis.xls")
    assert errors == ["Format non pris en charge : enregistrez le fichier au format XLSX ou CSV."]


def test_an_oversized_file_is_refused_before_it_is_read(greffe, monkeypatch):
    content = csv_bytes([permit_row()])
    monkeypatch.setattr(permits.imports.files, "MAX_IMPORT_BYTES", len(content) - 1)
    errors = refused(content, greffe)
    assert errors[0].startswith("Le fichier dépasse la taille maximale autorisée")


def test_a_duplicated_header_column_is_refused(greffe):
    columns = [*PERMIT_COLUMNS.names, "statut"]
    errors = refused(csv_bytes([{**permit_row(), "statut": "actif"}], columns=columns), greffe)
    assert errors == ["Colonne en double dans l'en-tête : statut."]


@pytest.mark.parametrize("value", ["2026-13-01", "32/01/2026", "01-01-2026", "2026/01/01", "1er janvier"])
def test_dates_in_neither_form_are_row_errors(greffe, value):
    errors = refused(csv_bytes([permit_row(date_debut=value)]), greffe)
    assert errors == [
        f"Ligne 2, colonne date_debut : Date invalide : « {value} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)."
    ]


def test_an_unknown_kind_is_refused(greffe):
    with pytest.raises(permits.services.GenesisFileError, match="Type d'import inconnu"):
        import_genesis_file(kind="banques", content=b"x", file_name="x.csv", user=greffe)


def test_a_utf8_file_with_one_stray_latin1_byte_is_refused_with_its_line(greffe):
    # Read as cp1252, "LEFÈVRE" and every other accent of the file would come out garbled.
    content = csv_bytes([permit_row(nom_titulaire="LEFÈVRE"), permit_row(numero_permis="PV-2")])
    content += "PV-3;MAXX;424242;MÉNARD;Noël;03/02/1965;;permanent;01/01/2026;;actif\r\n".encode("latin-1")
    assert refused(content, greffe) == [
        "Le fichier est en UTF-8 mais la ligne 4 contient un caractère qui n'est pas de l'UTF-8 (octet 0xC9) : "
        "corrigez cette ligne ou enregistrez de nouveau le fichier en CSV UTF-8."
    ]


def test_a_whole_latin1_file_is_still_read_as_latin1():
    from permits.imports.files import decode_text

    assert decode_text("numero;nom\r\nPV-1;LEFÈVRE Noël « né » à Besançon\r\n".encode("cp1252")).endswith(
        "LEFÈVRE Noël « né » à Besançon\r\n"
    )
