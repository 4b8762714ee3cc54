"""GENESIS imports and exports of detainees and visit permits (django-import-export).

The same resources serve the back office (``/gestion/``, import with a dry-run preview, exports) and
``manage.py import_genesis`` (through ``permits.services``). A file is read by ``read_dataset``:
UTF-8 (with or without BOM) or Latin-1/cp1252 CSV with ``;`` separators, or XLSX; one header row.

Rows are validated by the resource itself (French messages, by GENESIS column): any error and
nothing is written. Lookups are made once per file (establishments, detainees, existing rows), rows
are written in batches with their history (``bulk_create_with_history`` / ``bulk_update_with_history``,
with the importing user and a change reason naming the import), unchanged rows are skipped.
"""

from __future__ import annotations

import csv
import datetime
import gc
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from html import escape

import tablib
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import InvalidRow, Result, RowResult
from import_export.widgets import Widget
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.spreadsheets import escape_formula
from establishments.selectors import establishments_for

from . import selectors
from .constants import (
    GENESIS_DETAINEE_COLUMNS,
    GENESIS_DETAINEE_STATUS,
    GENESIS_PERMIT_COLUMNS,
    GENESIS_PERMIT_KIND,
    GENESIS_PERMIT_STATUS,
    GENESIS_YES_NO,
    MAX_IMPORT_BYTES,
)
from .models import Detainee, VisitPermit

# Rows of the preview whose values are shown (the totals cover every row; errors are always shown).
PREVIEW_ROWS = 500
# Rows written per INSERT/UPDATE statement.
BATCH_SIZE = 2000


class GenesisFileError(Exception):
    """A file that cannot be read as a GENESIS export; the message is for the user (French)."""


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
    if len(content) > MAX_IMPORT_BYTES:
        raise GenesisFileError(_too_big_message())
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
    if len(content) > MAX_IMPORT_BYTES:
        raise GenesisFileError(_too_big_message())
    if not content:
        raise GenesisFileError(_("Le fichier est vide."))
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

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


def _too_big_message() -> str:
    return _("Le fichier dépasse la taille maximale autorisée (%(max)d Mo).") % {
        "max": MAX_IMPORT_BYTES // (1024 * 1024)
    }


def read_dataset(content: bytes, file_name: str) -> tablib.Dataset:
    """Read an uploaded GENESIS export, CSV or XLSX (by its name, else by its content)."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        return parse_xlsx(content)
    if file_name.lower().endswith((".xls", ".ods")):
        raise GenesisFileError(_("Format non pris en charge : enregistrez le fichier au format XLSX ou CSV."))
    if content.startswith(b"PK\x03\x04"):
        return parse_xlsx(content)
    return parse_csv(content)


def missing_columns_message(dataset: tablib.Dataset, columns: tuple[str, ...]) -> str | None:
    missing = [c for c in columns if c not in (dataset.headers or [])]
    if not missing:
        return None
    return _("Colonnes manquantes : %(columns)s (colonnes attendues : %(expected)s).") % {
        "columns": ", ".join(missing),
        "expected": ";".join(columns),
    }


# --- Formats (admin) -------------------------------------------------------------------------------


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


def _escaped(dataset: tablib.Dataset) -> tablib.Dataset:
    return tablib.Dataset(*([escape_formula(v) for v in row] for row in dataset), headers=dataset.headers)


GENESIS_FORMATS = [GenesisCSV, GenesisXLSX]


# --- Widgets ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _fold(value: str) -> str:
    """Lower case, without accents: ``Libéré`` → ``libere``."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class TextWidget(Widget):
    def __init__(self, max_length: int, required: bool = True):
        super().__init__()
        self.max_length = max_length
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text and self.required:
            raise ValueError(_("Ce champ est obligatoire."))
        if len(text) > self.max_length:
            raise ValueError(_("%(max)d caractères au maximum (%(n)d ici).") % {"max": self.max_length, "n": len(text)})
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GenesisDateWidget(Widget):
    """``JJ/MM/AAAA`` or ISO ``AAAA-MM-JJ`` (and real dates from XLSX); exported as ``JJ/MM/AAAA``."""

    def __init__(self, required: bool = True):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            if self.required:
                raise ValueError(_("Ce champ est obligatoire."))
            return None
        try:
            if len(text) == 10 and text[2] == "/" and text[5] == "/":  # JJ/MM/AAAA
                return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
            if len(text) == 10 and text[4] == "-" and text[7] == "-":  # AAAA-MM-JJ
                return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
            parts = text.split("/")
            if len(parts) == 3 and len(parts[2]) == 4 and all(p.isdigit() for p in parts):  # J/M/AAAA
                return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
        raise ValueError(_("Date invalide : « %(value)s » (attendu JJ/MM/AAAA ou AAAA-MM-JJ).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ""


class MappingWidget(Widget):
    """A GENESIS value mapped to ours (``permits.constants``), read without case or accents."""

    def __init__(self, mapping: dict):
        super().__init__()
        self.mapping = mapping
        self.reverse = {v: k for k, v in mapping.items()}

    def clean(self, value, row=None, **kwargs):
        try:
            return self.mapping[value]  # the usual case: the exact GENESIS value
        except (KeyError, TypeError):
            pass
        text = _fold(_text(value))
        if not text:
            raise ValueError(_("Ce champ est obligatoire."))
        try:
            return self.mapping[text]
        except KeyError:
            raise ValueError(
                _("Valeur inconnue : « %(value)s » (valeurs possibles : %(choices)s).")
                % {"value": _text(value), "choices": ", ".join(self.mapping)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.reverse.get(value, "" if value is None else str(value))


class CodeWidget(Widget):
    """A related row's natural key (establishment code, numéro d'écrou), resolved by the resource."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError(_("Ce champ est obligatoire."))
        return text


# --- Results ---------------------------------------------------------------------------------------


class GenesisResult(Result):
    """Row numbers are the file's line numbers (the header is line 1)."""

    def append_invalid_row(self, number, row, validation_error):
        values = tuple(row.get(col, "---") for col in self.diff_headers)
        self.invalid_rows.append(InvalidRow(number=number + 1, validation_error=validation_error, values=values))

    def row_errors(self):
        return [((row.errors[0].number or 0) + 1, row.errors) for row in self.rows if row.errors]

    def valid_rows(self):
        """The rows of the preview (the first PREVIEW_ROWS new or changed rows)."""
        return [r for r in self.rows if r.diff is not None and r.import_type in RowResult.valid_import_types]

    def error_lines(self) -> list[str]:
        """Every error, one French line each (for the command and the logs)."""
        lines = [str(error.error) for error in self.base_errors]
        for row in self.invalid_rows:
            for column, messages in row.error_dict.items():
                for message in messages:
                    if column == "__all__":
                        lines.append(_("Ligne %(line)d : %(message)s") % {"line": row.number, "message": message})
                    else:
                        lines.append(
                            _("Ligne %(line)d, colonne %(column)s : %(message)s")
                            % {"line": row.number, "column": column, "message": message}
                        )
        for number, errors in self.row_errors():
            for error in errors:
                lines.append(_("Ligne %(line)d : %(message)s") % {"line": number, "message": error.error})
        return lines


class GenesisInstanceLoader(BaseInstanceLoader):
    """Every existing row of the file in one pass (the resource builds its caches)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        resource.prepare(dataset)

    def get_instance(self, row):
        return self.resource.find_instance(row)


# --- Resources -------------------------------------------------------------------------------------


class GenesisResource(resources.ModelResource):
    """What the two GENESIS resources share: scope, caches, validation, preview, bulk writes with history.

    ``plain_columns`` maps the GENESIS columns read by their widget to the model attribute they set;
    the others (establishment, écrou) are resolved by ``resolve_relations`` from the file's caches.
    """

    genesis_columns: tuple[str, ...] = ()
    plain_columns: dict[str, str] = {}
    kind_label = ""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.change_reason = ""
        self.duplicates: dict = {}
        self.establishment_ids: dict[str, int] = {}
        self.scope_ids: set[int] | None = None
        self.compared = tuple(self.plain_columns.values()) + self.relation_attnames
        self.previewed = 0
        self.failed = False  # a row in error or a batch refused: nothing more is written

    relation_attnames: tuple[str, ...] = ()

    @classmethod
    def get_result_class(cls):
        return GenesisResult

    @classmethod
    def get_display_name(cls):
        return cls.kind_label

    def get_diff_headers(self):
        return list(self.genesis_columns)

    def get_user_visible_fields(self):
        return [self.fields[c] for c in self.genesis_columns]

    # --- scope

    def _scope_ids(self, user) -> set[int] | None:
        if user is None or getattr(user, "has_national_scope", False):
            return None
        return set(establishments_for(user).values_list("pk", flat=True))

    def filter_export(self, queryset, **kwargs):
        scope = self._scope_ids(self.user)
        if scope is not None:
            queryset = queryset.filter(**{f"{self.establishment_path}__in": scope})
        return queryset

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    # --- import

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=True, **kwargs):
        """All or nothing: any row error rolls the whole file back."""
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
        file_name = kwargs.get("file_name") or ""
        self.change_reason = _("Import GENESIS : %(file)s") % {"file": file_name}
        message = missing_columns_message(dataset, self.genesis_columns)
        if message:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.append_base_error(self.get_error_result_class()(GenesisFileError(message)))
            return result
        # A file makes hundreds of thousands of small objects that live until its end: the cyclic
        # garbage collector would rescan them over and over (the import slowed down quadratically).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions,
                collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=True, **kwargs,
            )
        finally:
            if gc_was_enabled:
                gc.enable()

    def prepare(self, dataset) -> None:
        """Caches for the whole file, before the first row: scope, establishments, duplicates, rows."""
        self.scope_ids = self._scope_ids(self.user)
        codes = {_text(c) for c in dataset["etablissement"]}
        self.establishment_ids = selectors.establishment_ids_by_code(codes)
        lines = defaultdict(list)
        for index, key in enumerate(self.natural_keys(dataset), start=2):
            if all(key) if isinstance(key, tuple) else key:  # a missing key is reported as such
                lines[key].append(index)
        self.duplicates = {key: found for key, found in lines.items() if len(found) > 1}
        self.load(dataset)

    def establishment_id(self, code: str, errors: dict) -> int | None:
        if not code:
            errors["etablissement"] = _("Ce champ est obligatoire.")
            return None
        pk = self.establishment_ids.get(code)
        if pk is None:
            errors["etablissement"] = _("Établissement inconnu : %(code)s.") % {"code": code}
            return None
        if self.scope_ids is not None and pk not in self.scope_ids:
            errors["etablissement"] = _(
                "Établissement hors de votre périmètre : %(code)s (vous ne pouvez importer que les lignes "
                "de vos établissements)."
            ) % {"code": code}
            return None
        return pk

    def snapshot(self, instance) -> tuple:
        return tuple(getattr(instance, name) for name in self.compared)

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        values = {}
        for column, attname in self.plain_columns.items():
            try:
                values[attname] = self.fields[column].widget.clean(row.get(column))
            except ValueError as exc:
                errors[column] = str(exc)
        self.resolve_relations(instance, row, values, errors)
        if not errors:
            self.check_row(instance, row, values, errors)
        if errors:
            raise ValidationError({column: [message] for column, message in errors.items()})
        for attname, value in values.items():
            setattr(instance, attname, value)

    def preview(self, before: tuple | None, instance, row) -> list:
        cells = []
        for column in self.genesis_columns:
            new = escape(_text(self.display(column, instance, row)))
            cells.append(mark_safe(new))
        if before is not None:
            after = self.snapshot(instance)
            changed = {name for name, old, now in zip(self.compared, before, after, strict=True) if old != now}
            for i, column in enumerate(self.genesis_columns):
                attname = self.plain_columns.get(column)
                if attname in changed:
                    field = self.fields[column]
                    old = escape(_text(field.widget.render(before[self.compared.index(attname)])))
                    cells[i] = mark_safe(f"<del>{old}</del> <ins>{cells[i]}</ins>")
        return cells

    def display(self, column, instance, row):
        attname = self.plain_columns.get(column)
        if attname is None:
            return row.get(column)
        return self.fields[column].widget.render(getattr(instance, attname))

    def import_row(self, row, instance_loader, **kwargs):
        """django-import-export's import_row, lean: a tuple comparison instead of a deep copy and an
        HTML diff of every row; the preview keeps the values of the first PREVIEW_ROWS rows."""
        row_result = RowResult()
        number = kwargs.get("row_number") or 0
        try:
            self.before_import_row(row, **kwargs)
            instance, new = self.get_or_init_instance(instance_loader, row)
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            before = None if new else self.snapshot(instance)
            self.import_instance(instance, row, **kwargs)
            if before is not None and self.snapshot(instance) == before:
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.save_instance(instance, new, row, **kwargs)
            row_result.add_instance_info(instance)
            if kwargs.get("retain_instance_in_row_result"):
                row_result.instance = instance
            if row_result.import_type != RowResult.IMPORT_TYPE_SKIP and self.previewed < PREVIEW_ROWS:
                self.previewed += 1
                row_result.diff = self.preview(before, instance, row)
        except ValidationError as exc:
            self.failed = True
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = exc
        except Exception as exc:  # noqa: BLE001 — reported as a row error, as django-import-export does
            self.failed = True
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(exc, row=row, number=number))
        return row_result

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(bulk_create_with_history, self.create_instances, using_transactions, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._write(bulk_update_with_history, self.update_instances, using_transactions, dry_run, raise_errors, result,
                    fields=list(self.compared))

    def _write(self, write, instances, using_transactions, dry_run, raise_errors, result, **extra) -> None:
        """One batch with its history; none once a row or a batch failed (the file is rolled back)."""
        try:
            if instances and (using_transactions or not dry_run) and not self.failed:
                write(instances, self._meta.model, batch_size=BATCH_SIZE, default_user=self.history_user(),
                      default_change_reason=self.change_reason, default_date=timezone.now(), **extra)
        except DatabaseError as exc:
            self.failed = True
            error = GenesisFileError(
                _("Écriture refusée par la base de données (%(detail)s) : les mêmes lignes ont peut-être été "
                  "modifiées pendant l'import. Rien n'a été enregistré ; relancez l'import.")
                % {"detail": str(exc).splitlines()[0] if str(exc) else type(exc).__name__}
            )
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def history_user(self):
        user = self.user
        return user if user is not None and getattr(user, "is_authenticated", False) else None

    def after_import(self, dataset, result, **kwargs):
        """No sequence to reset: ids come from the database."""

    # --- per model

    establishment_path = "establishment"

    def natural_keys(self, dataset):
        raise NotImplementedError

    def load(self, dataset) -> None:
        raise NotImplementedError

    def find_instance(self, row):
        raise NotImplementedError

    def resolve_relations(self, instance, row, values, errors) -> None:
        raise NotImplementedError

    def check_row(self, instance, row, values, errors) -> None:
        pass


class DetaineeResource(GenesisResource):
    """``etablissement;numero_ecrou;nom;prenom;date_naissance;statut;subsides_autorises``."""

    etablissement = Field(attribute="establishment__code", column_name="etablissement", widget=CodeWidget())
    numero_ecrou = Field(attribute="ecrou", column_name="numero_ecrou", widget=TextWidget(20))
    nom = Field(attribute="family_name", column_name="nom", widget=TextWidget(150))
    prenom = Field(attribute="first_name", column_name="prenom", widget=TextWidget(150))
    date_naissance = Field(attribute="birth_date", column_name="date_naissance", widget=GenesisDateWidget())
    statut = Field(attribute="status", column_name="statut", widget=MappingWidget(GENESIS_DETAINEE_STATUS))
    subsides_autorises = Field(
        attribute="may_receive_money", column_name="subsides_autorises", widget=MappingWidget(GENESIS_YES_NO)
    )

    genesis_columns = GENESIS_DETAINEE_COLUMNS
    plain_columns = {
        "numero_ecrou": "ecrou",
        "nom": "family_name",
        "prenom": "first_name",
        "date_naissance": "birth_date",
        "statut": "status",
        "subsides_autorises": "may_receive_money",
    }
    relation_attnames = ("establishment_id",)
    establishment_path = "establishment"

    class Meta:
        model = Detainee
        fields = GENESIS_DETAINEE_COLUMNS
        export_order = GENESIS_DETAINEE_COLUMNS
        import_id_fields = ("etablissement", "numero_ecrou")
        instance_loader_class = GenesisInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False  # unchanged rows are counted, not listed
        name = "Personnes détenues (GENESIS)"

    kind_label = "Personnes détenues (GENESIS)"

    def get_queryset(self):
        return selectors.detainees_for_export()

    def natural_keys(self, dataset):
        return zip((_text(c) for c in dataset["etablissement"]), (_text(e) for e in dataset["numero_ecrou"]),
                   strict=True)

    def load(self, dataset) -> None:
        self.existing: dict[tuple[int, str], Detainee] = {}
        wanted = defaultdict(set)
        for code, ecrou in self.natural_keys(dataset):
            pk = self.establishment_ids.get(code)
            if pk is not None and ecrou:
                wanted[pk].add(ecrou)
        for pk, ecrous in wanted.items():
            for ecrou, detainee in selectors.detainees_by_ecrou(pk, ecrous).items():
                self.existing[(pk, ecrou)] = detainee

    def find_instance(self, row):
        pk = self.establishment_ids.get(_text(row.get("etablissement")))
        return self.existing.get((pk, _text(row.get("numero_ecrou"))))

    def resolve_relations(self, instance, row, values, errors) -> None:
        code = _text(row.get("etablissement"))
        pk = self.establishment_id(code, errors)
        if pk is not None:
            values["establishment_id"] = pk
        key = (code, _text(row.get("numero_ecrou")))
        if key in self.duplicates:
            errors["numero_ecrou"] = _(
                "Numéro d'écrou en double dans le fichier pour cet établissement (lignes %(lines)s)."
            ) % {"lines": ", ".join(map(str, self.duplicates[key]))}


class VisitPermitResource(GenesisResource):
    """``numero_permis;etablissement;numero_ecrou;nom_titulaire;prenoms_titulaire;date_naissance_titulaire;
    lien;type;date_debut;date_fin;statut``."""

    numero_permis = Field(attribute="number", column_name="numero_permis", widget=TextWidget(40))
    etablissement = Field(
        attribute="detainee__establishment__code", column_name="etablissement", widget=CodeWidget()
    )
    numero_ecrou = Field(attribute="detainee__ecrou", column_name="numero_ecrou", widget=CodeWidget())
    nom_titulaire = Field(attribute="holder_family_name", column_name="nom_titulaire", widget=TextWidget(150))
    prenoms_titulaire = Field(
        attribute="holder_first_names", column_name="prenoms_titulaire", widget=TextWidget(250)
    )
    date_naissance_titulaire = Field(
        attribute="holder_birth_date", column_name="date_naissance_titulaire", widget=GenesisDateWidget()
    )
    lien = Field(attribute="relationship", column_name="lien", widget=TextWidget(100, required=False))
    type = Field(attribute="kind", column_name="type", widget=MappingWidget(GENESIS_PERMIT_KIND))
    date_debut = Field(attribute="valid_from", column_name="date_debut", widget=GenesisDateWidget())
    date_fin = Field(attribute="valid_until", column_name="date_fin", widget=GenesisDateWidget(required=False))
    statut = Field(attribute="status", column_name="statut", widget=MappingWidget(GENESIS_PERMIT_STATUS))

    genesis_columns = GENESIS_PERMIT_COLUMNS
    plain_columns = {
        "numero_permis": "number",
        "nom_titulaire": "holder_family_name",
        "prenoms_titulaire": "holder_first_names",
        "date_naissance_titulaire": "holder_birth_date",
        "lien": "relationship",
        "type": "kind",
        "date_debut": "valid_from",
        "date_fin": "valid_until",
        "statut": "status",
    }
    relation_attnames = ("detainee_id",)
    establishment_path = "detainee__establishment"

    class Meta:
        model = VisitPermit
        fields = GENESIS_PERMIT_COLUMNS
        export_order = GENESIS_PERMIT_COLUMNS
        import_id_fields = ("numero_permis",)
        instance_loader_class = GenesisInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False  # unchanged rows are counted, not listed
        name = "Permis de visite (GENESIS)"

    kind_label = "Permis de visite (GENESIS)"

    def get_queryset(self):
        return selectors.permits_for_export()

    def natural_keys(self, dataset):
        return (_text(n) for n in dataset["numero_permis"])

    def load(self, dataset) -> None:
        self.detainee_ids: dict[tuple[int, str], int] = {}
        wanted = defaultdict(set)
        for code, ecrou in zip(dataset["etablissement"], dataset["numero_ecrou"], strict=True):
            pk = self.establishment_ids.get(_text(code))
            if pk is not None:
                wanted[pk].add(_text(ecrou))
        for pk, ecrous in wanted.items():
            for ecrou, detainee_id in selectors.detainee_ids_by_ecrou(pk, ecrous).items():
                self.detainee_ids[(pk, ecrou)] = detainee_id
        numbers = (n for n in self.natural_keys(dataset) if n)
        self.existing: dict[str, VisitPermit] = selectors.permits_by_number(numbers)

    def find_instance(self, row):
        return self.existing.get(_text(row.get("numero_permis")))

    def resolve_relations(self, instance, row, values, errors) -> None:
        number = _text(row.get("numero_permis"))
        if number in self.duplicates:
            errors["numero_permis"] = _("Numéro de permis en double dans le fichier (lignes %(lines)s).") % {
                "lines": ", ".join(map(str, self.duplicates[number]))
            }
        current = getattr(instance, "establishment_pk", None)
        if instance.pk and self.scope_ids is not None and current not in self.scope_ids:
            errors["numero_permis"] = _(
                "Ce permis de visite appartient à une personne détenue d'un établissement hors de votre périmètre."
            )
        code = _text(row.get("etablissement"))
        pk = self.establishment_id(code, errors)
        ecrou = _text(row.get("numero_ecrou"))
        if not ecrou:
            errors["numero_ecrou"] = _("Ce champ est obligatoire.")
        elif pk is not None:
            detainee_id = self.detainee_ids.get((pk, ecrou))
            if detainee_id is None:
                errors["numero_ecrou"] = _(
                    "Personne détenue inconnue : écrou %(ecrou)s à l'établissement %(code)s "
                    "(importez d'abord les personnes détenues)."
                ) % {"ecrou": ecrou, "code": code}
            else:
                values["detainee_id"] = detainee_id

    def check_row(self, instance, row, values, errors) -> None:
        until, since = values.get("valid_until"), values.get("valid_from")
        if until is not None and since is not None and until < since:
            errors["date_fin"] = _("La date de fin précède la date de début.")
