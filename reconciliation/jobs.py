"""Background jobs: a ReconciliationJob row per import or batch generation, its progress updated as
the work goes (outside the work's own transaction, so that the back office sees it move), its
outcome in French messages. The work itself is done by ``services``."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_euros

from .camt import CamtError
from .constants import JobKind, JobStatus
from .errors import ReconciliationError
from .models import ReconciliationJob
from .services.cashier import generate_batch
from .services.statements import import_statement

logger = logging.getLogger(__name__)


def upload_dir() -> Path:
    path = Path(settings.RECONCILIATION_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(uploaded) -> str:
    """Keep an uploaded file on disk (streamed, never whole in memory) for the worker."""
    target = upload_dir() / f"{uuid.uuid4().hex}.xml"
    with open(target, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return str(target)


def store_bytes(content: bytes) -> str:
    """Keep a statement made on the server (the sandbox bank's) on disk for the worker, as an upload."""
    target = upload_dir() / f"{uuid.uuid4().hex}.xml"
    target.write_bytes(content)
    return str(target)


def create_import_job(*, path: str, file_name: str, user=None) -> ReconciliationJob:
    return ReconciliationJob.objects.create(
        kind=JobKind.IMPORT, file_path=path, file_name=file_name[:255], created_by=user
    )


def create_batch_job(*, establishment, day: datetime.date, user=None) -> ReconciliationJob:
    return ReconciliationJob.objects.create(kind=JobKind.BATCH, establishment=establishment, day=day, created_by=user)


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        ReconciliationJob.objects.filter(pk=job_id).update(done=done, total=total)

    return report


def _finish(job: ReconciliationJob, status: str, messages: list[str], **fields) -> None:
    job.status = status
    job.messages = [str(m) for m in messages]
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job._history_user = job.created_by
    job.save()


def run_import(*, job_id: int) -> str:
    job = ReconciliationJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job.status
    claimed = ReconciliationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return JobStatus.RUNNING
    try:
        result = import_statement(
            path=job.file_path, user=job.created_by, file_name=job.file_name, progress=_progress(job_id)
        )
    except (CamtError, ReconciliationError) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        _finish(job, JobStatus.FAILED, messages)
    except Exception:
        logger.exception("Statement import job %s failed", job_id)
        _finish(job, JobStatus.FAILED, [_("Erreur inattendue pendant l'import : rien n'a été enregistré.")])
        raise
    else:
        job.refresh_from_db(fields=["done", "total"])
        _finish(job, JobStatus.DONE, [result.summary()], statement=result.statement,
                establishment=result.statement.establishment)
    finally:
        _discard(job.file_path)
    return job.status


def run_batch(*, job_id: int) -> str:
    job = ReconciliationJob.objects.select_related("created_by").get(pk=job_id)
    claimed = ReconciliationJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return job.status
    try:
        result = generate_batch(establishment_id=job.establishment_id, day=job.day, user=job.created_by)
    except ReconciliationError as exc:
        _finish(job, JobStatus.FAILED, exc.messages)
        return job.status
    messages = []
    if result.batch is None:
        messages.append(_("Aucun virement reçu à transmettre à la caisse."))
    elif result.created:
        messages.append(_("Lot du %(d)s de %(h)s créé : %(n)s virement(s), %(t)s.")
                        % {"d": f"{result.batch.day:%d/%m/%Y}", "h": f"{result.batch.cutoff:%H:%M}",
                           "n": result.batch.line_count, "t": format_euros(result.batch.total)})
    else:
        messages.append(_("Le lot du %(d)s de %(h)s existait déjà : le même fichier est proposé.")
                        % {"d": f"{result.batch.day:%d/%m/%Y}", "h": f"{result.batch.cutoff:%H:%M}"})
    if result.sent_to_refund:
        messages.append(_("Envoyé(s) en remboursement (personne libérée ou transférée) : %(r)s.")
                        % {"r": ", ".join(result.sent_to_refund)})
    _finish(job, JobStatus.DONE, messages, batch=result.batch, done=1, total=1)
    return job.status


def _discard(path: str) -> None:
    try:
        if path and Path(path).is_relative_to(Path(settings.RECONCILIATION_UPLOAD_DIR)):
            os.remove(path)
    except OSError:
        pass


def scan_inbox() -> int:
    """Each ``*.xml`` of the inbox (a camt.053 statement, a camt.052 report or a camt.054 notice) is imported as
    by an operator, then moved to ``done/`` or
    ``failed/`` (with a ``.log`` saying why). Returns the number of files handled."""
    inbox = settings.RECONCILIATION_INBOX_DIR
    if not inbox or not os.path.isdir(inbox):
        return 0
    handled = 0
    for name in sorted(os.listdir(inbox)):
        source = os.path.join(inbox, name)
        if not name.lower().endswith(".xml") or not os.path.isfile(source):
            continue
        working = os.path.join(inbox, f".{name}.{uuid.uuid4().hex}.working")
        try:
            os.rename(source, working)  # claimed: another beat run skips it
        except OSError:
            continue
        try:
            result = import_statement(path=working, file_name=name)
        except (CamtError, ReconciliationError) as exc:
            _move_to(inbox, "failed", working, name, str(exc))
        else:
            _move_to(inbox, "done", working, name, result.summary())
        handled += 1
    return handled


def _move_to(inbox: str, folder: str, working: str, name: str, message: str) -> None:
    target_dir = os.path.join(inbox, folder)
    os.makedirs(target_dir, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    target = os.path.join(target_dir, f"{stamp}-{name}")
    shutil.move(working, target)
    with open(target + ".log", "w", encoding="utf-8") as handle:
        handle.write(message + "\n")
    logger.info("Statement inbox: %s → %s (%s)", name, folder, message)
