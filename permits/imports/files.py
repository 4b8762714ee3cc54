"""GENESIS files: a file's bytes read into a dataset, checked against the columns of its kind, and the
admin's CSV/XLSX formats.

A file is read by ``read_dataset``: UTF-8 (with or without BOM) or Latin-1/cp1252 CSV with ``;``
separators, or XLSX; one header row, read without case or surrounding spaces. Whatever cannot be read
raises ``GenesisFileError`` with a French message for the user. Exports go through the same formats,
their cells escaped against formula injection (``core.spreadsheets``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl.utils.exceptions import InvalidFileException

from core.spreadsheets import escaped_row

from ..constants import MAX_IMPORT_BYTES
from .columns import GenesisColumns


class GenesisFileError(Exception):
    """A file that cannot be read as a GENESIS export; the message is for the user (French)."""


def too_big_message() -> str:
    return _("Le fichier dépasse la taille maximale autorisée (%(max)d Mo).") % {
        "max": MAX_IMPORT_BYTES // (1024 * 1024)
    }


def check_size(size: int) -> None:
    """Refuses a file larger than ``MAX_IMPORT_BYTES``, before it is read."""
    if size > MAX_IMPORT_BYTES:
        raise GenesisFileError(too_big_message())


# --- Reading files ---------------------------------------------------------------------------------


# A two- or three-byte UTF-8 sequence (an accented letter, a typographic quote): next to never found in
# a cp1252 file, whose accents are single bytes followed by ASCII.
_UTF8_ACCENTED = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252/Latin-1 (old GENESIS exports); UTF-16 is refused, and
    so is a UTF-8 file with a stray non-UTF-8 byte (rather than garbling all its accents)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GenesisFileError(
            _("Encodage non pris en charge (UTF-16) : enregistrez le fichier en CSV UTF-8 ou Latin-1.")
        )
    if b"\x00" in content:
        raise GenesisFileError(
            _("Le fichier n'est pas un fichier texte CSV (il contient des octets nuls) : vérifiez son format.")
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _UTF8_ACCENTED.search(content):
            # UTF-8 accents elsewhere: a UTF-8 file with a stray byte. Read as cp1252, every accented
            # name of the file would come out garbled ("LEFÃˆVRE"), and no longer match the permits.
            line = content.count(b"\n", 0, exc.start) + 1
            raise GenesisFileError(
                _("Le fichier est en UTF-8 mais la ligne %(line)d contient un caractère qui n'est pas de l'UTF-8 "
                  "(octet %(byte)s) : corrigez cette ligne ou enregistrez de nouveau le fichier en CSV UTF-8.")
                % {"line": line, "byte": f"0x{content[exc.start]:02X}"}
            ) from exc
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _normalize_header(value) -> str:
    return str(value if value is not None else "").strip().lstrip("\ufeff").strip().lower()


def _dataset(headers: list[str], rows: list[list]) -> tablib.Dataset:
    seen: set[str] = set()
    for name in headers:
        if name and name in seen:
            raise GenesisFileError(_("Colonne en double dans l'en-tête : %(name)s.") % {"name": name})
        seen.add(name)
    return tablib.Dataset(*rows, headers=headers)


def parse_csv(content: bytes) -> tablib.Dataset:
    check_size(len(content))
    text = decode_text(content)
    if not text.strip():
        raise GenesisFileError(_("Le fichier est vide."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ("," if "," in first_line else ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    headers: list[str] | None = None
    rows: list[list] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank line
            if headers is None:
                headers = [_normalize_header(v) for v in values]
                continue
            if len(values) != len(headers):
                raise GenesisFileError(
                    _("Fichier CSV mal formé, ligne %(line)d : %(found)d valeurs au lieu de %(expected)d "
                      "(séparateur attendu : « ; »).")
                    % {"line": reader.line_num, "found": len(values), "expected": len(headers)}
                )
            rows.append(values)
    except csv.Error as exc:
        raise GenesisFileError(
            _("Fichier CSV mal formé, ligne %(line)d : %(detail)s (guillemet non fermé ?).")
            % {"line": reader.line_num, "detail": exc}
        ) from exc
    if headers is None:
        raise GenesisFileError(_("Le fichier est vide."))
    return _dataset(headers, rows)


def parse_xlsx(content: bytes) -> tablib.Dataset:
    check_size(len(content))
    if not content:
        raise GenesisFileError(_("Le fichier est vide."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise GenesisFileError(
            _("Le fichier n'est pas un classeur Excel (XLSX) valide : enregistrez-le au format XLSX ou CSV.")
        ) from exc
    try:
        sheet = book.active
        headers: list[str] | None = None
        rows: list[list] = []
        for values in sheet.iter_rows(values_only=True):
            values = list(values)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if headers is None:
                while values and values[-1] is None:
                    values.pop()
                headers = [_normalize_header(v) for v in values]
                continue
            values = (values + [None] * len(headers))[: len(headers)]
            rows.append(values)
    finally:
        book.close()
    if headers is None:
        raise GenesisFileError(_("Le fichier est vide."))
    return _dataset(headers, rows)


def read_dataset(content: bytes, file_name: str) -> tablib.Dataset:
    """Read an uploaded GENESIS export, CSV or XLSX (by its name, else by its content)."""
    check_size(len(content))
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return parse_xlsx(content)
    if file_name.lower().endswith((".xls", ".ods")):
        raise GenesisFileError(_("Format non pris en charge : enregistrez le fichier au format XLSX ou CSV."))
    if content.startswith(b"PK\x03\x04"):
        return parse_xlsx(content)
    return parse_csv(content)


# --- The header check ------------------------------------------------------------------------------


def missing_columns_message(dataset: tablib.Dataset, columns: GenesisColumns) -> str | None:
    """The message naming the required ``columns`` missing from the file's header, or None."""
    missing = [c for c in columns.required if c not in (dataset.headers or [])]
    if not missing:
        return None
    return _("Colonnes manquantes : %(columns)s (colonnes attendues : %(expected)s).") % {
        "columns": ", ".join(missing),
        "expected": columns.header,
    }


def check_dataset(dataset: tablib.Dataset, columns: GenesisColumns) -> None:
    """A file read is imported only with every one of its kind's required ``columns`` and one data row at
    least (an optional column may be missing)."""
    message = missing_columns_message(dataset, columns)
    if message:
        raise GenesisFileError(message)
    if not len(dataset):
        raise GenesisFileError(_("Le fichier ne contient aucune ligne de données (seulement l'en-tête)."))


# --- Formats (admin) -------------------------------------------------------------------------------


def _escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    return tablib.Dataset(*(escaped_row(row) for row in dataset), headers=dataset.headers)


class GenesisCSV(base_formats.CSV):
    """CSV read as bytes (the encoding is detected), written with ``;``, UTF-8 with BOM, formulas escaped."""

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True  # the admin keeps the raw bytes; the encoding is detected on reading

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return parse_csv(in_stream)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + _escaped(dataset).export("csv", delimiter=";")


class GenesisXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return parse_xlsx(in_stream)

    def export_data(self, dataset, **kwargs):
        return _escaped(dataset).export("xlsx")


GENESIS_FORMATS = [GenesisCSV, GenesisXLSX]
