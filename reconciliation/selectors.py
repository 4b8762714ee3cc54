"""Reads of the reconciliation: the exceptions queue, transfers not seen on a statement, the daily
report and its 30-day chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.business_days import business_days_before
from core.money import ZERO, euro_total, queryset_euro_sum
from establishments.selectors import scope_queryset
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .constants import EXCEPTION_OUTCOMES, UNSEEN_BUSINESS_DAYS, CreditDebit, MatchOutcome, RefundStatus, Resolution
from .models import BankStatement, CashierBatch, Refund, RefundFile, StatementEntry

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
