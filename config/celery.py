"""The Celery application: tasks are autodiscovered in each installed app's ``tasks.py``, plus the
project's own in ``config/tasks.py``. Without ``CELERY_BROKER_URL`` every task runs eagerly in the
calling process (see settings); the periodic jobs are in ``CELERY_BEAT_SCHEDULE``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["config"])
