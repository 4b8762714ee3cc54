"""The session warning, the header search, the site map and the home page on a phone, in chromium:

- RGAA 13.1: two minutes before the session ends for inactivity, a dialog (role="alertdialog") takes the
  focus and keeps it; "Prolonger ma session" keeps the session and the amount being typed (the page is not
  reloaded), and so does Escape. The browser's clock is run forward (Playwright's clock), the server's
  session is real: the extension is a real POST.
- RGAA 12.5: the header search on a page other than the home page leads to the results; the "Plan du site"
  is reached from the footer.
- The home page on a 360 × 740 phone: the main action above the fold, for a visitor (the FranceConnect
  button) and for a logged-in relative.
Every page checked by axe-core, desktop and phone, the dialog open included."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, staff_login
from tests.e2e.relatives import registered_permit, relative_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOLD = PHONE["height"]
WARNING = re.compile("Votre session va bientôt prendre fin")


def bottom_of(page, locator) -> float:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    return box["y"] + box["height"]


def inside_dialog(page) -> bool:
    return page.evaluate("() => !!document.activeElement && !!document.activeElement.closest('#session-warning')")


def test_session_warning_search_site_map_and_the_home_page_on_a_phone(walker, portal, settings):
    """One portal for every walk (each transactional test would load the demo again)."""
    home_on_a_phone(walker)
    session_warning(walker, "session-bureau", DESKTOP)
    session_warning(walker, "session-telephone", PHONE)
    staff_session_warning(walker)
    search_and_site_map(walker, "recherche-plan-bureau", DESKTOP)
    search_and_site_map(walker, "recherche-plan-telephone", PHONE)
    if not portal.is_stack:  # the live server runs with this process's settings
        idle_end_is_said(walker, settings, PHONE)


def idle_end_is_said(walker, settings, viewport):
    """After the idle end (the browser dropped the session's cookie), the next page says so."""
    settings.RELATIVE_SESSION_IDLE_SECONDS = 61  # the shortest that the once-a-minute stamp allows
    walk = walker("fin-de-session", viewport)
    page = walk.page
    relative_login(walk)
    walk.context.clear_cookies(name="sessionid")
    time.sleep(1.5)
    page.goto("/mon-espace/pecule/")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Votre session a pris fin après 1 minute d'inactivité. Reconnectez-vous pour "
                            "continuer.")).to_be_visible()
    walk.visit("session-terminee")
    assert walk.violations == {}, walk.report()


def home_on_a_phone(walker):
    walk = walker("accueil-telephone", PHONE)
    page = walk.page
    page.goto("/")
    walk.visit("accueil-visiteur")
    assert bottom_of(page, page.locator("#franceconnect-button")) < FOLD
    # The site's name once: in the header, not again as the page's title.
    assert page.get_by_text("Le portail des services de l'administration pénitentiaire pour les proches des "
                            "personnes détenues", exact=True).count() == 1

    relative_login(walk)
    page.goto("/")
    walk.visit("accueil-connecte")
    assert bottom_of(page, page.locator("#home-main-action")) < FOLD
    assert walk.violations == {}, walk.report()


def session_warning(walker, name, viewport):
    walk = walker(name, viewport)
    page = walk.page
    page.clock.install()  # the page's timers and Date, run forward below; the server's clock is real
    extensions = []
    page.on("request", lambda request: request.url.endswith("/session/prolonger/") and extensions.append(request))
    relative_login(walk)
    registration = registered_permit()
    page.goto(f"/mon-espace/virements/nouveau/{registration.pk}/")
    amount = page.get_by_label(re.compile("Montant du virement"))
    amount.fill("42,50")
    dialog = page.get_by_role("alertdialog", name=WARNING)
    expect(dialog).to_be_hidden()

    page.clock.run_for("27:00")  # 27 minutes without a request: no warning yet
    expect(dialog).to_be_hidden()
    page.clock.run_for("01:05")  # less than two minutes left
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(re.compile(r"votre session prendra fin à \d\d:\d\d\."))
    expect(page.get_by_role("button", name="Prolonger ma session")).to_be_focused()
    walk.visit("dialogue-ouvert")
    for _ in range(4):  # the focus stays in the dialog
        page.keyboard.press("Tab")
        assert inside_dialog(page)
    page.keyboard.press("Shift+Tab")
    assert inside_dialog(page)

    with page.expect_response(re.compile(r"/session/prolonger/$")) as extension:
        page.get_by_role("button", name="Prolonger ma session").click()
    assert extension.value.status == 200
    assert extension.value.json()["seconds_left"] > 25 * 60
    expect(dialog).to_be_hidden()
    expect(amount).to_have_value("42,50")  # the page was not reloaded
    page.wait_for_load_state("networkidle")
    # One extension per click: closing the dialog (its "close" event comes later) must not ask again, or a
    # late answer would put the next warning off.
    assert len(extensions) == 1, [request.url for request in extensions]

    page.clock.run_for("28:30")  # the warning again, 28 minutes after the extension: Escape keeps the session
    expect(dialog).to_be_visible()
    with page.expect_response(re.compile(r"/session/prolonger/$")) as extension:
        page.keyboard.press("Escape")
    assert extension.value.status == 200
    expect(dialog).to_be_hidden()
    expect(amount).to_have_value("42,50")

    page.get_by_role("button", name="Réaliser le virement").click()  # the session is still there
    expect(page.get_by_role("heading", name="Sélectionnez votre banque")).to_be_visible()
    assert walk.violations == {}, walk.report()
    assert walk.console_errors == [], walk.console_errors


def staff_session_warning(walker):
    """The back office's staff get the same warning before their idle limit."""
    walk = walker("session-gestion", DESKTOP)
    page = walk.page
    page.clock.install()
    staff_login(walk, "greffe")
    page.goto("/gestion/")
    dialog = page.get_by_role("alertdialog", name=WARNING)
    page.clock.run_for("28:05")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("button", name="Prolonger ma session")).to_be_focused()
    walk.visit("gestion-dialogue-ouvert")
    with page.expect_response(re.compile(r"/session/prolonger/$")) as extension:
        page.get_by_role("button", name="Prolonger ma session").click()
    assert extension.value.status == 200
    expect(dialog).to_be_hidden()
    assert walk.violations == {}, walk.report()


def search_and_site_map(walker, name, viewport):
    walk = walker(name, viewport)
    page = walk.page
    page.goto("/contact/")
    if viewport is PHONE:  # on a phone the search is behind the header's "Rechercher" button
        page.locator("#button-search").click()
    search = page.get_by_role("search").get_by_label("Rechercher sur le site")
    expect(search).to_be_visible()
    walk.visit("recherche-ouverte")
    search.fill("pécule")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q="))
    expect(page.get_by_role("status")).to_contain_text("pour « pécule »")
    walk.visit("resultats")

    page.get_by_role("contentinfo").get_by_role("link", name="Plan du site").click()
    expect(page.get_by_role("heading", name="Plan du site", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="L'alimentation du pécule", exact=True)).to_be_visible()
    walk.visit("plan-du-site")
    assert walk.violations == {}, walk.report()
