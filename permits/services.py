"""State changes of detainees and visit permits: the GENESIS imports; the greffe's decision on a
relative's pending registration.

The back office (``/gestion/``, import with its preview) and ``manage.py import_genesis`` both end
here or in the same resources (``permits.imports``): one file, all or nothing, history with the
importing user.

A registration whose birth date matched only partly (``permits.registration``) waits for the greffe of
the permit's establishment: ``confirm_registration`` or ``refuse_registration`` (with a reason), each
with history and an e-mail to the relative.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.results import RowResult

from core.addresses import portal_base_url
from core.audit import audit_reason
from core.formats import in_relative_language
from establishments.selectors import require_establishment

from .constants import DECISION_NOTE_MAX_LENGTH, PermitAuditReason, RefusalReason, RegistrationStatus
from .imports.files import GenesisFileError, check_dataset, check_size, read_dataset
from .imports.resources import DetaineeResource, GenesisResource, GenesisResult, VisitPermitResource
from .models import RegisteredPermit

if TYPE_CHECKING:
    import tablib

    from accounts.models import User

logger = logging.getLogger(__name__)

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
    try:
        dataset = read_dataset(content, file_name)
        check_dataset(dataset, resource_class.columns)
    except GenesisFileError as exc:
        report.errors.append(str(exc))
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
    check_size(path.stat().st_size)
    return path.read_bytes()


# -- the greffe's decision on a pending registration ------------------------------------------

class RegistrationDecisionError(Exception):
    """The decision was not recorded; ``message`` (French) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


DECISION_PERMISSION = "permits.change_registeredpermit"

# What the audit stores for each reason of a refusal (the greffe's note, if any, as its detail).
REFUSAL_AUDIT_REASONS = {
    RefusalReason.NOT_HOLDER: PermitAuditReason.REGISTRATION_REFUSED_NOT_HOLDER,
    RefusalReason.BIRTH_DATE: PermitAuditReason.REGISTRATION_REFUSED_BIRTH_DATE,
    RefusalReason.OTHER: PermitAuditReason.REGISTRATION_REFUSED_OTHER,
}


def _locked_registration(*, registration_id: int, actor: User) -> RegisteredPermit:
    """The registration, its row locked, if ``actor`` may decide on it: the greffe's right on
    registrations and the permit's establishment among theirs. Another establishment's registration
    answers as one that does not exist."""
    registration = (
        RegisteredPermit.objects.select_for_update(of=("self",))
        .select_related("permit__detainee__establishment", "relative")
        .filter(pk=registration_id)
        .first()
    )
    not_found = RegistrationDecisionError(_("Cet enregistrement de permis de visite est introuvable."))
    if registration is None:
        raise not_found
    require_establishment(actor, registration.permit.detainee.establishment_id, not_found)
    if not actor.has_perm(DECISION_PERMISSION):
        raise RegistrationDecisionError(
            _("Seul le greffe de l'établissement peut confirmer ou refuser l'enregistrement d'un permis de visite.")
        )
    return registration


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > DECISION_NOTE_MAX_LENGTH:
        raise RegistrationDecisionError(
            _("Les précisions ne doivent pas dépasser %(max)d caractères.") % {"max": DECISION_NOTE_MAX_LENGTH}
        )
    return note


def confirm_registration(*, registration_id: int, actor: User, note: str = "") -> RegisteredPermit:
    """The greffe checked that the relative is the permit's holder: the registration gives its rights.
    A pending registration, or a refused one the greffe reconsiders (the relative contacted them)."""
    note = _clean_note(note)
    with transaction.atomic():
        registration = _locked_registration(registration_id=registration_id, actor=actor)
        if registration.status == RegistrationStatus.ACCEPTED:
            raise RegistrationDecisionError(_("Cet enregistrement est déjà confirmé : rien n'a été modifié."))
        registration.status = RegistrationStatus.ACCEPTED
        registration.refusal_reason = ""
        registration.decision_note = note
        registration.decided_by = actor
        registration.decided_at = timezone.now()
        registration._history_user = actor
        registration._change_reason = audit_reason(PermitAuditReason.REGISTRATION_CONFIRMED, note)
        registration.save()
        transaction.on_commit(lambda: _send_decision_quietly(registration.pk))
    return registration


def refuse_registration(*, registration_id: int, actor: User, reason: str, note: str = "") -> RegisteredPermit:
    """The greffe found that the relative is not the permit's holder (``reason``: a RefusalReason; the
    note is required with « Autre motif »). Only a pending registration is refused."""
    note = _clean_note(note)
    if reason not in RefusalReason.values:
        raise RegistrationDecisionError(_("Choisissez le motif du refus."))
    if reason == RefusalReason.OTHER and not note:
        raise RegistrationDecisionError(_("Précisez le motif du refus."))
    with transaction.atomic():
        registration = _locked_registration(registration_id=registration_id, actor=actor)
        if registration.status != RegistrationStatus.PENDING:
            raise RegistrationDecisionError(
                _("Cet enregistrement n'est plus en attente (%(status)s) : rien n'a été modifié.")
                % {"status": registration.get_status_display().lower()}
            )
        registration.status = RegistrationStatus.REFUSED
        registration.refusal_reason = reason
        registration.decision_note = note
        registration.decided_by = actor
        registration.decided_at = timezone.now()
        registration._history_user = actor
        registration._change_reason = audit_reason(REFUSAL_AUDIT_REASONS[reason], note)
        registration.save()
        transaction.on_commit(lambda: _send_decision_quietly(registration.pk))
    return registration


def _send_decision_quietly(registration_id: int) -> None:
    """The decision is recorded whatever happens to its e-mail: a mail failure is logged only (the
    relative reads the decision in Mon espace)."""
    try:
        send_decision_email(registration_id=registration_id)
    except Exception:  # noqa: BLE001 - any mail backend failure
        logger.exception("Registration %s: the decision e-mail could not be sent", registration_id)


def send_decision_email(*, registration_id: int) -> bool:
    """The e-mail telling the relative what the greffe decided, with a link to Mon espace."""
    registration = RegisteredPermit.objects.select_related("relative", "permit__detainee__establishment").get(
        pk=registration_id
    )
    email = registration.relative.email
    if not email or registration.status == RegistrationStatus.PENDING:
        return False
    with in_relative_language(registration.relative):  # subject, body, the link (/en/mon-espace/)
        accepted = registration.status == RegistrationStatus.ACCEPTED
        context = {
            "registration": registration,
            "permit": registration.permit,
            "establishment": registration.permit.detainee.establishment,
            "relative": registration.relative,
            "mon_espace_url": portal_base_url() + reverse("accounts:mon_espace"),
        }
        if accepted:
            subject = _("Votre permis de visite %(number)s est confirmé")
            template = "permits/email/registration_confirmed.txt"
        else:
            subject = _("Votre permis de visite %(number)s n'a pas pu être ajouté à votre espace")
            template = "permits/email/registration_refused.txt"
        send_mail(
            subject=subject % {"number": registration.permit.number},
            message=render_to_string(template, context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
            fail_silently=False,
        )
    return True
