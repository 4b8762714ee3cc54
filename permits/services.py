"""State changes of detainees and visit permits: the GENESIS imports.

The back office (``/gestion/``, import with its preview) and ``manage.py import_genesis`` both end
here or in the same resources (``permits.resources``): one file, all or nothing, history with the
importing user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult

from .constants import MAX_IMPORT_BYTES
from .resources import (
    DetaineeResource,
    GenesisFileError,
    GenesisResource,
    GenesisResult,
    VisitPermitResource,
    missing_columns_message,
    read_dataset,
)

if TYPE_CHECKING:
    import tablib

    from accounts.models import User

GENESIS_RESOURCES: dict[str, type[GenesisResource]] = {
    "detainees": DetaineeResource,
    "permits": VisitPermitResource,
}


@dataclass
class GenesisImportReport:
    """What an import did (or would do, on a dry run)."""

    kind: str
    file_name: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    result: GenesisResult | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def resource_for(kind: str) -> type[GenesisResource]:
    try:
        return GENESIS_RESOURCES[kind]
    except KeyError:
        raise GenesisFileError(
            _("Type d'import inconnu : %(kind)s (attendu : detainees ou permits).") % {"kind": kind}
        ) from None


def import_genesis_file(
    *,
    kind: str,
    content: bytes,
    file_name: str,
    user: User | None = None,
    dry_run: bool = False,
) -> GenesisImportReport:
    """Import a GENESIS export (``kind``: ``detainees`` or ``permits``), all or nothing.

    A file that cannot be read (size, format, encoding, columns) or any row in error writes nothing;
    the report lists every error in French. Rows identical to the database are left untouched (no
    history); every created or changed row gets a history record with ``user`` and the file name.
    """
    report = GenesisImportReport(kind=kind, file_name=file_name, dry_run=dry_run)
    resource_class = resource_for(kind)
    if len(content) > MAX_IMPORT_BYTES:
        report.errors.append(
            _("Le fichier dépasse la taille maximale autorisée (%(max)d Mo).")
            % {"max": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
        return report
    try:
        dataset = read_dataset(content, file_name)
    except GenesisFileError as exc:
        report.errors.append(str(exc))
        return report
    message = missing_columns_message(dataset, resource_class.genesis_columns)
    if message:
        report.errors.append(message)
        return report
    if not len(dataset):
        report.errors.append(_("Le fichier ne contient aucune ligne de données (seulement l'en-tête)."))
        return report
    result = import_genesis_dataset(
        resource_class=resource_class, dataset=dataset, file_name=file_name, user=user, dry_run=dry_run
    )
    report.result = result
    report.errors = result.error_lines()
    report.created = result.totals[RowResult.IMPORT_TYPE_NEW]
    report.updated = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    report.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP]
    return report


def import_genesis_dataset(
    *,
    resource_class: type[GenesisResource],
    dataset: tablib.Dataset,
    file_name: str,
    user: User | None = None,
    dry_run: bool = False,
    retain_instances: bool = False,
) -> GenesisResult:
    """Import a dataset already read (the admin's confirmation step and ``import_genesis_file``), in one
    transaction rolled back on any error."""
    resource = resource_class(user=user)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, file_name=Path(file_name).name, user=user,
            retain_instance_in_row_result=retain_instances,
        )
        if result.has_errors() or result.has_validation_errors():
            transaction.set_rollback(True)
    return result


def read_genesis_path(path: str | Path) -> bytes:
    """The bytes of a file given to the command, refused before reading when too large."""
    path = Path(path)
    if not path.is_file():
        raise GenesisFileError(_("Fichier introuvable : %(path)s.") % {"path": path})
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise GenesisFileError(
            _("Le fichier dépasse la taille maximale autorisée (%(max)d Mo).")
            % {"max": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    return path.read_bytes()
