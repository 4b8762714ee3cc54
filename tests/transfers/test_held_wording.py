"""A transfer held by a money-flow rule, as its relative reads it: « En cours de vérification par
l'établissement » on every page, the PDF and the e-mail; no date of crediting promised while the
establishment checks it; never the name of the rule that held it."""

from __future__ import annotations

import datetime
import html
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from monitoring.constants import RULE_DEFAULTS, RuleCode
from tests.establishments.factories import BankFactory
from transfers import services
from transfers.constants import STAFF_HELD_LABEL
from transfers.models import Transfer

from .factories import RegisteredPermitFactory

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
FRIDAY = datetime.datetime(2026, 11, 27, 18, 30, tzinfo=PARIS)
HELD = "En cours de vérification par l'établissement"
CHECK_FIRST = "L'établissement le vérifie avant de le verser sur le pécule"
pytestmark = pytest.mark.django_db


def logged_in(relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode())).replace(NBSP, " ")


def words(response) -> str:
    """The page's text without its tags, as a screen reader reads it in order."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).replace(NBSP, " ")


def assert_no_rule_named(page: str) -> None:
    """Neither a rule's label, nor its explanation's start, nor the staff's word for a hold."""
    for code in RuleCode:
        assert str(code.label) not in page, code
        assert str(RULE_DEFAULTS[code].explanation)[:40] not in page, code
    assert str(STAFF_HELD_LABEL) not in page and "surveillance" not in page.lower()


def held_transfer(django_capture_on_commit_callbacks) -> Transfer:
    """Paid as the portal moves it, held at its reservation (as the screening does) before the bank
    accepted it on Friday 27 November 2026 at 18:30 (Paris); the e-mail receipt sent then."""
    registration = RegisteredPermitFactory(
        permit__detainee__first_name="Luc", permit__detainee__family_name="Bernard",
        permit__detainee__establishment__max_per_transfer=None,
        permit__detainee__establishment__max_per_detainee_month=None,
        permit__detainee__establishment__max_per_sender_month=None,
    )
    bank = BankFactory(name="Banque Solidaire")
    with freeze_time(FRIDAY - datetime.timedelta(minutes=2)):
        transfer = services.create_draft(relative=registration.relative, permit=registration.permit,
                                         amount=Decimal("20"))
    with freeze_time(FRIDAY - datetime.timedelta(minutes=1)):
        services.reserve(transfer_id=transfer.pk, bank=bank)
        services.hold(transfer_id=transfer.pk, detail="test")
    with freeze_time(FRIDAY), django_capture_on_commit_callbacks(execute=True):
        services.apply_bank_status(transfer_id=transfer.pk, code="ACSC")
    transfer = Transfer.objects.select_related("relative", "detainee", "establishment", "bank").get(pk=transfer.pk)
    assert transfer.held and transfer.status == "executed"
    return transfer


def test_the_history_says_it_is_checked_on_a_desktop_and_a_phone(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    page = text(logged_in(transfer.relative).get(reverse("transfers:history")))
    # One table for both: on a phone each row is a card with its « Statut » label beside the value.
    assert f'aria-hidden="true">Statut</span>{HELD}<ol class="portail-row-steps" role="list">' in page
    # The row's steps: the bank's sending with its time (the status in words says the establishment checks it).
    assert "Envoyé par votre banque <time" in page
    assert "Exécuté par votre banque" not in page
    assert_no_rule_named(page)


def test_the_transfer_page_and_its_steps_say_it_is_checked_and_promise_no_date(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    page = words(logged_in(transfer.relative).get(reverse("transfers:detail", args=[transfer.reference])))
    assert CHECK_FIRST in page
    assert f"Statut {HELD}" in page
    assert "Versement sur le pécule après la vérification de l'établissement" in page
    assert "au plus tard" not in page and "devrait être versé" not in page
    steps = page[page.index("Étapes du virement"):]
    assert steps.index("Accepté par votre banque") < steps.index(HELD)
    assert_no_rule_named(page)


def test_the_confirmation_page_says_it_is_checked(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    page = words(logged_in(transfer.relative).get(reverse("transfers:done", args=[transfer.reference])))
    assert "Votre virement a été pris en compte" in page and CHECK_FIRST in page
    assert "L'établissement (" in page and "vérifie ce virement avant de le verser sur le pécule de Luc BERNARD" in page
    assert "au plus tard" not in page and "devrait être versé" not in page
    assert_no_rule_named(page)


def test_the_pdf_receipt_says_it_is_checked(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    response = logged_in(transfer.relative).get(reverse("transfers:receipt", args=[transfer.reference]))
    content = pdf_text(response.content)
    assert HELD in content and CHECK_FIRST in content
    assert "au plus tard" not in content
    assert_no_rule_named(content)


def test_the_receipt_email_and_its_pdf_say_it_is_checked(django_capture_on_commit_callbacks):
    held_transfer(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    body = email.body.replace(NBSP, " ")
    assert CHECK_FIRST in body and f"Statut : {HELD}" in body
    assert "au plus tard" not in body and "devrait être versé" not in body
    assert_no_rule_named(body)
    [(_filename, content, _mimetype)] = email.attachments
    assert HELD in pdf_text(content)
    assert_no_rule_named(pdf_text(content))


def test_once_released_the_steps_say_it_was_checked_and_the_date_comes_back(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    with freeze_time(datetime.datetime(2026, 11, 30, 9, 15, tzinfo=PARIS)):
        services.release(transfer_id=transfer.pk, detail="test")
    page = words(logged_in(transfer.relative).get(reverse("transfers:detail", args=[transfer.reference])))
    steps = page[page.index("Étapes du virement"):]
    assert steps.index(HELD) < steps.index("Vérifié par l'établissement")
    assert "Statut Exécuté" in page
    assert "au plus tard le" in page and CHECK_FIRST not in page
    assert_no_rule_named(page)


def test_a_transfer_held_then_credited_reads_credited(django_capture_on_commit_callbacks):
    transfer = held_transfer(django_capture_on_commit_callbacks)
    services.release(transfer_id=transfer.pk, detail="test")
    services.receive(transfer_id=transfer.pk)
    services.mark_credited(transfer_id=transfer.pk)
    page = text(logged_in(transfer.relative).get(reverse("transfers:history")))
    assert HELD not in page and "Versé sur le pécule" in page
