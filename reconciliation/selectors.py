"""Reads of the reconciliation: the exceptions queue, transfers not seen on a statement, the daily
report and its 30-day chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.business_days import business_days_before
from core.money import ZERO, euro_total, queryset_euro_sum
from establishments.models import Establishment
from establishments.selectors import next_cashier_passage, scope_queryset
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .constants import EXCEPTION_OUTCOMES, UNSEEN_BUSINESS_DAYS, CreditDebit, MatchOutcome, RefundStatus, Resolution
from .models import BankStatement, CashierBatch, CashierBatchLine, Refund, RefundFile, StatementEntry

S = TransferStatus


def exceptions_queue(user) -> QuerySet[StatementEntry]:
    return scope_queryset(
        StatementEntry.objects.select_related("statement", "establishment", "transfer").filter(
            outcome__in=EXCEPTION_OUTCOMES, resolution=Resolution.NONE
        ),
        user,
        "establishment",
    ).order_by("statement__statement_date", "pk")


def unseen_transfers(user=None, *, now: datetime.datetime | None = None) -> QuerySet[Transfer]:
    """Transfers the bank executed more than 3 business days ago (weekends, French public holidays and
    TARGET2 closing days not counted: see ``core.business_days``) and no statement has shown."""
    limit = business_days_before(now or timezone.now(), UNSEEN_BUSINESS_DAYS)
    queryset = Transfer.objects.select_related("establishment", "detainee").filter(
        status=S.EXECUTED, executed_at__lt=limit
    ).order_by("executed_at")
    return scope_queryset(queryset, user, "establishment") if user is not None else queryset


def pending_refunds(user) -> QuerySet[Refund]:
    return scope_queryset(
        Refund.objects.select_related("establishment", "transfer").filter(status=RefundStatus.PENDING), user,
        "establishment",
    )


def refund_files(user) -> QuerySet[RefundFile]:
    return scope_queryset(
        RefundFile.objects.select_related("establishment", "prepared_by", "approved_by"), user, "establishment"
    )


def batches(user) -> QuerySet[CashierBatch]:
    return scope_queryset(CashierBatch.objects.select_related("establishment"), user, "establishment")


@dataclass
class CashierDay:
    """An establishment's batches of the day, by cut-off, and its next cut-off (the cashier page)."""

    establishment: object
    batches: list
    next_cutoff: datetime.datetime


def cashier_days(user, *, now: datetime.datetime | None = None) -> list[CashierDay]:
    """For each establishment ``user`` may see (transfers enabled): the day's batches (oldest cut-off first, with
    their lines and transfers) and the next cut-off."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    establishments = list(
        scope_queryset(Establishment.objects.filter(transfers_enabled=True).order_by("name"), user, "pk")
    )
    by_establishment: dict[int, list] = {e.pk: [] for e in establishments}
    for batch in (
        CashierBatch.objects.filter(establishment_id__in=by_establishment, day=day)
        .prefetch_related(Prefetch("lines", CashierBatchLine.objects.select_related("transfer__detainee")))
        .order_by("cutoff", "pk")
    ):
        by_establishment[batch.establishment_id].append(batch)
    return [CashierDay(establishment=e, batches=by_establishment[e.pk], next_cutoff=next_cashier_passage(e, after=now))
            for e in establishments]


@dataclass
class DailyReport:
    establishment: object
    day: datetime.date
    statements: list
    opening: Decimal | None
    closing: Decimal | None
    credits: Decimal
    debits: Decimal
    matched: Decimal
    in_exceptions: Decimal
    resolved: Decimal
    other_credits: Decimal
    credited: Decimal
    refunded: Decimal
    pending: Decimal
    matched_count: int
    exception_count: int

    @property
    def balances(self) -> bool:
        """Opening + credits − debits = closing, and every credit is matched, in exceptions, resolved
        or otherwise explained."""
        if self.opening is None:
            return True
        return (
            self.opening + self.credits - self.debits == self.closing
            and self.matched + self.in_exceptions + self.resolved + self.other_credits == self.credits
        )

    def rows(self) -> list[tuple[str, Decimal | str]]:
        return [
            (_("Solde d'ouverture"), self.opening if self.opening is not None else "—"),
            (_("Reçu (crédits du relevé)"), self.credits),
            (_("Débits du relevé"), self.debits),
            (_("Solde de clôture"), self.closing if self.closing is not None else "—"),
            (_("Rapproché"), self.matched),
            (_("En anomalie"), self.in_exceptions),
            (_("Anomalies traitées"), self.resolved),
            (_("Autres crédits"), self.other_credits),
            (_("Versé sur les pécules"), self.credited),
            (_("Remboursé"), self.refunded),
            (_("En attente de versement"), self.pending),
        ]


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def counted_entries() -> QuerySet[StatementEntry]:
    """The booked entries that count in any total of money: a transaction read again in another file (a notice,
    then the statement: ``ALREADY_SEEN``) counts once, by its first sighting."""
    return StatementEntry.objects.filter(entry_status__in=("BOOK", "")).exclude(outcome=MatchOutcome.ALREADY_SEEN)


def daily_report(*, establishment, day: datetime.date) -> DailyReport:
    """The day's files (statements, intraday reports, notices) of the establishment: the opening balance of the first
    that has balances, the closing of the last; credits and debits counted once each (``counted_entries``)."""
    statements = list(BankStatement.objects.filter(establishment=establishment, statement_date=day).order_by("pk"))
    entries = counted_entries().filter(statement__in=statements)
    credits_qs = entries.filter(credit_debit=CreditDebit.CREDIT)
    with_balances = [s for s in statements if s.opening_balance is not None]
    matched = queryset_euro_sum(credits_qs.filter(outcome=MatchOutcome.MATCHED))
    in_exceptions = queryset_euro_sum(credits_qs.filter(outcome__in=EXCEPTION_OUTCOMES, resolution=Resolution.NONE))
    resolved = queryset_euro_sum(credits_qs.filter(outcome__in=EXCEPTION_OUTCOMES).exclude(resolution=Resolution.NONE))
    other = queryset_euro_sum(credits_qs.exclude(outcome=MatchOutcome.MATCHED).exclude(outcome__in=EXCEPTION_OUTCOMES))
    start, end = _day_bounds(day)
    transfers = Transfer.objects.filter(establishment=establishment)
    return DailyReport(
        establishment=establishment,
        day=day,
        statements=statements,
        opening=with_balances[0].opening_balance if with_balances else None,
        closing=with_balances[-1].closing_balance if with_balances else None,
        credits=queryset_euro_sum(credits_qs),
        debits=queryset_euro_sum(entries.filter(credit_debit=CreditDebit.DEBIT)),
        matched=matched,
        in_exceptions=in_exceptions,
        resolved=resolved,
        other_credits=other,
        credited=queryset_euro_sum(transfers.filter(credited_at__gte=start, credited_at__lt=end)),
        refunded=queryset_euro_sum(
            Refund.objects.filter(establishment=establishment, refunded_at__gte=start, refunded_at__lt=end)
        ),
        pending=queryset_euro_sum(transfers.filter(status=S.RECEIVED, received_at__lt=end)),
        matched_count=credits_qs.filter(outcome=MatchOutcome.MATCHED).count(),
        exception_count=credits_qs.filter(outcome__in=EXCEPTION_OUTCOMES, resolution=Resolution.NONE).count(),
    )


def last_days(*, establishment, day: datetime.date, days: int = 30) -> list[dict]:
    """Per day of the last ``days`` (ending ``day``): received (statement credits), credited, refunded."""
    first = day - datetime.timedelta(days=days - 1)
    credits = {
        row["statement__statement_date"]: row["s"]
        for row in counted_entries().filter(
            establishment=establishment, credit_debit=CreditDebit.CREDIT, statement__statement_date__gte=first,
            statement__statement_date__lte=day,
        ).values("statement__statement_date").annotate(s=euro_total("amount"))
    }
    start, _end = _day_bounds(first)
    credited: dict[datetime.date, Decimal] = {}
    for when, amount in Transfer.objects.filter(
        Q(establishment=establishment), credited_at__gte=start
    ).values_list("credited_at", "amount"):
        key = timezone.localtime(when).date()
        credited[key] = credited.get(key, ZERO) + amount
    refunded: dict[datetime.date, Decimal] = {}
    for when, amount in Refund.objects.filter(establishment=establishment, refunded_at__gte=start).values_list(
        "refunded_at", "amount"
    ):
        key = timezone.localtime(when).date()
        refunded[key] = refunded.get(key, ZERO) + amount
    out = []
    for offset in range(days):
        current = first + datetime.timedelta(days=offset)
        out.append({
            "day": current,
            "received": credits.get(current, ZERO),
            "credited": credited.get(current, ZERO),
            "refunded": refunded.get(current, ZERO),
        })
    return out


# The time from payment to credit ------------------------------------------------------------------------------


def duration_words(seconds: float | None) -> str:
    """A delay as staff say it: « 40 s », « 12 min », « 1 h 05 », « 2 j 3 h »."""
    if seconds is None:
        return "—"
    total = max(int(round(seconds)), 0)
    if total < 60:
        return _("%(s)s s") % {"s": total}
    minutes = total // 60
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)s") % {"h": hours, "m": f"{minutes:02d}"}
    days, hours = divmod(hours, 24)
    return _("%(d)s j %(h)s h") % {"d": days, "h": hours}


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: the value at ``fraction`` of the sorted values, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass
class Delay:
    """The time from payment (the payer's confirmation at their bank) to credit of some transfers: their number,
    the median and the 90th percentile, in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @property
    def median_words(self) -> str:
        return duration_words(self.median)

    @property
    def p90_words(self) -> str:
        return duration_words(self.p90)

    def __str__(self) -> str:
        if not self.count:
            return _("aucun virement versé")
        return ngettext(
            "médiane %(median)s, 9 sur 10 en moins de %(p90)s (%(n)s virement)",
            "médiane %(median)s, 9 sur 10 en moins de %(p90)s (%(n)s virements)",
            self.count,
        ) % {"median": self.median_words, "p90": self.p90_words, "n": self.count}


@dataclass
class CreditDelays:
    """An establishment's time from payment to credit: the report's day, the last ``days`` days, and each day."""

    establishment: object
    day: Delay
    window: Delay
    series: list[dict]  # {"day", "count", "median", "p90" (seconds), "median_words", "p90_words"} oldest first


PAYMENT_TO_CREDIT_DAYS = 30
_PAID_AT = Coalesce("authorized_at", "executed_at")


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _credited_between(establishment_ids, start, end) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        establishment_id__in=establishment_ids, credited_at__gte=start, credited_at__lt=end
    ).filter(Q(authorized_at__isnull=False) | Q(executed_at__isnull=False))


def _delays_in_database(establishment_ids, first, day) -> tuple[dict, dict, dict]:
    """PostgreSQL: the figures per establishment (the day, the window) and per establishment and day."""
    seconds = Func(
        ExpressionWrapper(F("credited_at") - _PAID_AT, output_field=DurationField()),
        template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField(),
    )
    figures = {"n": Count("pk"), "median": PercentileCont(seconds, fraction=0.5),
               "p90": PercentileCont(seconds, fraction=0.9)}
    window_start, _first_end = _day_bounds(first)
    day_start, day_end = _day_bounds(day)

    def grouped(queryset, *keys):
        return {tuple(row[k] for k in keys): Delay(row["n"], row["median"], row["p90"])
                for row in queryset.values(*keys).annotate(**figures).order_by()}

    window = _credited_between(establishment_ids, window_start, day_end)
    per_day = grouped(
        window.annotate(local_day=TruncDate("credited_at", tzinfo=timezone.get_current_timezone())),
        "establishment_id", "local_day",
    )
    return (
        {k[0]: v for k, v in grouped(_credited_between(establishment_ids, day_start, day_end),
                                     "establishment_id").items()},
        {k[0]: v for k, v in grouped(window, "establishment_id").items()},
        per_day,
    )


def _delays_in_python(establishment_ids, first, day) -> tuple[dict, dict, dict]:
    """Elsewhere (SQLite, the tests and the embedded default): the window's rows read once (bounded by the 30 days
    and the establishments), the same percentiles computed here."""
    window_start, _first_end = _day_bounds(first)
    _start, day_end = _day_bounds(day)
    per_day_values: dict[tuple, list[float]] = {}
    for establishment_id, credited, authorized, executed in _credited_between(
        establishment_ids, window_start, day_end
    ).values_list("establishment_id", "credited_at", "authorized_at", "executed_at").iterator():
        key = (establishment_id, timezone.localtime(credited).date())
        per_day_values.setdefault(key, []).append((credited - (authorized or executed)).total_seconds())

    def delay(values: list[float]) -> Delay:
        return Delay(len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))

    window_values: dict[int, list[float]] = {}
    for (establishment_id, _day), values in per_day_values.items():
        window_values.setdefault(establishment_id, []).extend(values)
    return (
        {k[0]: delay(v) for k, v in per_day_values.items() if k[1] == day},
        {k: delay(v) for k, v in window_values.items()},
        {k: delay(v) for k, v in per_day_values.items()},
    )


def credit_delays(*, establishments, day: datetime.date, days: int = PAYMENT_TO_CREDIT_DAYS) -> list[CreditDelays]:
    """Per establishment (those given, already scoped to the user), the time from payment (``authorized_at``, else
    ``executed_at``) to credit (``credited_at``) of the transfers credited on ``day`` and in the ``days`` days ending
    it (Europe/Paris): median and 90th percentile, in the database on PostgreSQL (``percentile_cont``)."""
    establishments = list(establishments)
    ids = [e.pk for e in establishments]
    first = day - datetime.timedelta(days=days - 1)
    compute = _delays_in_database if connection.vendor == "postgresql" else _delays_in_python
    of_day, of_window, per_day = compute(ids, first, day) if ids else ({}, {}, {})
    out = []
    for establishment in establishments:
        series = []
        for offset in range(days):
            current = first + datetime.timedelta(days=offset)
            figures = per_day.get((establishment.pk, current), Delay())
            series.append({"day": current, "count": figures.count, "median": figures.median, "p90": figures.p90,
                           "median_words": figures.median_words, "p90_words": figures.p90_words})
        out.append(CreditDelays(establishment=establishment, day=of_day.get(establishment.pk, Delay()),
                                window=of_window.get(establishment.pk, Delay()), series=series))
    return out
