"""The parloir in chromium, on a desktop and on a 360-px phone, every page screenshotted and checked by axe-core
(WCAG 2.1 A/AA): Angela DUBOIS books the first free parloir session for MARTIN Jean from her permit card, sees it in
"Mes rendez-vous", downloads its .ics and cancels it; booked again, the visit office (`parloirs`) sees the day's
list, prints it and cancels the session: Angela's "Mes rendez-vous" says the establishment cancelled it, and why."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, staff_login
from tests.e2e.relatives import registered_permit, relative_login
from visits.constants import VisitStatus
from visits.models import Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANGELA = ("Angela Claire Louise DUBOIS", "DUBOIS", "PV-2026-000123")


def no_sideways_scroll(walk, label: str) -> None:
    width = walk.page.viewport_size["width"]
    scroll = walk.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{label} : la page déborde ({scroll} px pour un écran de {width} px)"


def assert_clean(walk) -> None:
    assert walk.checked, "axe-core n'a contrôlé aucune page"
    assert not walk.violations, f"{walk.name} — violations WCAG 2.1 AA :\n{walk.report()}"
    assert not walk.broken, walk.broken
    assert not walk.console_errors, walk.console_errors


def page_checked(walk, label: str) -> None:
    walk.visit(label)
    no_sideways_scroll(walk, label)


def book_first_free_session(walk, prefix: str) -> Visit:
    """From the Accueil tab's permit card to "Votre rendez-vous parloir est réservé"."""
    page = walk.page
    page.goto("/mon-espace/")
    card = page.locator(".portail-permit-card").filter(has_text="PV-2026-000123")
    card.get_by_role("link", name="Prendre un rendez-vous parloir", exact=True).click()
    expect(page.get_by_role("heading", name="Prendre un rendez-vous parloir", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ places? restantes?")).first).to_be_visible()
    page_checked(walk, f"{prefix}-creneaux")

    page.get_by_role("link", name=re.compile("Choisir ce créneau")).or_(
        page.get_by_role("button", name=re.compile("Choisir ce créneau"))).first.click()
    expect(page.get_by_role("button", name="Confirmer le rendez-vous")).to_be_visible()
    page_checked(walk, f"{prefix}-qui-vient")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    expect(page.get_by_role("heading", name="Votre rendez-vous parloir est réservé")).to_be_visible()
    expect(page.get_by_text("Centre pénitentiaire de Démonstration").first).to_be_visible()
    page_checked(walk, f"{prefix}-reserve")
    visit = Visit.objects.filter(permit__number="PV-2026-000123").latest("pk")
    assert visit.status == VisitStatus.BOOKED
    return visit


def download_ics(walk, visit: Visit) -> None:
    page = walk.page
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\.ics|agenda")).first.click()
    with open(download.value.path(), "rb") as ics:
        body = ics.read()
    assert body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in body
    assert str(visit.reference).encode() in body


def cancel_from_my_visits(walk, visit: Visit, prefix: str) -> None:
    page = walk.page
    page.get_by_role("link", name="Mes rendez-vous").first.click()
    expect(page.get_by_role("heading", name="Rendez-vous à venir")).to_be_visible()
    page_checked(walk, f"{prefix}-mes-rendez-vous")
    page.get_by_role("link", name=re.compile("Annuler le rendez-vous")).first.click()
    expect(page.get_by_role("button", name="Oui, annuler le rendez-vous")).to_be_visible()
    page_checked(walk, f"{prefix}-annulation")
    page.get_by_role("button", name="Oui, annuler le rendez-vous").click()
    expect(page.get_by_text(re.compile("Votre rendez-vous a été annulé")).first).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_RELATIVE


@pytest.mark.timeout(900)
def test_angela_books_and_cancels_then_the_visit_office_cancels_the_session(walker):
    desktop = walker("parloir-bureau", DESKTOP)
    relative_login(desktop, ANGELA[0])
    registered_permit(ANGELA[1], ANGELA[2])
    visit = book_first_free_session(desktop, "bureau")
    download_ics(desktop, visit)
    cancel_from_my_visits(desktop, visit, "bureau")
    assert_clean(desktop)

    phone = walker("parloir-telephone", PHONE)
    relative_login(phone, ANGELA[0])
    visit = book_first_free_session(phone, "telephone")
    phone.page.get_by_role("link", name="Mes rendez-vous").first.click()
    expect(phone.page.get_by_text(re.compile("Annuler le rendez-vous")).first).to_be_visible()
    page_checked(phone, "telephone-mes-rendez-vous")
    assert_clean(phone)

    # The visit office: the day's list of that session, printed, then the session cancelled.
    office = walker("parloir-agent", DESKTOP)
    staff_login(office, "parloirs")
    page = office.page
    day = timezone.localtime(visit.session.starts_at).strftime("%d/%m/%Y")
    page.goto(f"/gestion/parloirs/?jour={day}")
    expect(page.get_by_text("MARTIN").first).to_be_visible()
    expect(page.get_by_text("DUBOIS").first).to_be_visible()
    office.visit("agent-planning")
    page.get_by_role("link", name=re.compile("Imprimer")).first.click()
    expect(page.get_by_text("MARTIN").first).to_be_visible()
    office.visit("agent-impression")
    page.go_back()
    # The link of the booked session, named by its area and time: the day's first session may be one that could no
    # longer be booked (the booking delay), which the walk must not cancel instead.
    start = timezone.localtime(visit.session.starts_at).strftime("%H:%M")
    page.get_by_role("link", name=f"Annuler le créneau {visit.session.area.name} {start}").click()
    page.get_by_label(re.compile("Motif")).fill("Manque de personnel")
    office.visit("agent-annuler-creneau")
    page.get_by_role("button", name=re.compile("Annuler le créneau")).click()
    expect(page.get_by_text(re.compile(r"1 (proche|visiteur|rendez-vous)")).first).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT

    # Pierre DUPONT calls: the office books for him (the same rules), then MARTIN Jean's visits are suspended for a
    # hearing, which cancels that booking.
    page.goto("/gestion/parloirs/reserver/")
    page.get_by_label("Numéro du permis de visite").fill("PV-2026-000124")
    page.get_by_role("button", name="Rechercher le permis").click()
    expect(page.get_by_text("DUPONT Pierre").first).to_be_visible()
    office.visit("agent-reserver")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    by_phone = Visit.objects.filter(permit__number="PV-2026-000124").latest("pk")
    assert by_phone.status == VisitStatus.BOOKED and by_phone.channel == "phone"
    office.visit("agent-reserve")

    page.goto("/gestion/parloirs/suspendre/")
    page.get_by_label("Numéro d'écrou").fill("123456")
    page.locator("#id_start_date").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("#id_end_date").fill(timezone.localtime(by_phone.session.starts_at).strftime("%d/%m/%Y"))
    page.get_by_label(re.compile("Motif")).fill("Audience au tribunal")
    office.visit("agent-suspendre")
    page.get_by_role("button", name="Suspendre les parloirs").click()
    expect(page.get_by_text(re.compile(r"1 rendez-vous")).first).to_be_visible()
    by_phone.refresh_from_db()
    assert by_phone.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT
    assert_clean(office)

    # Angela sees it, with the reason.
    phone.page.goto("/mon-espace/rendez-vous/")
    expect(phone.page.get_by_text("Manque de personnel").first).to_be_visible()
    page_checked(phone, "telephone-annule-par-etablissement")
    assert_clean(phone)
