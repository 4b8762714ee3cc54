"""The GENESIS resources of detainees and visit permits (django-import-export), built on the columns of
``permits.imports.columns``.

The same resources serve the back office (``/gestion/``, import with a dry-run preview, exports) and
``manage.py import_genesis`` (through ``permits.services``), on a dataset read by
``permits.imports.files.read_dataset``.

Rows are validated by the resource itself (French messages, by GENESIS column): any error and
nothing is written. Lookups are made once per file (establishments, detainees, existing rows), rows
are written in batches with their history (``bulk_create_with_history`` / ``bulk_update_with_history``,
with the importing user and the audit reason of a GENESIS import naming the file), unchanged rows are
skipped.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from html import escape

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from import_export import resources
from import_export.declarative import ModelDeclarativeMetaclass
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import InvalidRow, Result, RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import audit_reason
from core.spreadsheets import escape_formula
from establishments.selectors import establishments_for

from .. import selectors
from ..constants import PermitAuditReason
from ..models import Detainee, VisitPermit
from .columns import DETAINEE_COLUMNS, PERMIT_COLUMNS, GenesisColumns
from .files import GenesisFileError, missing_columns_message
from .widgets import cell_text

# Rows of the preview whose values are shown (the totals cover every row; errors are always shown).
PREVIEW_ROWS = 500
# Rows written per INSERT/UPDATE statement.
BATCH_SIZE = 2000


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


class GenesisResourceMetaclass(ModelDeclarativeMetaclass):
    """Builds a resource from its ``columns`` (the one declaration of its file kind): one field per
    column, imported and exported in the file's order, and the kind's name in the back office."""

    def __new__(cls, name, bases, attrs):
        columns: GenesisColumns | None = attrs.get("columns")
        if columns is not None:
            for column in columns.columns:
                attrs[column.name] = Field(attribute=column.attribute, column_name=column.name, widget=column.widget)
            meta = attrs["Meta"]
            meta.fields = meta.export_order = columns.names
            meta.name = columns.label
        return super().__new__(cls, name, bases, attrs)


class GenesisResource(resources.ModelResource, metaclass=GenesisResourceMetaclass):
    """What the two GENESIS resources share: scope, caches, validation, preview, bulk writes with history.

    The columns set by their widget (``columns.plain``) are compared and written as they are; the
    others (establishment, écrou) are resolved by ``resolve_relations`` from the file's caches into
    ``relation_attnames``.
    """

    columns: GenesisColumns
    relation_attnames: tuple[str, ...] = ()

    class Meta:
        instance_loader_class = GenesisInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False  # unchanged rows are counted, not listed

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.change_reason = ""
        self.duplicates: dict = {}
        self.establishment_ids: dict[str, int] = {}
        self.scope_ids: set[int] | None = None
        self.plain_columns = self.columns.plain
        self.absent: frozenset[str] = frozenset()  # the optional columns the file does not have
        self.compared = tuple(self.plain_columns.values()) + self.relation_attnames
        self.previewed = 0
        self.failed = False  # a row in error or a batch refused: nothing more is written

    @classmethod
    def get_result_class(cls):
        return GenesisResult

    @classmethod
    def get_display_name(cls):
        return cls.columns.label

    def get_diff_headers(self):
        return list(self.columns.names)

    def get_user_visible_fields(self):
        return [self.fields[c] for c in self.columns.names]

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
        self.change_reason = audit_reason(PermitAuditReason.GENESIS_IMPORT, file_name)
        message = missing_columns_message(dataset, self.columns)
        if message:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.append_base_error(self.get_error_result_class()(GenesisFileError(message)))
            return result
        # A file makes hundreds of thousands of small objects that live until its end: the cyclic
        # garbage collector would rescan them over and over, and the import time grow with the square of the rows.
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
        self.absent = self.columns.absent(dataset.headers)
        codes = {cell_text(c) for c in dataset["etablissement"]}
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
            if column in self.absent:
                continue  # not in this file: the row keeps its value (a new one, the default)
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
        for column in self.columns.names:
            new = escape(cell_text(self.display(column, instance, row)))
            cells.append(mark_safe(new))
        if before is not None:
            after = self.snapshot(instance)
            changed = {name for name, old, now in zip(self.compared, before, after, strict=True) if old != now}
            for i, column in enumerate(self.columns.names):
                attname = self.plain_columns.get(column)
                if attname in changed:
                    field = self.fields[column]
                    old = escape(cell_text(field.widget.render(before[self.compared.index(attname)])))
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
    """A detainee by establishment code and numéro d'écrou."""

    columns = DETAINEE_COLUMNS
    relation_attnames = ("establishment_id",)
    establishment_path = "establishment"

    class Meta:
        model = Detainee
        import_id_fields = ("etablissement", "numero_ecrou")

    def get_queryset(self):
        return selectors.detainees_for_export()

    def natural_keys(self, dataset):
        return zip((cell_text(c) for c in dataset["etablissement"]), (cell_text(e) for e in dataset["numero_ecrou"]),
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
        pk = self.establishment_ids.get(cell_text(row.get("etablissement")))
        return self.existing.get((pk, cell_text(row.get("numero_ecrou"))))

    def resolve_relations(self, instance, row, values, errors) -> None:
        code = cell_text(row.get("etablissement"))
        pk = self.establishment_id(code, errors)
        if pk is not None:
            values["establishment_id"] = pk
        key = (code, cell_text(row.get("numero_ecrou")))
        if key in self.duplicates:
            errors["numero_ecrou"] = _(
                "Numéro d'écrou en double dans le fichier pour cet établissement (lignes %(lines)s)."
            ) % {"lines": ", ".join(map(str, self.duplicates[key]))}


class VisitPermitResource(GenesisResource):
    """A visit permit by its number, for a detainee by establishment code and numéro d'écrou."""

    columns = PERMIT_COLUMNS
    relation_attnames = ("detainee_id",)
    establishment_path = "detainee__establishment"

    class Meta:
        model = VisitPermit
        import_id_fields = ("numero_permis",)

    def get_queryset(self):
        return selectors.permits_for_export()

    def natural_keys(self, dataset):
        return (cell_text(n) for n in dataset["numero_permis"])

    def load(self, dataset) -> None:
        self.detainee_ids: dict[tuple[int, str], int] = {}
        wanted = defaultdict(set)
        for code, ecrou in zip(dataset["etablissement"], dataset["numero_ecrou"], strict=True):
            pk = self.establishment_ids.get(cell_text(code))
            if pk is not None:
                wanted[pk].add(cell_text(ecrou))
        for pk, ecrous in wanted.items():
            for ecrou, detainee_id in selectors.detainee_ids_by_ecrou(pk, ecrous).items():
                self.detainee_ids[(pk, ecrou)] = detainee_id
        numbers = (n for n in self.natural_keys(dataset) if n)
        self.existing: dict[str, VisitPermit] = selectors.permits_by_number(numbers)

    def find_instance(self, row):
        return self.existing.get(cell_text(row.get("numero_permis")))

    def resolve_relations(self, instance, row, values, errors) -> None:
        number = cell_text(row.get("numero_permis"))
        if number in self.duplicates:
            errors["numero_permis"] = _("Numéro de permis en double dans le fichier (lignes %(lines)s).") % {
                "lines": ", ".join(map(str, self.duplicates[number]))
            }
        current = getattr(instance, "establishment_pk", None)
        if instance.pk and self.scope_ids is not None and current not in self.scope_ids:
            errors["numero_permis"] = _(
                "Ce permis de visite appartient à une personne détenue d'un établissement hors de votre périmètre."
            )
        code = cell_text(row.get("etablissement"))
        pk = self.establishment_id(code, errors)
        ecrou = cell_text(row.get("numero_ecrou"))
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
