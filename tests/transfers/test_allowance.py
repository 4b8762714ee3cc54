"""What a relative can really send now, and why: the "Pécule" card and the amount page say the same,
from one selector (transfers.caps.Allowance): the per-transfer cap, what is left this month for the
detainee (all senders) and for this relative, never below zero."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from tests.permits.factories import VisitPermitFactory
from transfers import caps
from transfers.constants import TransferStatus

from .factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
NNBSP = "\u202f"  # before « ; »


def logged_in(registration) -> Client:
    client = Client()
    client.force_login(registration.relative.user)
    return client


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def card(registration) -> str:
    page = text(logged_in(registration).get(reverse("transfers:pecule")))
    start = page.index(f'id="permis-{registration.pk}"')
    return page[start:page.index("</div> </div> </div>", start)]


def amount_page(registration) -> str:
    return text(logged_in(registration).get(reverse("transfers:amount", args=[registration.pk])))


def next_month_label() -> str:
    start = caps.month_bounds()[1]
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    label = f"1er {months[start.month - 1]}"
    return label if start.month != 1 else f"{label} {start.year}"


def sent(registration_or_permit, amount, *, relative=None, status=TransferStatus.EXECUTED, **extra):
    """A transfer that already went (``relative`` sending on ``permit``)."""
    permit = getattr(registration_or_permit, "permit", registration_or_permit)
    relative = relative or registration_or_permit.relative
    return TransferFactory(relative=relative, permit=permit, amount=Decimal(amount), status=status, **extra)


def other_sender(registration):
    return RegisteredPermitFactory(permit__detainee=registration.permit.detainee)


def test_a_fresh_month_offers_the_per_transfer_cap_and_says_what_is_left_on_the_month():
    reg = RegisteredPermitFactory()  # caps: 1 € min, 200 € per transfer, 400 € per detainee, 300 € per sender
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>200,00{NBSP}€</strong>" in shown
    reason = (f"Vous pouvez envoyer jusqu'à 200,00{NBSP}€ en un virement (plafond par virement){NNBSP}; "
              f"il reste 300,00{NBSP}€ sur votre plafond du mois.")
    assert reason in shown
    assert "Alimenter le pécule" in shown
    assert reason in amount_page(reg)  # the amount page says the same
    assert "Reste possible ce mois-ci" not in shown


def test_partly_used_by_this_relative_offers_what_is_left_of_their_monthly_cap():
    reg = RegisteredPermitFactory()
    sent(reg, "150")
    sent(reg, "100", status=TransferStatus.REJECTED)  # refused by the bank: does not count
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>150,00{NBSP}€</strong>" in shown
    reason = (f"Vous pouvez envoyer jusqu'à 150,00{NBSP}€{NBSP}: c'est ce qu'il vous reste ce mois-ci sur votre "
              f"plafond de 300,00{NBSP}€ par mois.")
    assert reason in shown and reason in amount_page(reg)


def test_what_other_senders_sent_to_the_detainee_is_counted():
    reg = RegisteredPermitFactory()
    sent(other_sender(reg), "200")
    sent(other_sender(reg), "150")
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>50,00{NBSP}€</strong>" in shown
    assert (f"Vous pouvez envoyer jusqu'à 50,00{NBSP}€{NBSP}: c'est ce qu'il reste ce mois-ci sur le plafond de "
            f"400,00{NBSP}€ par mois de cette personne détenue, tous expéditeurs confondus.") in shown


def test_the_per_transfer_cap_names_the_smaller_monthly_remainder():
    reg = RegisteredPermitFactory()
    sent(other_sender(reg), "150")  # 250 € left for the detainee, 300 € for this relative
    assert (f"Vous pouvez envoyer jusqu'à 200,00{NBSP}€ en un virement (plafond par virement){NNBSP}; il reste "
            f"250,00{NBSP}€ ce mois-ci sur le plafond de cette personne détenue.") in card(reg)


def test_the_detainee_cap_reached_by_others_shows_zero_the_next_date_and_no_button():
    reg = RegisteredPermitFactory()
    sent(other_sender(reg), "200")
    sent(other_sender(reg), "200")
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>0,00{NBSP}€</strong>" in shown
    reason = (f"Le plafond du mois pour cette personne détenue est atteint (400,00{NBSP}€ par mois, tous "
              f"expéditeurs confondus){NBSP}: prochain virement possible le {next_month_label()}.")
    assert reason in shown
    assert "Alimenter le pécule" not in shown
    assert reason in amount_page(reg)


def test_the_senders_cap_reached_on_another_detainee_of_the_establishment():
    reg = RegisteredPermitFactory()
    elsewhere = VisitPermitFactory(detainee__establishment=reg.permit.detainee.establishment)
    sent(elsewhere, "200", relative=reg.relative)
    sent(elsewhere, "100", relative=reg.relative)
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>0,00{NBSP}€</strong>" in shown
    assert (f"Votre plafond du mois est atteint (300,00{NBSP}€ par mois et par expéditeur){NBSP}: prochain "
            f"virement possible le {next_month_label()}.") in shown
    assert "Alimenter le pécule" not in shown


def test_less_than_the_minimum_left_is_nothing_to_send():
    reg = RegisteredPermitFactory()
    sent(reg, "299.50")
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>0,00{NBSP}€</strong>" in shown
    assert "Votre plafond du mois est atteint" in shown and "Alimenter le pécule" not in shown


def test_last_months_transfers_leave_this_month_whole():
    reg = RegisteredPermitFactory()
    last_month = caps.month_bounds()[0] - datetime.timedelta(days=3)
    sent(reg, "200", initiated_at=last_month)
    sent(other_sender(reg), "200", initiated_at=last_month)
    assert f"Montant possible maintenant{NBSP}: <strong>200,00{NBSP}€</strong>" in card(reg)


def test_without_caps_nothing_is_said_to_limit(settings):
    reg = RegisteredPermitFactory(permit__detainee__establishment__min_amount=None,
                                  permit__detainee__establishment__max_per_transfer=None,
                                  permit__detainee__establishment__max_per_detainee_month=None,
                                  permit__detainee__establishment__max_per_sender_month=None)
    shown = card(reg)
    assert f"Montant possible maintenant{NBSP}: <strong>pas de plafond</strong>" in shown
    assert "Aucun plafond ne limite vos virements pour le moment." in shown


@pytest.mark.parametrize(
    ("at", "expected"),
    [(datetime.datetime(2026, 11, 15, 12, tzinfo=PARIS), "1er décembre"),
     (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=PARIS), "1er janvier 2027")],
)
def test_the_next_possible_date_is_the_first_of_next_month_in_paris(at, expected):
    reg = RegisteredPermitFactory()
    sent(other_sender(reg), "200", initiated_at=at)
    sent(other_sender(reg), "200", initiated_at=at)
    current = caps.allowance(relative=reg.relative, detainee=reg.permit.detainee, at=at)
    assert current.max_now == Decimal("0.00") and not current.can_send_now
    assert current.explanation.endswith(f"prochain virement possible le {expected}.")


def test_the_selected_card_is_not_labelled_selected():
    reg = RegisteredPermitFactory()
    page = text(logged_in(reg).get(reverse("transfers:pecule"), {"permis": reg.pk}))
    assert "sélectionné" not in page
    assert f'portail-selected" id="permis-{reg.pk}"' in page


def test_the_cards_sentences_never_wrap_before_a_colon_or_a_semicolon():
    """« ; » and « : » stay on the line of the word before them (a no-break space), on the card and in
    every explanation the selector builds."""
    reg = RegisteredPermitFactory()
    sent(other_sender(reg), "150")
    shown = card(reg)
    assert f"plafond par virement){NNBSP}; il reste" in shown
    assert not re.search(r"[^\u00a0\u202f][;:] ", re.sub(r"<[^>]+>", "", shown).replace("https:", ""))
    sent(other_sender(reg), "250")
    assert f"){NBSP}: prochain virement possible" in card(reg)
