"""End-to-end tests in a real browser: Playwright for Python driving Debian's chromium (never a browser
that Playwright downloads), against the portal with the demo data. axe-core (npm, tests/e2e/node_modules,
installed by ``make e2e-deps``) is injected in every page.

The target: the production-shaped stack (``scripts/stack.sh``: gunicorn, a Celery worker and Celery beat,
PostgreSQL and Redis, DEBUG off, whitenoise) on the test database when the suite runs on PostgreSQL and
Redis answers on 127.0.0.1:6379; otherwise (SQLite run, no Redis, or ``E2E_TARGET=live-server``)
pytest-django's ``live_server`` in this process. The summary at the end of the run names it.

Screenshots of each step go to ``artifacts/screenshots/<target>/<walk>/`` (or ``$E2E_SCREENSHOTS``), with
the stack's logs in ``<target>/journaux/``.
Without chromium or axe-core the tests fail under CI (``CI=true``) and are skipped elsewhere."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import global_settings
from django.core.cache import cache
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "artifacts" / "screenshots"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
STACK_SCRIPT = ROOT / "scripts" / "stack.sh"
STACK_START_SECONDS = 120
# What the stack must not inherit from the test process: it gets its own settings from scripts/stack.sh.
STACK_ENV_DROPPED = ("DJANGO_", "DATABASE_", "CELERY_", "CACHE_URL", "PORTAL_BASE_URL", "FRANCECONNECT_", "PSD2_",
                     "SANDBOX_", "STATIC_ROOT", "RECONCILIATION_", "WAGTAILADMIN_", "GUNICORN_", "STACK_", "LOG_LEVEL",
                     "PYTEST_", "E2E_")
TARGETS = pytest.StashKey[list]()


def _missing(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI : les tests dans le navigateur sont obligatoires)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing(f"chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    if not AXE_JS.exists():
        _missing(f"axe-core introuvable ({AXE_JS}) : make e2e-deps")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import expect, sync_playwright

    # Pages that wait for the Celery worker (statement import, cashier batch) get more than 5 seconds.
    expect.set_options(timeout=15_000)

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still
    # synchronous calls of this thread, between browser steps.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Target:
    """Where the browser walks: the production-shaped stack, or the live server of this process."""

    name: str  # the screenshots' folder: "pile" or "live-server"
    url: str
    description: str
    broker_url: str = ""  # the stack's Celery broker ("" on the live server: tasks run in this process)
    run_dir: Path | None = None  # the stack's logs

    @property
    def is_stack(self) -> bool:
        return self.run_dir is not None

    def log(self, process: str) -> str:
        """The log of the stack's ``gunicorn``, ``worker`` or ``beat``."""
        path = self.run_dir / f"{process}.log" if self.run_dir else None
        return path.read_text(encoding="utf-8", errors="replace") if path and path.exists() else ""

    def run_task(self, name: str) -> None:
        """A periodic job now rather than at the beat's next tick: sent to the stack's Celery worker, or
        run in this process beside the live server."""
        from config.celery import app

        if self.broker_url:
            with app.connection_for_write(self.broker_url) as connection, warnings.catch_warnings():
                warnings.simplefilter("ignore", AlwaysEagerIgnored)  # the test's own eager mode is not the stack's
                app.send_task(name, connection=connection, ignore_result=True)
        else:
            import_module(f"{name.split('.')[0]}.tasks")  # registers the app's tasks
            app.tasks[name].apply()


def _redis_url(db: int) -> str:
    return f"redis://127.0.0.1:6379/{db}"


def _stack_redis_db() -> int:
    """The stack's broker: ``$E2E_STACK_REDIS_DB``, else the Redis db the suite was given (its tasks run
    in-process, the db is unused); the stack's cache is on the next db."""
    from django.conf import settings

    if os.environ.get("E2E_STACK_REDIS_DB"):
        return int(os.environ["E2E_STACK_REDIS_DB"])
    match = re.match(r"redis://[^/]*/(\d+)$", settings.CELERY_BROKER_URL or "")
    return int(match.group(1)) if match else 0


def stack_unavailable() -> str | None:
    """Why the production-shaped stack cannot run here (then the live server stands in), or None."""
    from django.conf import settings
    from django.db import connection

    if os.environ.get("E2E_TARGET") == "live-server":
        return "E2E_TARGET=live-server"
    if connection.vendor != "postgresql":
        return "base SQLite (pas de DATABASE_URL PostgreSQL)"
    if not (settings.CELERY_BROKER_URL or "").startswith("redis://"):
        return "pas de CELERY_BROKER_URL Redis"
    import redis

    try:
        redis.Redis.from_url(_redis_url(_stack_redis_db()), socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis ne répond pas sur 127.0.0.1:6379 ({exc})"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(db: dict) -> str:
    """The URL of the test database pytest-django created, for the stack's processes."""
    credentials = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{quote(db['NAME'])}"


def _flush_redis(*dbs: int) -> None:
    import redis

    for db in dbs:
        redis.Redis.from_url(_redis_url(db), socket_connect_timeout=2).flushdb()


def _stop_group(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM to the stack's whole process group (the script, gunicorn and its workers, the Celery
    worker and its children, beat), then SIGKILL to whatever is left of it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        process.poll()  # reap the script itself, or the group never looks empty
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _tail(run_dir: Path, lines: int = 25) -> str:
    parts = []
    for log in sorted(run_dir.glob("*.log")):
        text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        parts.append(f"--- {log.name}\n" + "\n".join(text))
    return "\n".join(parts)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def production_stack(*, port: int, database_url: str, redis_db: int, logs_to: Path) -> Iterator[Target]:
    """``scripts/stack.sh`` on ``port`` against an existing database (``STACK_PREPARE=no``): gunicorn,
    a Celery worker and Celery beat, Redis ``redis_db`` (broker) and the next db (cache), both emptied
    before and after. Waits until the site, the worker and beat answer; always stops the whole
    process group, and keeps the logs in ``logs_to``."""
    run_dir = Path(tempfile.mkdtemp(prefix="portail-e2e-pile-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(STACK_ENV_DROPPED)}
    env.update(
        STACK_DATABASE_URL=database_url, STACK_PREPARE="no", STACK_PORT=str(port), STACK_REDIS_DB=str(redis_db),
        STACK_RUN_DIR=str(run_dir), GUNICORN_WORKERS=os.environ.get("E2E_GUNICORN_WORKERS", "2"), LOG_LEVEL="INFO",
        VENV=str(Path(sys.executable).parent.parent),
    )
    _flush_redis(redis_db, redis_db + 1)
    url = f"http://127.0.0.1:{port}"
    with open(run_dir / "stack.log", "wb") as out:
        process = subprocess.Popen(["bash", str(STACK_SCRIPT)], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.monotonic()
        deadline = started + STACK_START_SECONDS
        target = Target(
            name="pile", url=url, broker_url=_redis_url(redis_db), run_dir=run_dir,
            description=(f"pile de production (scripts/stack.sh : gunicorn, worker et beat Celery, DEBUG off, "
                         f"whitenoise) sur {url}, base {database_url.rsplit('/', 1)[-1]}, Redis db {redis_db}"),
        )
        while not (_answers(f"{url}/sante/") and " ready." in target.log("worker")
                   and "beat: Starting" in target.log("beat")):
            if process.poll() is not None:
                pytest.fail(f"la pile s'est arrêtée (code {process.returncode}) :\n{_tail(run_dir)}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"la pile ne répond pas après {STACK_START_SECONDS} s :\n{_tail(run_dir)}", pytrace=False)
            time.sleep(0.5)
        target.description += f" (prête en {time.monotonic() - started:.0f} s)"
        yield target
    finally:
        _stop_group(process)
        _flush_redis(redis_db, redis_db + 1)
        logs_to.mkdir(parents=True, exist_ok=True)
        for log in run_dir.glob("*.log"):
            shutil.copy(log, logs_to / log.name)
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def portal(request, settings, transactional_db) -> Iterator[Target]:
    """The portal with the demo data, its FranceConnect and bank stand-ins at the same address: the
    production-shaped stack on the test database when it can run here, else the live server."""
    from django.db import connection

    from sandbox.demo import load_demo
    from tests.conftest import restore_migrated_data

    unavailable = stack_unavailable()
    if unavailable is None:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        # The staff's demo passwords are checked by the stack's processes, with the project's hashers
        # (the suite's fast MD5 hasher is not one of them).
        settings.PASSWORD_HASHERS = getattr(import_module(os.environ["DJANGO_SETTINGS_MODULE"]), "PASSWORD_HASHERS",
                                            global_settings.PASSWORD_HASHERS)
    else:
        url = request.getfixturevalue("live_server").url
    cache.clear()
    # This process's settings as the portal's: the demo bank's API address, the stand-in's issuer.
    settings.PORTAL_BASE_URL = url
    settings.FRANCECONNECT_ISSUER = f"{url}/sandbox/franceconnect"
    settings.FRANCECONNECT_CLIENT_ID = "portail-des-proches-sandbox"
    settings.FRANCECONNECT_CLIENT_SECRET = "sandbox-secret-not-for-production"
    settings.SANDBOX_BANK_FAILURE = ""
    restore_migrated_data()  # what an earlier transactional test's flush took away
    load_demo()  # committed: the stack's processes see it
    if unavailable is None:
        with production_stack(port=port, database_url=_database_url(connection.settings_dict),
                              redis_db=_stack_redis_db(), logs_to=SCREENSHOTS / "pile" / "journaux") as target:
            yield _announce(request, target)
    else:
        yield _announce(request, Target(name="live-server", url=url,
                                        description=f"live_server de pytest-django sur {url} ({unavailable})"))
    cache.clear()


def _announce(request, target: Target) -> Target:
    request.config.stash.setdefault(TARGETS, []).append(f"{request.node.nodeid} : {target.description}")
    request.node.user_properties.append(("e2e_target", target.name))
    print(f"\nNavigateur contre : {target.description}")
    return target


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in config.stash.get(TARGETS, []):
        terminalreporter.write_line(f"e2e — {line}")


class Walk:
    """One browser context (one visitor): screenshots numbered in order, axe-core on every page."""

    def __init__(self, browser, base: str, name: str, viewport: dict, folder: Path = SCREENSHOTS):
        self.base = base
        self.name = name
        self.folder = folder / name
        self.context = browser.new_context(viewport=viewport, locale="fr-FR", base_url=base)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.step = 0
        self.violations: dict[str, list] = {}
        self.checked: list[str] = []
        self.console_errors: list[str] = []
        # Script errors (a resource that fails to load is in ``broken``; the browser's own favicon probe is not;
        # an inline-style CSP report, seen once while axe-core measured a page, is left out).
        self.page.on("console", lambda msg: msg.type == "error" and not msg.text.startswith("Failed to load resource")
                     and "Applying inline style violates" not in msg.text
                     and self.console_errors.append(f"{self.page.url} {msg.location.get('url')}: {msg.text[:160]}"))
        self.broken: list[str] = []
        self.page.on("response", lambda r: r.status >= 400 and self.broken.append(f"{r.status} {r.url}"))
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def shot(self, label: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe(self, label: str) -> list:
        """Run axe-core (WCAG 2.1 A and AA) on the current page; keep the violations under ``label``."""
        page = self.page
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Injected through the DevTools protocol: the page's CSP does not apply to it.
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
            "resultTypes: ['violations']})",
            AXE_TAGS,
        )
        found = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        self.checked.append(label)
        if found:
            self.violations[f"{label} ({page.url})"] = found
        return found

    def header_overlaps(self, label: str) -> None:
        """The header's logo and the service title side by side, not one over the other (a long name in the
        header's tools once squeezed "RÉPUBLIQUE FRANÇAISE" under the title)."""
        overlap = self.page.evaluate(
            "() => { const a = document.querySelector('.fr-header__logo .fr-logo'),"
            " b = document.querySelector('.fr-header__service');"
            " if (!a || !b) return false; const r = a.getBoundingClientRect(), t = b.getBoundingClientRect();"
            " return r.right > t.left + 1 && t.right > r.left + 1 && r.bottom > t.top + 1 && t.bottom > r.top + 1; }"
        )
        if overlap:
            self.violations[f"{label} ({self.page.url})"] = [
                {"id": "portail-header-overlap", "impact": "serious",
                 "help": "Le logo de l'en-tête est recouvert par le nom du service", "nodes": [".fr-header__logo"]}
            ]

    def visit(self, label: str) -> None:
        """A page of the walk: screenshot, then accessibility check and the header's layout."""
        self.page.wait_for_load_state("load")
        self.shot(label)
        self.axe(label)
        self.header_overlaps(label)

    def report(self) -> str:
        return json.dumps(self.violations, ensure_ascii=False, indent=1)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def walker(browser, portal):
    walks: list[Walk] = []

    def make(name: str, viewport: dict = DESKTOP) -> Walk:
        walk = Walk(browser, portal.url, name, viewport, folder=SCREENSHOTS / portal.name)
        walks.append(walk)
        return walk

    yield make
    for walk in walks:
        walk.close()
    print(f"\nCaptures d'écran : {SCREENSHOTS / portal.name}")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def totp_code(username: str) -> str:
    """The code that ``username``'s authentication application shows now, from their device's key (the demo
    accounts': the documented demo secret). A code is accepted once: if this period's code was used
    already (two logins in the same 30 s), the next period's, which django-otp also accepts."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t - totp.t() + 1) * device.step
    return f"{totp.token():06d}"


def staff_login(walk: Walk, username: str, *, password: str = "demo-portail", site: str = "gestion") -> None:
    """A staff member logs in as they would: the login page of /gestion/ (or /cms/), their password, then
    the second-factor page where they type their application's code. Both pages are checked by axe-core."""
    from playwright.sync_api import expect

    page = walk.page
    page.goto(f"/{site}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    walk.visit(f"{site}-connexion")
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/gestion/second-facteur/"))
    expect(page.get_by_role("heading", name="Vérification en deux étapes")).to_be_visible()
    walk.visit(f"{site}-second-facteur")
    page.get_by_label("Code à 6 chiffres").fill(totp_code(username))
    page.get_by_role("button", name="Vérifier le code").click()
    page.wait_for_url(re.compile(rf"/{site}/(?!login)"))
    assert "/second-facteur/" not in page.url, page.url


def assert_accessible(*walks: Walk) -> None:
    """Each walk checked at least one page with axe-core, with no WCAG 2.1 A/AA violation, no broken link or
    image and no console error."""
    for walk in walks:
        assert walk.checked, "axe-core n'a contrôlé aucune page"
        assert not walk.violations, f"{walk.name} — violations WCAG 2.1 AA :\n{walk.report()}"
        assert not walk.broken, walk.broken
        assert not walk.console_errors, walk.console_errors


def sandbox_cashier_acknowledges(walk: Walk, batch_content: str, folder: Path, *, credited: int) -> None:
    """The sandbox cashier's acknowledgement of a batch (``manage.py sandbox_cashier_ack``), applied by the régie
    on the cashier page: « N virement(s) versé(s) »."""
    from playwright.sync_api import expect

    batch = folder / "lot.csv"
    batch.write_text(batch_content, encoding="utf-8")
    ack = io.StringIO()
    call_command("sandbox_cashier_ack", str(batch), stdout=ack)
    (folder / "accuse.csv").write_text(ack.getvalue(), encoding="utf-8")
    page = walk.page
    page.goto("/gestion/rapprochement/caisse/")
    page.get_by_label("Accusé de la caisse (fichier CSV)").set_input_files(str(folder / "accuse.csv"))
    page.get_by_role("button", name="Appliquer l'accusé").click()
    expect(page.get_by_text(f"{credited} virement(s) versé(s)")).to_be_visible()
    walk.visit("accuse-applique")
