"""Production settings (DJANGO_ENV=production): secrets only from the environment, DEBUG off, the
stand-ins off, and `manage.py check --deploy` without a single warning."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "Qm3v9x-7Lr2_kPz8WcT4nYh6Jd1Fs5Ga0Eb3Ui7Oq2Xw9Zt4Rv8Ny1Mk6Lp3Hj5Cg0Bf",
    "DJANGO_ALLOWED_HOSTS": "proches.justice.gouv.fr",
    "DATABASE_URL": "postgres://portail@db.internal:5432/portail",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "PORTAL_BASE_URL": "https://proches.justice.gouv.fr",
}
# Variables of this machine that must not leak into the production process under test.
CLEARED = ("DJANGO_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL",
           "CELERY_RESULT_BACKEND", "DJANGO_DEBUG", "PORTAL_BASE_URL", "SANDBOX_ENABLED", "CACHE_URL",
           # set by the browser tests' session (Playwright's event loop); never in a deployment
           "DJANGO_ALLOW_ASYNC_UNSAFE")


def _run(args: list[str], **env_changes: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(PRODUCTION_ENV)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_check_deploy_passes_without_any_warning():
    out = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (0 silenced)." in out.stdout
    assert "WARNING" not in out.stderr.upper()


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "PORTAL_BASE_URL"]
)
@pytest.mark.parametrize("value", [None, ""])
def test_production_refuses_to_start_without_a_required_variable(variable, value):
    out = _run(["manage.py", "check"], **{variable: value})
    assert out.returncode != 0
    assert f"La variable d'environnement {variable} est obligatoire en production." in out.stderr


def test_production_refuses_a_portal_address_without_https():
    out = _run(["manage.py", "check"], PORTAL_BASE_URL="http://proches.justice.gouv.fr")
    assert out.returncode != 0
    assert "PORTAL_BASE_URL doit être une adresse en https:// en production." in out.stderr


def test_production_settings_turn_debug_sandbox_and_demo_off():
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from config.urls import urlpatterns\n"
        "mounted = any(str(p.pattern).startswith('sandbox') for p in urlpatterns)\n"
        "print(json.dumps({'debug': settings.DEBUG, 'sandbox': settings.SANDBOX_ENABLED,\n"
        "    'demo': settings.DEMO_DATA_ALLOWED, 'eager': settings.CELERY_TASK_ALWAYS_EAGER,\n"
        "    'sandbox_urls': mounted, 'session_secure': settings.SESSION_COOKIE_SECURE,\n"
        "    'csrf_secure': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS,\n"
        "    'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'db': settings.DATABASES['default']['ENGINE']}))\n"
    )
    out = _run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings")
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout.splitlines()[-1])
    assert values == {
        "debug": False, "sandbox": False, "demo": False, "eager": False, "sandbox_urls": False,
        "session_secure": True, "csrf_secure": True, "hsts": 63072000, "ssl_redirect": True,
        "db": "django.db.backends.postgresql",
    }


def test_check_deploy_reports_the_sandbox_switched_on_in_production():
    out = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SANDBOX_ENABLED="true")
    assert out.returncode != 0
    assert "sandbox.W001" in out.stderr


def test_check_deploy_reports_a_weak_secret_key():
    out = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_SECRET_KEY="court")
    assert out.returncode != 0
    assert "security.W009" in out.stderr


def test_unknown_environment_is_refused():
    out = _run(["manage.py", "check"], DJANGO_ENV="staging")
    assert out.returncode != 0
    assert "DJANGO_ENV doit valoir" in out.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
