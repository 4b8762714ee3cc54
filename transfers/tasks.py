"""Celery tasks (thin): follow pending transfers at their bank, expire abandoned ones. Each may run
twice at once: polls are claimed by a conditional update, expiry works under a row lock."""

import logging

from celery import shared_task

from . import selectors, services

logger = logging.getLogger(__name__)


@shared_task(name="transfers.poll_pending_transfers")
def poll_pending_transfers(limit: int = 500) -> int:
    """Ask the banks about transfers due for a poll (each with its own backoff)."""
    polled = 0
    for transfer_id in selectors.transfers_to_poll().values_list("pk", flat=True)[:limit]:
        if services.poll_transfer(transfer_id=transfer_id) is not None:
            polled += 1
    return polled


@shared_task(name="transfers.poll_transfer")
def poll_transfer(transfer_id: int) -> str | None:
    transfer = services.poll_transfer(transfer_id=transfer_id)
    return transfer.status if transfer else None


@shared_task(name="transfers.expire_stale_transfers")
def expire_stale_transfers(limit: int = 1000) -> int:
    """Drafts and unapproved transfers older than 30 minutes expire and free their reservation."""
    expired = 0
    for transfer_id in selectors.transfers_to_expire().values_list("pk", flat=True)[:limit]:
        if services.expire_transfer(transfer_id=transfer_id):
            expired += 1
    return expired


@shared_task(name="transfers.send_credited_email")
def send_credited_email(transfer_id: int) -> bool:
    """« Votre virement … a été versé sur le pécule » (services.send_credited_email); a mail failure is logged."""
    try:
        return services.send_credited_email(transfer_id=transfer_id)
    except Exception:  # noqa: BLE001 - any mail backend failure
        logger.exception("Transfer %s: the credited e-mail could not be sent", transfer_id)
        return False
