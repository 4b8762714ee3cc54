"""Celery tasks (thin): statement imports and matching, batch generation, the inbox folder. Each
records its progress and outcome on a ReconciliationJob for the back office's progress bar."""

from __future__ import annotations

import logging

from celery import shared_task

from . import jobs
from .services.cashier import run_due_cutoffs

logger = logging.getLogger(__name__)


@shared_task(name="reconciliation.run_import_job")
def run_import_job(job_id: int) -> str:
    return jobs.run_import(job_id=job_id)


@shared_task(name="reconciliation.run_batch_job")
def run_batch_job(job_id: int) -> str:
    return jobs.run_batch(job_id=job_id)


@shared_task(name="reconciliation.run_cashier_cutoffs")
def run_cashier_cutoffs() -> int:
    """The batches of the cut-offs passed today (Establishment.cashier_cutoffs), each made once."""
    return sum(1 for result in run_due_cutoffs() if result.created)


@shared_task(name="reconciliation.scan_statement_inbox")
def scan_statement_inbox() -> int:
    """Import every camt.053, camt.052 or camt.054 file dropped in RECONCILIATION_INBOX_DIR (moved to done/ or
    failed/)."""
    return jobs.scan_inbox()
