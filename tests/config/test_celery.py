"""Celery: tasks are autodiscovered; on the embedded default they run eagerly in the calling process;
with a broker (CI: Redis) a real worker runs them."""

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Task
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.conf import settings

from config.celery import app
from config.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env_changes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_tasks_of_every_app_are_discovered():
    """A fresh process (as a worker starts) finds the tasks of every app's tasks.py, and the project's
    own, without importing them by hand."""
    out = _run(
        "import json, django; django.setup()\n"
        "from config.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print(json.dumps(sorted(app.tasks)))\n"
    )
    assert out.returncode == 0, out.stderr
    registered = set(json.loads(out.stdout.splitlines()[-1]))
    assert "config.tasks.ping" in registered
    for config in apps.get_app_configs():
        if config.name.startswith(("django.", "wagtail", "celery")) or not importlib.util.find_spec(
            f"{config.name}.tasks"
        ):
            continue
        module = importlib.import_module(f"{config.name}.tasks")
        declared = {t.name for t in vars(module).values() if isinstance(t, Task)}
        assert declared <= registered, declared - registered


def test_beat_schedule_names_only_registered_tasks():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert isinstance(schedule, dict)
    assert schedule == settings.CELERY_BEAT_SCHEDULE
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name


def test_tasks_run_eagerly_on_the_embedded_default():
    """Without CELERY_BROKER_URL, a task sent with .delay() has run by the time .delay() returns."""
    code = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "from config.tasks import ping\n"
        "result = ping.delay()\n"
        "print(app.conf.task_always_eager, type(result).__name__, result.successful(), result.get())\n"
    )
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "EagerResult", "True", "pong"]


def test_eagerness_follows_the_broker_setting():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.CELERY_BROKER_URL)


@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="nécessite un broker Celery (CELERY_BROKER_URL)")
def test_a_real_worker_runs_a_task_through_the_broker():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # whatever a test fixture may have set: through the broker
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30):
            result = ping.delay()
            assert result.get(timeout=30) == "pong"
    finally:
        app.conf.task_always_eager = eager
    assert result.successful()
    assert type(result).__name__ == "AsyncResult"
