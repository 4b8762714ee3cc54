"""Issue 18's "done when", in chromium: Angela DUBOIS opens the portal in French, switches to English with the
header's language selector, logs in with FranceConnect, sends money through the sandbox bank and books a parloir
visit — the pages and her e-mails in English (`€50.00`); then she switches to Arabic (`<html lang="ar" dir="rtl">`,
the selector says "AR"), sends money and books another visit — the pages and her e-mails in Arabic, amounts with
Western digits, the reference and the amount left to right. On a desktop (1280 px) and on a 360-px phone (a shorter
path: Arabic through the burger menu, Mon espace, the amount page, the history, the visits), every page
screenshotted (to check the right-to-left layout by eye) and checked by axe-core (WCAG 2.1 A/AA).

Every label is read from the catalogs (``tr``): the walk follows the translations, not a copy of them. The e-mails
are read from ``mail.outbox`` when the live server runs in this process; the production-shaped stack sends them
from its own processes (console backend), where this test does not read them."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Relative
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible
from tests.e2e.relatives import ANGELA, registered_permit
from transfers.constants import TransferStatus as S
from transfers.models import Transfer
from transfers.references import format_reference
from visits.constants import VisitStatus
from visits.models import Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERMIT = "PV-2026-000123"
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
# An amount of 50 euros, however the language writes it, with Western digits (and maybe Unicode isolates).
FIFTY = re.compile(r"50[.,]00")


def tr(language: str, msgid: str) -> str:
    """``msgid`` (the French source text) as the catalog of ``language`` writes it."""
    with translation.override(language):
        return translation.gettext(msgid)


def exactly(language: str, msgid: str) -> re.Pattern:
    """A name that is exactly the translation (spaces around it aside)."""
    return re.compile(rf"^\s*{re.escape(tr(language, msgid))}\s*$")


def is_phone(walk) -> bool:
    return walk.page.viewport_size["width"] < 992  # the DSFR's "lg" breakpoint: the header's tools in the menu


def no_sideways_scroll(walk, label: str) -> None:
    width = walk.page.viewport_size["width"]
    scroll = walk.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{label} : la page déborde ({scroll} px pour un écran de {width} px)"


def page_checked(walk, label: str) -> None:
    walk.visit(label)
    no_sideways_scroll(walk, label)


def html_speaks(walk, language: str) -> None:
    """``<html lang="…" dir="…">`` of the page: its language, right to left for Arabic."""
    html = walk.page.locator("html")
    expect(html).to_have_attribute("lang", language)
    if language == "ar":
        expect(html).to_have_attribute("dir", "rtl")
    else:  # left to right: said, or the default (French pages unchanged)
        assert html.get_attribute("dir") in (None, "ltr"), html.get_attribute("dir")


def choose_language(walk, language: str) -> None:
    """The header's language selector (DSFR "Sélecteur de langue"): on a phone, in the burger menu first; its
    button opens the menu, the language's button sends the form; back on the same page in that language."""
    page = walk.page
    before = re.sub(r"^https?://[^/]+(/(en|ar)(?=/))?", "", page.url)
    if is_phone(walk):
        page.locator("#fr-btn-menu-mobile").click()
    page.locator("button.fr-translate__btn:visible").first.click()
    choice = page.locator(f"button.fr-translate__language[value='{language}']:visible").first
    expect(choice).to_have_attribute("lang", language)
    choice.click()
    prefix = "" if language == "fr" else f"/{language}"
    expect(page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(prefix + before)}$"))
    html_speaks(walk, language)
    # The selector's button says which language the page speaks: "AR" (its first letters), on a phone too.
    expect(page.locator("button.fr-translate__btn").first).to_contain_text(language.upper())


def franceconnect_login(walk, language: str) -> None:
    """From the home page in ``language``: FranceConnect's stand-in (in French, as FranceConnect itself), then
    back on "Mon espace" in ``language`` (the session's language follows the return)."""
    page = walk.page
    # Said before leaving: FranceConnect speaks French only.
    expect(page.locator("#franceconnect-langue")).to_have_text(tr(
        language, "FranceConnect s'affiche en français. Vous retrouverez le portail dans votre langue à votre retour."))
    page.get_by_role("button", name=re.compile(re.escape(tr(language, "S’identifier avec")))).click()
    expect(page).to_have_url(re.compile(r"/sandbox/franceconnect/authorize"))
    page_checked(walk, "franceconnect")
    page.get_by_role("button", name=f"Se connecter en tant que {ANGELA}").click()
    expect(page).to_have_url(re.compile(rf"/{language}/mon-espace/$"))
    html_speaks(walk, language)
    welcome = tr(language, "Bonjour %(name)s, vous êtes connecté(e).") % {"name": "Angela Claire Louise"}
    expect(page.get_by_text(welcome)).to_be_visible()


def sends_money(walk, language: str, amount: str, prefix: str) -> Transfer:
    """From "Mon espace" in ``language``: the amount, the bank list, the sandbox bank's login and consent (in
    French: the bank's own pages), then the confirmation page in ``language``."""
    page = walk.page
    page.goto(f"/{language}/mon-espace/")
    # In the page's content: the menu may hold a guide of the same name (the Arabic guide's title, say).
    page.get_by_role("main").get_by_role("link", name=exactly(language, "Faire un virement")).first.click()
    page.get_by_role("main").get_by_role("link", name=exactly(language, "Alimenter le pécule")).first.click()
    page.get_by_label(re.compile(re.escape(tr(language, "Montant du virement (en euros)")))).fill(amount)
    html_speaks(walk, language)
    page_checked(walk, f"{prefix}-montant")
    page.get_by_role("button", name=exactly(language, "Réaliser le virement")).click()
    expect(page.get_by_role("heading", name=tr(language, "Sélectionnez votre banque"))).to_be_visible()
    html_speaks(walk, language)
    # Said before leaving: the bank's pages speak the bank's language.
    expect(page.locator("#banque-langue")).to_contain_text(tr(
        language, "Le site de votre banque s'affiche dans sa langue. Vous retrouverez le portail dans votre langue à "
                  "votre retour."))
    page_checked(walk, f"{prefix}-banques")

    page.get_by_role("button", name="Banque de Démonstration").click()
    page.wait_for_url(re.compile(r"/sandbox/banque/(connexion|virement)/"))
    if "/connexion/" in page.url:  # the second time, the bank remembers her login
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill("demo")
        page_checked(walk, f"{prefix}-banque-connexion")
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    page_checked(walk, f"{prefix}-banque-confirmer")
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("heading", name=tr(language, "Votre virement a été pris en compte"))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/{language}/mon-espace/virements/[^/]+/retour/"))
    html_speaks(walk, language)
    transfer = Transfer.objects.filter(permit__number=PERMIT).latest("pk")
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal(amount), (transfer.status, transfer.amount)
    expect(page.locator(".portail-reference")).to_have_text(format_reference(transfer.reference))
    page_checked(walk, f"{prefix}-virement-pris-en-compte")
    return transfer


def books_a_visit(walk, language: str, prefix: str) -> Visit:
    """From the permit card of "Mon espace" in ``language``: the first free session, who comes, booked."""
    page = walk.page
    page.goto(f"/{language}/mon-espace/")
    card = page.locator(".portail-permit-card").filter(has_text=PERMIT)
    card.get_by_role("link", name=exactly(language, "Prendre un rendez-vous parloir")).click()
    expect(page.get_by_role("heading", name=tr(language, "Prendre un rendez-vous parloir"), level=1)).to_be_visible()
    html_speaks(walk, language)
    page_checked(walk, f"{prefix}-creneaux")
    choose = re.compile(re.escape(tr(language, "Choisir ce créneau")))
    page.get_by_role("link", name=choose).or_(page.get_by_role("button", name=choose)).first.click()
    confirm = page.get_by_role("button", name=exactly(language, "Confirmer le rendez-vous"))
    expect(confirm).to_be_visible()
    page_checked(walk, f"{prefix}-qui-vient")
    confirm.click()
    expect(page.get_by_role("heading", name=tr(language, "Votre rendez-vous parloir est réservé"))).to_be_visible()
    html_speaks(walk, language)
    page_checked(walk, f"{prefix}-rendez-vous-reserve")
    visit = Visit.objects.filter(permit__number=PERMIT).latest("pk")
    assert visit.status == VisitStatus.BOOKED
    return visit


def reads_left_to_right(walk, locator, label: str) -> None:
    """A value the reader reads left to right (reference, amount, IBAN) inside a right-to-left page: in an
    element whose computed direction is ``ltr``, inside a ``<bdi>``, or wrapped in Unicode isolates (LRI…PDI)."""
    how = locator.evaluate(
        "(e) => { if (e.closest('bdi')) return 'bdi';"
        " if (getComputedStyle(e).direction === 'ltr') return 'ltr';"
        " if (/\\u2066[^\\u2069]*\\u2069/.test(e.textContent)) return 'isolate';"
        " return 'rtl: ' + e.outerHTML.slice(0, 200); }"
    )
    assert how in ("bdi", "ltr", "isolate"), f"{label} ({walk.page.url}) lu de droite à gauche : {how}"


def mail_to_angela(subject: str, *, after: int) -> mail.EmailMessage:
    """The e-mail with ``subject`` sent to Angela after the first ``after`` ones (the receipt is sent on the bank's
    return, the booking's confirmation on the booking: in this process, right away or by an eager task)."""
    deadline = time.monotonic() + 10
    while True:
        found = [m for m in mail.outbox[after:] if m.subject == subject]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found, f"pas d'e-mail « {subject} » ; reçus : {[m.subject for m in mail.outbox[after:]]}"
    assert found[-1].to == ["angela.dubois@example.fr"], found[-1].to
    return found[-1]


def receipt_mail(language: str, transfer: Transfer, *, after: int) -> str:
    message = mail_to_angela(tr(language, "Votre virement %(ref)s a été pris en compte") % {"ref": transfer.reference},
                             after=after)
    body = message.body
    assert tr(language, "Le justificatif de ce virement est joint à ce message (PDF).") in body, body
    assert tr(language, "Ce message est envoyé automatiquement, merci de ne pas y répondre.") in body, body
    assert f"/{language}/mon-espace/virements/{transfer.reference}/" in body, body  # the link in her language
    assert not ARABIC_INDIC_DIGITS.search(body), body
    return body


def booking_mail(language: str, *, after: int) -> str:
    message = mail_to_angela(tr(language, "Votre rendez-vous parloir est réservé"), after=after)
    body = message.body
    assert tr(language, "Votre rendez-vous parloir est réservé.") in body, body
    assert tr(language, "Le rendez-vous est joint à ce message : ouvrez le fichier .ics pour l'ajouter à votre "
                        "agenda.") in body, body
    assert not ARABIC_INDIC_DIGITS.search(body), body
    return body


@pytest.mark.timeout(900)
def test_angela_in_english_then_arabic_on_a_desktop_and_a_phone(walker, portal):
    """The issue's done-when: one portal for the desktop walk (English then Arabic) and the phone walk."""
    reads_mail = not portal.is_stack
    desktop = walker("langues-bureau", DESKTOP)
    page = desktop.page

    # French, the default: the home page unprefixed.
    page.goto("/")
    html_speaks(desktop, "fr")
    expect(page.locator("button.fr-translate__btn").first).to_contain_text("FR")
    expect(page.locator("#franceconnect-langue")).to_have_count(0)  # French pages say nothing of it
    page_checked(desktop, "fr-accueil")

    # English: the selector, then FranceConnect (in French) and back on "Mon espace" in English.
    choose_language(desktop, "en")
    expect(page).to_have_url(re.compile(r"/en/$"))
    page_checked(desktop, "en-accueil")
    franceconnect_login(desktop, "en")
    registered_permit("DUBOIS", PERMIT)  # her permit on her space (the flyer walk covers that page)
    page.reload()
    expect(page.locator(".portail-permit-card").filter(has_text=PERMIT)).to_be_visible()
    page_checked(desktop, "en-mon-espace")
    angela = Relative.objects.get(family_name="DUBOIS")
    assert angela.language == "en", angela.language  # the session's language went into her profile at login

    sent = len(mail.outbox)
    transfer = sends_money(desktop, "en", "50", "en")
    expect(page.get_by_text("€50.00").first).to_be_visible()  # English amounts: the euro sign first, a point
    if reads_mail:
        body = receipt_mail("en", transfer, after=sent)
        assert "€50.00" in body, body
    sent = len(mail.outbox)
    books_a_visit(desktop, "en", "en")
    if reads_mail:
        booking_mail("en", after=sent)

    # Arabic: the selector on the booked visit's page, right to left.
    choose_language(desktop, "ar")
    page_checked(desktop, "ar-rendez-vous-reserve")
    angela.refresh_from_db()
    assert angela.language == "ar", angela.language  # the selector keeps her choice in her profile

    sent = len(mail.outbox)
    transfer = sends_money(desktop, "ar", "50", "ar")
    reads_left_to_right(desktop, page.locator(".portail-reference"), "la référence")
    amount = page.get_by_role("main").get_by_text(FIFTY).first
    expect(amount).to_be_visible()
    assert not ARABIC_INDIC_DIGITS.search(amount.inner_text()), amount.inner_text()
    reads_left_to_right(desktop, amount, "le montant")
    if reads_mail:
        body = receipt_mail("ar", transfer, after=sent)
        assert FIFTY.search(body), body  # the amount with Western digits
        assert "€50.00" not in body, body
    sent = len(mail.outbox)
    books_a_visit(desktop, "ar", "ar")
    if reads_mail:
        booking_mail("ar", after=sent)

    # The history in Arabic: both transfers, their references left to right.
    page.goto("/ar/mon-espace/virements/historique/")
    expect(page.get_by_role("heading", name=tr("ar", "Historique de vos virements"), level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=transfer.reference)
    expect(row).to_be_visible()
    reads_left_to_right(desktop, row.get_by_text(transfer.reference).first, "la référence dans l'historique")
    page_checked(desktop, "ar-historique")
    page.goto("/ar/mon-espace/rendez-vous/")
    expect(page.get_by_role("heading", name=tr("ar", "Rendez-vous à venir"))).to_be_visible()
    page_checked(desktop, "ar-mes-rendez-vous")
    assert Transfer.objects.filter(permit__number=PERMIT, status=S.EXECUTED).count() == 2
    assert Visit.objects.filter(permit__number=PERMIT, status=VisitStatus.BOOKED).count() == 2
    assert_accessible(desktop)

    # A 360-px phone: the selector in the burger menu, then Angela's pages in Arabic.
    phone = walker("langues-telephone", PHONE)
    page = phone.page
    page.goto("/")
    page_checked(phone, "fr-accueil")
    choose_language(phone, "ar")
    expect(page).to_have_url(re.compile(r"/ar/$"))
    page_checked(phone, "ar-accueil")
    franceconnect_login(phone, "ar")
    page_checked(phone, "ar-mon-espace")
    page.get_by_role("main").get_by_role("link", name=exactly("ar", "Faire un virement")).first.click()
    page.get_by_role("main").get_by_role("link", name=exactly("ar", "Alimenter le pécule")).first.click()
    expect(page.get_by_label(re.compile(re.escape(tr("ar", "Montant du virement (en euros)"))))).to_be_visible()
    html_speaks(phone, "ar")
    page_checked(phone, "ar-montant")
    page.goto("/ar/mon-espace/virements/historique/")
    expect(page.get_by_role("heading", name=tr("ar", "Historique de vos virements"), level=1)).to_be_visible()
    reads_left_to_right(phone, page.get_by_text(transfer.reference).first, "la référence dans l'historique")
    page_checked(phone, "ar-historique")
    page.goto("/ar/mon-espace/rendez-vous/")
    expect(page.get_by_role("heading", name=tr("ar", "Rendez-vous à venir"))).to_be_visible()
    page_checked(phone, "ar-mes-rendez-vous")
    assert_accessible(phone)
