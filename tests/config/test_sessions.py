"""Where sessions are read from: the shared cache when there is one (CACHE_URL), else the database only,
so that a logout in one worker process is never undone by another process's private memory cache."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = "import django; django.setup()\nfrom django.conf import settings\nprint(settings.SESSION_ENGINE)\n"


def _engine(**env_changes: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_changes)
    out = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_without_a_shared_cache_sessions_are_read_from_the_database():
    assert _engine() == "django.contrib.sessions.backends.db"


def test_with_a_shared_cache_sessions_are_read_from_it_and_kept_in_the_database():
    assert _engine(CACHE_URL="redis://127.0.0.1:6379/9") == "django.contrib.sessions.backends.cached_db"
