"""The columns of each kind of GENESIS file are declared once (``permits.imports.columns``): the
resources, the header check, the export and docs/imports.md all follow that declaration."""

from pathlib import Path

import pytest
import tablib

from permits.imports.columns import DETAINEE_COLUMNS, PERMIT_COLUMNS
from permits.imports.files import GenesisFileError, check_dataset
from permits.imports.resources import DetaineeResource, VisitPermitResource

DOCS = Path(__file__).resolve().parents[3] / "docs" / "imports.md"


@pytest.mark.parametrize(("resource", "columns"), [(DetaineeResource, DETAINEE_COLUMNS),
                                                    (VisitPermitResource, PERMIT_COLUMNS)])
def test_a_resource_reads_and_exports_the_declared_columns_in_their_order(resource, columns):
    instance = resource()
    assert [field.column_name for field in instance.get_export_fields()] == list(columns.names)
    assert instance.get_diff_headers() == list(columns.names)
    for column in columns.columns:
        field = instance.fields[column.name]
        assert (field.attribute, type(field.widget)) == (column.attribute, type(column.widget))
    assert resource.get_display_name() == columns.label


def test_the_columns_resolved_by_the_resource_are_the_related_rows():
    assert [c for c in DETAINEE_COLUMNS.names if c not in DETAINEE_COLUMNS.plain] == ["etablissement"]
    assert [c for c in PERMIT_COLUMNS.names if c not in PERMIT_COLUMNS.plain] == ["etablissement", "numero_ecrou"]


@pytest.mark.parametrize("columns", [DETAINEE_COLUMNS, PERMIT_COLUMNS])
def test_the_header_check_names_what_is_missing_from_the_declaration(columns):
    check_dataset(tablib.Dataset(["x"] * len(columns.names), headers=list(columns.names)), columns)
    last = columns.required[-1]
    with pytest.raises(GenesisFileError, match=f"Colonnes manquantes : {last} "):
        check_dataset(tablib.Dataset(headers=[c for c in columns.names if c != last]), columns)


def test_only_the_legal_status_is_optional():
    assert DETAINEE_COLUMNS.names[-1] == "statut_juridique"
    assert DETAINEE_COLUMNS.required == DETAINEE_COLUMNS.names[:-1]
    assert PERMIT_COLUMNS.required == PERMIT_COLUMNS.names
    check_dataset(tablib.Dataset(["x"] * len(DETAINEE_COLUMNS.required), headers=list(DETAINEE_COLUMNS.required)),
                  DETAINEE_COLUMNS)


def test_docs_show_the_declared_headers():
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    assert DETAINEE_COLUMNS.header in lines
    assert PERMIT_COLUMNS.header in lines
