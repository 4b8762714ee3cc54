"""Celery tasks (thin): open the sessions up to the booking horizon every hour, purge past visits every night."""

from celery import shared_task

from . import services


@shared_task(name="visits.open_sessions")
def open_sessions() -> int:
    """Sessions materialised from the weekly templates (already opened ones are left as they are)."""
    return services.open_sessions()


@shared_task(name="visits.purge_past_visits")
def purge_past_visits() -> int:
    """Visits past their retention (``VISITS_RETENTION_DAYS``) deleted, with their companions and history."""
    return services.purge_past_visits()
