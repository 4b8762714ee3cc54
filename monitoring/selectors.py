"""Reads of the security review, each scoped to the user's establishments (national and auditors see all): the
queue with its filters, one alert with its rules and its transfer's history, a payer's and a detainee's flows
over twelve months, the pairs accepted always, and what the daily digest lists."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Relative
from core.money import ZERO, euro_sum
from establishments.selectors import scope_queryset
from permits.models import Detainee
from reconciliation.constants import CreditDebit
from reconciliation.models import StatementEntry
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.states import COUNTING_STATUSES

from .constants import DIGEST_MAX_LINES, AlertStatus
from .models import Alert, AlertHit, AllowedPair, PayerAccount, Rule

# The flows pages look back this many months (the current one included).
FLOW_MONTHS = 12

STATUS_OPEN = "open"
STATUS_DECIDED = "decided"
STATUS_ALL = "all"
ASSIGNED_ME = "me"
ASSIGNED_NOBODY = "nobody"


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, cleaned (monitoring.forms.QueueFilterForm): empty means « all »."""

    rule: str = ""
    status: str = STATUS_OPEN
    assigned: str = ""
    kind: str = ""
    establishment_id: int | None = None


def _alerts(user) -> QuerySet[Alert]:
    return scope_queryset(Alert.objects.all(), user, "establishment")


def alert_queue(user, filters: QueueFilters = QueueFilters()) -> QuerySet[Alert]:
    """The alerts the user may see, newest first, with what a row shows fetched in a constant number of
    queries (the transfer, its payer and detainee, the establishment, the reviewer, the rules fired)."""
    alerts = _alerts(user).select_related(
        "establishment", "transfer", "transfer__relative", "transfer__detainee", "assigned_to", "decided_by",
    ).prefetch_related(Prefetch("hits", queryset=AlertHit.objects.order_by("rule_code")))
    if filters.status == STATUS_OPEN:
        alerts = alerts.filter(status=AlertStatus.OPEN)
    elif filters.status == STATUS_DECIDED:
        alerts = alerts.exclude(status=AlertStatus.OPEN)
    if filters.rule:
        alerts = alerts.filter(hits__rule_code=filters.rule).distinct()
    if filters.assigned == ASSIGNED_ME:
        alerts = alerts.filter(assigned_to=user)
    elif filters.assigned == ASSIGNED_NOBODY:
        alerts = alerts.filter(assigned_to__isnull=True)
    if filters.kind:
        alerts = alerts.filter(kind=filters.kind)
    if filters.establishment_id is not None:
        alerts = alerts.filter(establishment_id=filters.establishment_id)
    return alerts.order_by("-created_at", "-pk")


def alert_for(user, alert_id: int) -> Alert | None:
    """One alert the user may see, with its rules, or None (unknown or out of scope)."""
    return (
        _alerts(user)
        .select_related("establishment", "transfer", "transfer__relative", "transfer__detainee",
                        "transfer__permit", "assigned_to", "decided_by")
        .prefetch_related(Prefetch("hits", queryset=AlertHit.objects.order_by("rule_code")))
        .filter(pk=alert_id).first()
    )


def rules_of(alert: Alert) -> list[dict]:
    """Each rule the alert fired: its label and its explanation with the thresholds in force, and what it
    measured against which threshold at the time."""
    rules = {rule.code: rule for rule in Rule.objects.filter(code__in=[hit.rule_code for hit in alert.hits.all()])}
    return [{"hit": hit, "rule": rules.get(hit.rule_code)} for hit in alert.hits.all()]


def alert_history(alert: Alert) -> QuerySet:
    return alert.history.select_related("history_user").order_by("-history_date", "-history_id")


def transfer_history(transfer: Transfer) -> QuerySet:
    return transfer.history.select_related("history_user").order_by("-history_date", "-history_id")


def payer_entry(transfer: Transfer) -> StatementEntry | None:
    """The statement's credit that brought the transfer in, with the payer's account name and IBAN."""
    return (
        StatementEntry.objects.filter(transfer_id=transfer.pk, credit_debit=CreditDebit.CREDIT)
        .exclude(debtor_iban="", debtor_name="").order_by("pk").first()
    )


def other_alerts(alert: Alert) -> QuerySet[Alert]:
    """The other alerts (decided or not) on the same transfer."""
    return Alert.objects.filter(transfer_id=alert.transfer_id).exclude(pk=alert.pk).order_by("-created_at")


@dataclass
class MonthTotal:
    month: datetime.date
    amount: Decimal = ZERO
    count: int = 0


@dataclass
class Flows:
    """A payer's or a detainee's transfers over ``FLOW_MONTHS`` months in the user's scope, their totals by
    month (oldest first, months without a transfer at zero), the counterparts (detainees paid, or relatives
    who paid) with their totals, and the alerts."""

    transfers: list[Transfer]
    months: list[MonthTotal]
    counterparts: list[dict]
    alerts: list[Alert]
    total: Decimal
    accounts: list[PayerAccount] = field(default_factory=list)
    pairs: list[AllowedPair] = field(default_factory=list)


def _first_month(today: datetime.date) -> datetime.date:
    month_index = today.year * 12 + today.month - 1 - (FLOW_MONTHS - 1)
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def _months(transfers: list[Transfer], today: datetime.date) -> list[MonthTotal]:
    first = _first_month(today)
    months: OrderedDict[datetime.date, MonthTotal] = OrderedDict()
    for offset in range(FLOW_MONTHS):
        index = first.year * 12 + first.month - 1 + offset
        day = datetime.date(index // 12, index % 12 + 1, 1)
        months[day] = MonthTotal(day)
    for transfer in transfers:
        if transfer.status not in COUNTING_STATUSES:
            continue
        local = timezone.localtime(transfer.created_at).date().replace(day=1)
        if local in months:
            months[local].amount += transfer.amount
            months[local].count += 1
    return list(months.values())


def _counterparts(transfers: list[Transfer], key: str) -> list[dict]:
    """The detainees (``key`` "detainee") or relatives ("relative") of the transfers, with their totals."""
    found: dict[int, dict] = {}
    for transfer in transfers:
        other = getattr(transfer, key)
        row = found.setdefault(other.pk, {"who": other, "count": 0, "amount": ZERO})
        row["count"] += 1
        if transfer.status in COUNTING_STATUSES:
            row["amount"] += transfer.amount
    return sorted(found.values(), key=lambda row: (-row["amount"], row["who"].pk))


def _flow_transfers(user, now: datetime.datetime | None, **lookup) -> list[Transfer]:
    today = timezone.localtime(now or timezone.now()).date()
    since = timezone.make_aware(datetime.datetime.combine(_first_month(today), datetime.time.min))
    return list(
        scope_queryset(Transfer.objects.filter(**lookup), user, "establishment")
        .exclude(status=TransferStatus.DRAFT).filter(created_at__gte=since)
        .select_related("relative", "detainee", "detainee__establishment", "establishment")
        .order_by("-created_at", "-pk")
    )


def _flow_alerts(user, **lookup) -> list[Alert]:
    return list(
        _alerts(user).filter(**lookup)
        .select_related("transfer", "establishment", "assigned_to")
        .prefetch_related(Prefetch("hits", queryset=AlertHit.objects.order_by("rule_code")))
        .order_by("-created_at", "-pk")[:100]
    )


def payer_flows(user, relative_id: int, *, now: datetime.datetime | None = None) -> tuple[Relative, Flows] | None:
    """A relative's flows as the user may see them; None when nothing of theirs is in the user's scope."""
    relative = Relative.objects.filter(pk=relative_id).first()
    if relative is None:
        return None
    in_scope = scope_queryset(Transfer.objects.filter(relative_id=relative_id), user, "establishment").exists()
    if not in_scope:
        return None
    transfers = _flow_transfers(user, now, relative_id=relative_id)
    today = timezone.localtime(now or timezone.now()).date()
    flows = Flows(
        transfers=transfers, months=_months(transfers, today), counterparts=_counterparts(transfers, "detainee"),
        alerts=_flow_alerts(user, transfer__relative_id=relative_id),
        total=euro_sum(t.amount for t in transfers if t.status in COUNTING_STATUSES),
        accounts=list(PayerAccount.objects.filter(relative_id=relative_id).order_by("-last_seen", "iban")),
        pairs=list(scope_queryset(AllowedPair.objects.filter(relative_id=relative_id, active=True), user,
                                  "establishment").select_related("detainee")),
    )
    return relative, flows


def detainee_flows(user, detainee_id: int, *, now: datetime.datetime | None = None) -> tuple[Detainee, Flows] | None:
    """A detainee's flows; None when the detainee is not in the user's establishments."""
    detainee = scope_queryset(Detainee.objects.filter(pk=detainee_id), user, "establishment").select_related(
        "establishment").first()
    if detainee is None:
        return None
    transfers = _flow_transfers(user, now, detainee_id=detainee_id)
    today = timezone.localtime(now or timezone.now()).date()
    flows = Flows(
        transfers=transfers, months=_months(transfers, today), counterparts=_counterparts(transfers, "relative"),
        alerts=_flow_alerts(user, transfer__detainee_id=detainee_id),
        total=euro_sum(t.amount for t in transfers if t.status in COUNTING_STATUSES),
        pairs=list(AllowedPair.objects.filter(detainee_id=detainee_id, active=True).select_related("relative")),
    )
    return detainee, flows


def allowed_pairs(user) -> QuerySet[AllowedPair]:
    """The pairs in force the user may see, newest first."""
    return scope_queryset(
        AllowedPair.objects.filter(active=True).select_related("relative", "detainee", "establishment", "created_by"),
        user, "establishment",
    ).order_by("-created_at", "-pk")


def pair_for(user, pair_id: int) -> AllowedPair | None:
    return scope_queryset(AllowedPair.objects.filter(pk=pair_id), user, "establishment").first()


@dataclass
class DigestSection:
    """One establishment's open alerts in the digest: how many, since when, and the oldest few."""

    establishment: object
    count: int
    oldest: datetime.datetime
    alerts: list[Alert]

    @property
    def more(self) -> int:
        return self.count - len(self.alerts)


def digest_sections(user) -> list[DigestSection]:
    """The open alerts the user may see, per establishment (by name), the oldest first, at most
    ``DIGEST_MAX_LINES`` listed per establishment."""
    open_alerts = _alerts(user).filter(status=AlertStatus.OPEN)
    summary = list(
        open_alerts.values("establishment").annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("establishment__name", "establishment")
    )
    sections = []
    for row in summary:
        alerts = list(
            open_alerts.filter(establishment_id=row["establishment"])
            .select_related("establishment", "transfer")
            .prefetch_related(Prefetch("hits", queryset=AlertHit.objects.order_by("rule_code")))
            .order_by("created_at", "pk")[:DIGEST_MAX_LINES]
        )
        sections.append(DigestSection(alerts[0].establishment, row["count"], row["oldest"], alerts))
    return sections
