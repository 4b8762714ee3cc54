"""Project-wide Celery tasks (the apps' own live in their ``tasks.py``)."""

from celery import shared_task


@shared_task(name="config.tasks.ping")
def ping() -> str:
    """Health check for operators (``celery -A config call config.tasks.ping``): a worker answers
    ``pong``."""
    return "pong"
