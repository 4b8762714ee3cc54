"""The transfers' own receivers of their signals: the credited e-mail queued once the acknowledgement commits
(connected in TransfersConfig.ready: ``transfers.services`` sends the signal and never imports the tasks, which
import it)."""

from __future__ import annotations

import logging

from django.db import transaction

from . import tasks
from .signals import transfer_credited

logger = logging.getLogger(__name__)


def queue_credited_email(sender, *, transfer_id: int, **kwargs) -> None:
    """After the commit (a batch's acknowledgement of 1,000 transfers holds no mail), the credited e-mail's task
    (run at once when no broker is set)."""
    transaction.on_commit(lambda: _queue(transfer_id))


def _queue(transfer_id: int) -> None:
    """A broker or mail failure is logged, never an error for the cashier's acknowledgement, already committed."""
    try:
        tasks.send_credited_email.delay(transfer_id)
    except Exception:  # noqa: BLE001 - any broker or mail backend failure
        logger.exception("Transfer %s: the credited e-mail could not be queued", transfer_id)


def connect() -> None:
    transfer_credited.connect(queue_credited_email, dispatch_uid="transfers.queue_credited_email")
