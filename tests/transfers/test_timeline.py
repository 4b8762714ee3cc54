"""The timeline a relative reads: each step of a transfer in plain words with its time, French style
(« Envoyé par votre banque à 9 h 12 »), on the confirmation page, on each transfer of the history and on its page;
for an instant transfer, the next passage à la caisse instead of a date within days."""

from __future__ import annotations

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from tests.establishments.factories import EstablishmentFactory
from transfers import selectors, services
from transfers.constants import TransferStatus

from .factories import TransferFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
S = TransferStatus
HS = "\u00a0h\u00a0"
# Monday 30 November 2026, a business day.
MONDAY = datetime.date(2026, 11, 30)


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def page_of(relative, url: str) -> str:
    client = Client()
    client.force_login(relative.user)
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def steps_in(page: str) -> list[tuple[str, str, str]]:
    """Each step of the page's timeline: its words, its machine-readable time, its time in words."""
    timeline = page[page.index('<ol class="portail-steps">'):]
    timeline = timeline[:timeline.index("</ol>")]
    return re.findall(r'<li>(.*?) <time datetime="([^"]+)">(.*?)</time>', timeline)


def instant_credited_morning() -> tuple:
    """An instant transfer executed at 9:12, received at 9:13 and credited at 10:05 on Monday 30 November."""
    with freeze_time(at(MONDAY, 9, 12)):
        transfer = TransferFactory(status=S.EXECUTED, instant=True, executed_at=at(MONDAY, 9, 12))
    with freeze_time(at(MONDAY, 9, 13)):
        services.receive(transfer_id=transfer.pk)
    with freeze_time(at(MONDAY, 10, 5)):
        services.mark_credited(transfer_id=transfer.pk)
    return transfer


def test_times_are_written_the_french_way_with_the_day_when_not_today():
    today = MONDAY
    assert selectors.format_time(at(today, 9, 12)) == f"9{HS}12"
    assert selectors.format_time(at(today, 0, 5)) == f"0{HS}05"
    assert selectors.format_step_moment(at(today, 9, 12), today=today) == f"à 9{HS}12"
    assert selectors.format_step_moment(at(today - datetime.timedelta(days=1), 17, 40), today=today) == (
        f"hier à 17{HS}40"
    )
    assert selectors.format_step_moment(at(datetime.date(2026, 11, 28), 9, 12), today=today) == (
        f"le 28 novembre à 9{HS}12"
    )
    assert selectors.format_step_moment(at(datetime.date(2025, 12, 1), 8, 0), today=today) == (
        f"le 1er décembre 2025 à 8{HS}00"
    )
    # Stored in UTC, said in Paris time: 23:30 UTC on Sunday is 0 h 30 on Monday.
    utc = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    assert selectors.format_step_moment(utc, today=today) == f"à 0{HS}30"


def test_the_detail_page_shows_the_three_times_of_the_issue_in_an_ordered_list():
    transfer = instant_credited_morning()
    with freeze_time(at(MONDAY, 18, 0)):
        page = page_of(transfer.relative, reverse("transfers:detail", args=[transfer.reference]))
    steps = [(words, when) for words, _, when in steps_in(page)]
    assert steps == [
        ("Envoyé par votre banque", f"à 9{HS}12"),
        ("Reçu par l'établissement", f"à 9{HS}13"),
        ("Versé sur le compte de la personne détenue", f"à 10{HS}05"),
    ]
    machine = [moment for _, moment, _ in steps_in(page)]
    assert machine == ["2026-11-30T09:12:00+01:00", "2026-11-30T09:13:00+01:00", "2026-11-30T10:05:00+01:00"]
    # The next day, the same page says which day.
    with freeze_time(at(MONDAY + datetime.timedelta(days=1), 8, 0)):
        page = page_of(transfer.relative, reverse("transfers:detail", args=[transfer.reference]))
    assert steps_in(page)[-1][2] == f"hier à 10{HS}05"


def test_each_transfer_of_the_history_says_the_money_s_way_with_its_times():
    credited = instant_credited_morning()
    with freeze_time(at(MONDAY, 11, 0)):
        waiting = TransferFactory(relative=credited.relative, status=S.EXECUTED, executed_at=at(MONDAY, 11, 0))
    with freeze_time(at(MONDAY, 18, 0)):
        page = page_of(credited.relative, reverse("transfers:history"))
    rows = page.split('<tr role="row">')[1:]
    row_of = {ref: next(row for row in rows if ref in row) for ref in (credited.reference, waiting.reference)}
    assert re.search(r'Versé sur le compte de la personne détenue <time datetime="[^"]+">à 10\xa0h\xa005</time>',
                     row_of[credited.reference])
    # The money's way with its three times; not the steps before the bank sent it.
    assert re.search(r"Envoyé par votre banque <time[^>]+>à 9\xa0h\xa012</time>.*Reçu par l'établissement <time[^>]+>"
                     r"à 9\xa0h\xa013</time>.*Versé sur le compte", row_of[credited.reference], re.S)
    assert re.search(r'Envoyé par votre banque <time datetime="[^"]+">à 11\xa0h\xa000</time>',
                     row_of[waiting.reference])
    assert "Versé sur le pécule" in row_of[credited.reference]  # the status in words stays


def test_a_held_transfer_reads_that_the_establishment_checks_it_never_the_rule():
    with freeze_time(at(MONDAY, 9, 12)):
        transfer = TransferFactory(status=S.EXECUTED, executed_at=at(MONDAY, 9, 12))
    with freeze_time(at(MONDAY, 9, 13)):
        services.receive(transfer_id=transfer.pk)
        services.hold(transfer_id=transfer.pk, detail="R03 montant inhabituel")
    with freeze_time(at(MONDAY, 9, 30)):
        page = page_of(transfer.relative, reverse("transfers:detail", args=[transfer.reference]))
    words = [step[0] for step in steps_in(page)]
    assert words[-1] == "En cours de vérification par l'établissement"
    assert "R03" not in page and "inhabituel" not in page
    with freeze_time(at(MONDAY, 9, 40)):
        services.release(transfer_id=transfer.pk)
        page = page_of(transfer.relative, reverse("transfers:detail", args=[transfer.reference]))
    assert steps_in(page)[-1][0] == "Vérifié par l'établissement" and steps_in(page)[-1][2] == f"à 9{HS}40"


def test_a_refused_transfer_says_no_money_was_taken_after_its_time():
    with freeze_time(at(MONDAY, 9, 0)):
        transfer = TransferFactory(status=S.AWAITING_AUTHORIZATION)
    with freeze_time(at(MONDAY, 9, 2)):
        services.apply_bank_status(transfer_id=transfer.pk, code="RJCT")
        page = page_of(transfer.relative, reverse("transfers:detail", args=[transfer.reference]))
    assert re.search(r"Refusé par votre banque ou annulé <time [^>]+>à 9\xa0h\xa002</time>\xa0: aucune somme n'a "
                     r"été prélevée", page)


@pytest.mark.parametrize(("now", "expected"), [
    # Before a cut-off of a business day: that cut-off, the same day.
    (at(MONDAY, 9, 20), f"aujourd'hui, après le passage à la caisse de 10{HS}00"),
    (at(MONDAY, 12, 0), f"aujourd'hui, après le passage à la caisse de 14{HS}00"),
    # After the last one: the first of the next business day; a Friday evening: the Monday.
    (at(MONDAY, 17, 30), f"le mardi 1er décembre 2026, après le passage à la caisse de 10{HS}00"),
    (at(datetime.date(2026, 12, 4), 18, 0), f"le lundi 7 décembre 2026, après le passage à la caisse de 10{HS}00"),
])
def test_the_confirmation_page_of_an_instant_transfer_promises_the_next_passage_a_la_caisse(now, expected):
    with freeze_time(now):
        transfer = TransferFactory(status=S.EXECUTED, instant=True, authorized_at=now, executed_at=now)
        page = page_of(transfer.relative, reverse("transfers:done", args=[transfer.reference]))
    assert "Votre virement a été pris en compte" in page
    assert f"L'argent devrait être versé sur le pécule {expected}." in page
    assert "au plus tard" not in page
    assert "virement instantané" in page
    assert [step[0] for step in steps_in(page)] == ["Envoyé par votre banque"]


def test_the_establishments_own_cut_offs_decide_the_passage():
    now = at(MONDAY, 11, 0)
    with freeze_time(now):
        est = EstablishmentFactory(cashier_cutoffs=["09:30", "11:45"])
        transfer = TransferFactory(status=S.RECEIVED, instant=True, executed_at=now, received_at=now,
                                   permit__detainee__establishment=est)
        receipt = selectors.receipt_for(transfer)
        assert receipt.expected_text == f"aujourd'hui, après le passage à la caisse de 11{HS}45"
        assert receipt.expected_on == MONDAY


def test_a_transfer_not_instant_keeps_its_date_within_days():
    now = at(MONDAY, 9, 20)
    with freeze_time(now):
        transfer = TransferFactory(status=S.EXECUTED, instant=False, authorized_at=now, executed_at=now)
        page = page_of(transfer.relative, reverse("transfers:done", args=[transfer.reference]))
    assert "L'argent devrait être versé sur le pécule au plus tard le vendredi 4 décembre 2026." in page
    assert "passage à la caisse" not in page
