"""End-to-end tests in a real browser: Playwright for Python driving Debian's chromium (never a browser
that Playwright downloads), against the portal served by pytest-django's ``live_server`` with the demo
data. axe-core (npm, tests/e2e/node_modules, installed by ``make e2e-deps``) is injected in every page.

Screenshots of each step go to ``artifacts/screenshots/`` (or ``$E2E_SCREENSHOTS``).
Without chromium or axe-core the tests fail under CI (``CI=true``) and are skipped elsewhere."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache

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
    from playwright.sync_api import sync_playwright

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


@pytest.fixture
def portal(live_server, settings):
    """The portal on live_server with the demo data; its FranceConnect and bank stand-ins on the same server."""
    from sandbox.demo import load_demo
    from tests.conftest import restore_migrated_data

    cache.clear()
    settings.PORTAL_BASE_URL = live_server.url
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/sandbox/franceconnect"
    settings.FRANCECONNECT_CLIENT_ID = "portail-des-proches-sandbox"
    settings.FRANCECONNECT_CLIENT_SECRET = "sandbox-secret-not-for-production"
    settings.SANDBOX_BANK_FAILURE = ""
    restore_migrated_data()  # what an earlier transactional test's flush took away
    load_demo()
    yield live_server.url
    cache.clear()


class Walk:
    """One browser context (one visitor): screenshots numbered in order, axe-core on every page."""

    def __init__(self, browser, base: str, name: str, viewport: dict):
        self.base = base
        self.name = name
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
        (SCREENSHOTS / name).mkdir(parents=True, exist_ok=True)

    def shot(self, label: str) -> Path:
        self.step += 1
        path = SCREENSHOTS / self.name / f"{self.step:02d}-{label}.png"
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

    def visit(self, label: str) -> None:
        """A page of the walk: screenshot, then accessibility check."""
        self.page.wait_for_load_state("load")
        self.shot(label)
        self.axe(label)

    def report(self) -> str:
        return json.dumps(self.violations, ensure_ascii=False, indent=1)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def walker(browser, portal):
    walks: list[Walk] = []

    def make(name: str, viewport: dict = DESKTOP) -> Walk:
        walk = Walk(browser, portal, name, viewport)
        walks.append(walk)
        return walk

    yield make
    for walk in walks:
        walk.close()
    print(f"\nCaptures d'écran : {SCREENSHOTS}")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
