"""Exports of the back office: GENESIS columns, the user's establishments only, safe from formula
injection in CSV and XLSX, and importable again unchanged."""

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from core.spreadsheets import escape_formula
from permits.imports.columns import DETAINEE_COLUMNS, PERMIT_COLUMNS
from permits.imports.resources import DetaineeResource, VisitPermitResource
from permits.models import Detainee, VisitPermit
from permits.services import import_genesis_file
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory

from .test_import_support import date

pytestmark = pytest.mark.django_db

FORMULAS = ["=HYPERLINK(\"http://x\")", "+33 1 23", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


def export(user, model: str, resource, columns, fmt: str) -> bytes:
    client = Client()
    login_staff(client, user)
    data = {"resource": "0", "format": {"csv": "0", "xlsx": "1"}[fmt]}
    data.update({f"{resource.__name__.lower()}_{c}": "on" for c in columns})
    response = client.post(reverse(f"admin:permits_{model}_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.fixture
def setup():
    maxx, other = EstablishmentFactory(code="MAXX"), EstablishmentFactory(code="AUTRE")
    mine = DetaineeFactory(establishment=maxx, ecrou="1", family_name="MARTIN", first_name="Jean",
                           birth_date=date("1985-03-14"), legal_status="condamne")
    theirs = DetaineeFactory(establishment=other, ecrou="2", family_name="SECRET")
    VisitPermitFactory(number="PV-MINE", detainee=mine, holder_family_name="DUBOIS", valid_from=date("2026-01-01"))
    VisitPermitFactory(number="PV-THEIRS", detainee=theirs)
    greffe = StaffFactory(role="greffe", establishments=[maxx])
    return greffe, mine


def test_csv_export_has_the_genesis_columns_and_only_the_users_establishments(setup):
    greffe, _mine = setup
    text = export(greffe, "visitpermit", VisitPermitResource, PERMIT_COLUMNS.names, "csv").decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == ";".join(PERMIT_COLUMNS.names)
    assert lines[1] == "PV-MINE;MAXX;1;DUBOIS;Marie;03/02/1965;mère;permanent;01/01/2026;;actif"
    assert "PV-THEIRS" not in text and len(lines) == 2

    detainees = export(greffe, "detainee", DetaineeResource, DETAINEE_COLUMNS.names, "csv").decode("utf-8-sig")
    assert detainees.strip().splitlines() == [
        ";".join(DETAINEE_COLUMNS.names), "MAXX;1;MARTIN;Jean;14/03/1985;detenu;oui;condamne",
    ]


def test_a_detainee_without_legal_status_is_exported_with_an_empty_cell_and_imports_back_unchanged(setup):
    greffe, mine = setup
    DetaineeFactory(establishment=mine.establishment, ecrou="2", family_name="BERNARD", legal_status="")
    content = export(greffe, "detainee", DetaineeResource, DETAINEE_COLUMNS.names, "csv")
    lines = content.decode("utf-8-sig").strip().splitlines()
    assert sorted(line.rsplit(";", 1)[1] for line in lines[1:]) == ["", "condamne"]
    history = Detainee.history.count()
    report = import_genesis_file(kind="detainees", content=content, file_name="export.csv", user=greffe)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Detainee.history.count() == history


def test_the_export_and_import_pages_offer_the_genesis_formats_and_columns(setup):
    greffe, _mine = setup
    client = Client()
    login_staff(client, greffe)
    for page in ("export", "import"):
        response = client.get(reverse(f"admin:permits_visitpermit_{page}"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "numero_permis" in html and "date_naissance_titulaire" in html
        assert [title for _value, title in response.context["form"].fields["format"].choices if title != "---"] == [
            "csv", "xlsx",
        ]
    assert "Importer" in client.get(reverse("admin:permits_visitpermit_changelist")).content.decode()


def test_an_export_imports_again_without_any_change(setup):
    greffe, _mine = setup
    content = export(greffe, "visitpermit", VisitPermitResource, PERMIT_COLUMNS.names, "csv")
    history = VisitPermit.history.count()
    report = import_genesis_file(kind="permits", content=content, file_name="export.csv", user=greffe)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert VisitPermit.history.count() == history


@pytest.mark.parametrize("value", FORMULAS)
def test_every_formula_prefix_is_escaped(value):
    assert escape_formula(value) == "'" + value
    assert escape_formula("DUBOIS") == "DUBOIS"
    assert escape_formula("Jean-Pierre") == "Jean-Pierre"  # only a leading character counts


def test_csv_export_neutralises_formulas_in_every_cell(setup):
    greffe, mine = setup
    for i, value in enumerate(FORMULAS):
        VisitPermitFactory(number=f"PV-F{i}", detainee=mine, holder_family_name=value, holder_first_names=value,
                           relationship=value)
    text = export(greffe, "visitpermit", VisitPermitResource, PERMIT_COLUMNS.names, "csv").decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")}
    for i, value in enumerate(FORMULAS):
        assert rows[f"PV-F{i}"][3:5] == ["'" + value, "'" + value]  # nom_titulaire, prenoms_titulaire
        assert rows[f"PV-F{i}"][6] == "'" + value  # lien
    cells = [cell for row in rows.values() for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_xlsx_export_writes_formulas_as_plain_text(setup):
    greffe, mine = setup
    for i, value in enumerate(FORMULAS[:4]):
        VisitPermitFactory(number=f"PV-F{i}", detainee=mine, holder_family_name=value)
    content = export(greffe, "visitpermit", VisitPermitResource, PERMIT_COLUMNS.names, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["DUBOIS", *("'" + v for v in FORMULAS[:4])])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
