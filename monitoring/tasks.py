"""Celery tasks (thin): the security staff's daily digest of the alerts waiting (CELERY_BEAT_SCHEDULE
"monitoring-digests", at DIGEST_HOUR Europe/Paris)."""

from celery import shared_task

from .services.digest import send_digests as send_digests_now


@shared_task(name="monitoring.send_digests")
def send_digests() -> int:
    """The e-mails sent (none to whom nothing waits)."""
    return send_digests_now()
