"""The daily report's time from payment (the payer's confirmation at their bank) to credit on the detainee's
account: median and 90th percentile per establishment, for the day and the last 30 days, in words, with a chart and
its table, in the exports; only the user's establishments."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reconciliation.selectors import credit_delays, duration_words, percentile_cont
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import TransferFactory
from transfers.constants import TransferStatus

from .helpers import establishment

PARIS = ZoneInfo("Europe/Paris")
DAY = datetime.date(2026, 11, 20)
URL = "/gestion/rapprochement/rapport/"
pytestmark = pytest.mark.django_db


def credited(est, *, paid: datetime.datetime, after: datetime.timedelta, authorized: bool = True):
    """A transfer paid at ``paid`` (its confirmation at the bank; else only its execution) credited ``after``."""
    permit = VisitPermitFactory(detainee=DetaineeFactory(establishment=est))
    return TransferFactory(
        permit=permit, amount=Decimal("10.00"), status=TransferStatus.CREDITED,
        authorized_at=paid if authorized else None, executed_at=paid + datetime.timedelta(minutes=3),
        received_at=paid + datetime.timedelta(minutes=5), credited_at=paid + after,
    )


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def known():
    """On DAY: 1 h, 2 h, 3 h, 4 h and 5 h (median 3 h 00, 90th percentile 4 h 36); 10 days earlier: 2 days 3 hours
    (one transfer paid at its execution only: no authorisation time); 40 days earlier: not in the window."""
    est = establishment()
    for hours in (1, 2, 3, 4, 5):
        credited(est, paid=at(17) - datetime.timedelta(hours=hours), after=datetime.timedelta(hours=hours))
    earlier = DAY - datetime.timedelta(days=10)
    credited(est, paid=at(9, 0, earlier) - datetime.timedelta(days=2, hours=3, minutes=3),
             after=datetime.timedelta(days=2, hours=3, minutes=3), authorized=False)
    credited(est, paid=at(9, 0, DAY - datetime.timedelta(days=40)), after=datetime.timedelta(minutes=1))
    return est


def test_words():
    assert [duration_words(s) for s in (None, 40, 12 * 60 + 59, 3900, 2 * 86400 + 3 * 3600 + 59)] == [
        "—", "40 s", "12 min", "1 h 05", "2 j 3 h"
    ]
    assert percentile_cont([1, 2, 3, 4, 5], 0.9) == pytest.approx(4.6) and percentile_cont([], 0.5) is None


def test_median_and_90th_percentile_of_known_transfers(known):
    [delays] = credit_delays(establishments=[known], day=DAY)
    assert (delays.day.count, delays.day.median, delays.day.p90) == (5, 3 * 3600, pytest.approx(4.6 * 3600))
    assert str(delays.day) == "médiane 3 h 00, 9 sur 10 en moins de 4 h 36 (5 virements)"
    # The window: 1, 2, 3, 4, 5 h and 2 days 3 hours (from its execution, 3 minutes after the payment).
    assert delays.window.count == 6 and delays.window.median == pytest.approx(3.5 * 3600)
    assert delays.window.p90 == pytest.approx((5 * 3600 + 51 * 3600) / 2)
    points = {p["day"]: p for p in delays.series}
    assert len(delays.series) == 30 and points[DAY]["count"] == 5
    assert points[DAY - datetime.timedelta(days=10)]["median_words"] == "2 j 3 h"
    assert sum(p["count"] for p in delays.series) == 6


def test_report_page_shows_the_delays_the_chart_and_its_table_only_for_the_users_establishments(known):
    other = establishment("ETABB", iban="FR7630004000000001234567942")
    credited(other, paid=at(10), after=datetime.timedelta(minutes=7))
    staff = StaffFactory(role="regie", establishments=[known])
    html = client_for(staff).get(f"{URL}?etablissement=ETABA&jour={DAY:%Y-%m-%d}").content.decode()
    assert "Délai de versement" in html
    assert "médiane 3 h 00, 9 sur 10 en moins de 4 h 36 (5 virements)" in html
    assert "médiane 3 h 30, 9 sur 10 en moins de 1 j 4 h (6 virements)" in html
    chart = html.split('id="delay-chart-title"', 1)[1].split("</svg>", 1)[0]
    assert "Délai entre le paiement et le versement" in chart and chart.count("chart-median") == 2
    assert "<td>5</td><td>3 h 00</td><td>4 h 36</td>" in html
    assert "ETABB" not in html and "7 min" not in html
    national = StaffFactory(role="national")
    html = client_for(national).get(f"{URL}?etablissement=ETABA&jour={DAY:%Y-%m-%d}").content.decode()
    assert "médiane 7 min, 9 sur 10 en moins de 7 min (1 virement)" in html


def test_no_transfer_credited_says_so():
    est = establishment()
    staff = StaffFactory(role="regie", establishments=[est])
    html = client_for(staff).get(f"{URL}?etablissement=ETABA&jour={DAY:%Y-%m-%d}").content.decode()
    assert html.count("aucun virement versé") == 2
    assert 'class="chart-point' not in html.split('id="delay-chart-title"', 1)[1].split("</svg>", 1)[0]


def test_exports_carry_the_delays(known):
    client = client_for(StaffFactory(role="regie", establishments=[known]))
    query = f"?etablissement=ETABA&jour={DAY:%Y-%m-%d}"
    rows = list(csv.reader(io.StringIO(client.get(f"{URL}export.csv{query}").content.decode()), delimiter=";"))
    figures = {r[0]: r[1] for r in rows if len(r) == 2}
    assert figures["Délai de versement du jour"] == "médiane 3 h 00, 9 sur 10 en moins de 4 h 36 (5 virements)"
    day_row = next(r for r in rows if r and r[0] == DAY.isoformat())
    assert day_row[4:] == ["5", "180.0", "276.0"]
    book = load_workbook(io.BytesIO(client.get(f"{URL}export.xlsx{query}").content))
    values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert values["Délai de versement sur 30 jours"].endswith("(6 virements)")
    header, *days = list(book.worksheets[1].iter_rows(values_only=True))
    assert header[-2:] == ("Délai médian (minutes)", "Délai 90 % (minutes)") and days[-1][4:] == (5, 180, 276)


@pytest.mark.postgres
def test_computed_in_postgresql_the_same(known):
    from django.db import connection

    assert connection.vendor == "postgresql"
    [delays] = credit_delays(establishments=[known], day=DAY)
    assert (delays.day.count, delays.day.median, delays.day.p90) == (5, 3 * 3600, pytest.approx(4.6 * 3600))
    assert delays.window.count == 6 and delays.window.median == pytest.approx(3.5 * 3600)
    assert {p["day"]: p["count"] for p in delays.series if p["count"]} == {DAY: 5, DAY - datetime.timedelta(10): 1}
