"""The rules' inputs and verdicts. The reads (a constant number of queries whatever the history: the caps
bound how many transfers a sender or a detainee can have in a window) and pure functions measuring each
rule on the rows they return."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from transfers.caps import EffectiveCaps, month_bounds
from transfers.models import Transfer
from transfers.states import COUNTING_STATUSES

from .constants import RULE_DEFAULTS, RuleCode
from .models import AllowedPair, Rule

INITIATION_RULES = tuple(code for code, default in RULE_DEFAULTS.items() if default.at_initiation)


class TransferRow(NamedTuple):
    """What the rules read of a past transfer."""

    id: int
    relative_id: int
    detainee_id: int
    establishment_id: int
    amount: Decimal
    initiated_at: datetime.datetime


TRANSFER_ROW_FIELDS = TransferRow._fields


@dataclass(frozen=True)
class Hit:
    """A rule that fired: what it measured against which threshold, said in French for the reviewer."""

    rule_code: str
    measured: int
    threshold: int
    detail: str
    holds: bool


# -- reads --------------------------------------------------------------------------------------------


def rules_in_force() -> dict[str, Rule]:
    """The enabled rules, by code (one query)."""
    return {rule.code: rule for rule in Rule.objects.filter(enabled=True)}


def lookback_start(rules: dict[str, Rule], now: datetime.datetime) -> datetime.datetime | None:
    """How far back the at-initiation rules in force read, or None when none is enabled. NEAR_CAP reads from
    the start of the calendar month of its window's start (the month's running total of the sender)."""
    starts = [now - datetime.timedelta(days=rules[code].window_days) for code in INITIATION_RULES if code in rules]
    if RuleCode.NEAR_CAP in rules:
        starts.append(month_bounds(now - datetime.timedelta(days=rules[RuleCode.NEAR_CAP].window_days))[0])
    return min(starts) if starts else None


def recent_transfers(*, relative_id: int, detainee_id: int, since: datetime.datetime) -> list[TransferRow]:
    """The transfers counting against the caps of the sender or of the detainee since ``since``: one query,
    each side through its index (``transfer_sender_month``, ``transfer_detainee_month``)."""
    counting = list(COUNTING_STATUSES)
    by_sender = Transfer.objects.filter(relative_id=relative_id, status__in=counting, initiated_at__gte=since)
    by_detainee = Transfer.objects.filter(detainee_id=detainee_id, status__in=counting, initiated_at__gte=since)
    rows = by_sender.order_by().values_list(*TRANSFER_ROW_FIELDS).union(
        by_detainee.order_by().values_list(*TRANSFER_ROW_FIELDS)
    )
    return [TransferRow._make(row) for row in rows]


def allowed_pair_exists(*, relative_id: int, detainee_id: int) -> bool:
    return AllowedPair.objects.filter(relative_id=relative_id, detainee_id=detainee_id, active=True).exists()


# -- measures (pure) -------------------------------------------------------------------------------------


def _since(now: datetime.datetime, rule: Rule) -> datetime.datetime:
    return now - datetime.timedelta(days=rule.window_days)


def with_current(rows: Iterable[TransferRow], transfer: Transfer) -> list[TransferRow]:
    """``rows`` with the transfer being screened counted once (it counts from its reservation on)."""
    current = TransferRow(
        transfer.pk, transfer.relative_id, transfer.detainee_id, transfer.establishment_id, transfer.amount,
        transfer.initiated_at,
    )
    return [row for row in rows if row.id != transfer.pk] + [current]


def distinct_detainees(rows: Sequence[TransferRow], *, relative_id: int, since: datetime.datetime) -> int:
    return len({row.detainee_id for row in rows if row.relative_id == relative_id and row.initiated_at >= since})


def distinct_payers(rows: Sequence[TransferRow], *, detainee_id: int, since: datetime.datetime) -> int:
    return len({row.relative_id for row in rows if row.detainee_id == detainee_id and row.initiated_at >= since})


def pair_count(rows: Sequence[TransferRow], *, relative_id: int, detainee_id: int, since: datetime.datetime) -> int:
    return sum(
        1 for row in rows
        if row.relative_id == relative_id and row.detainee_id == detainee_id and row.initiated_at >= since
    )


def _within_margin(value: Decimal, cap: Decimal | None, margin_percent: int) -> bool:
    """``value`` in [cap × (1 − margin), cap): just under the cap."""
    if cap is None:
        return False
    return cap * (Decimal(100) - margin_percent) / Decimal(100) <= value < cap


def near_cap_count(
    rows: Sequence[TransferRow], *, relative_id: int, establishment_id: int, caps: EffectiveCaps,
    margin_percent: int, since: datetime.datetime,
) -> int:
    """The sender's transfers to this establishment since ``since`` whose amount is just under the
    per-transfer cap, or that brought the sender's calendar-month total just under the monthly cap.
    ``rows`` must hold the sender's transfers from the start of the month of ``since``."""
    own = sorted(
        (row for row in rows if row.relative_id == relative_id and row.establishment_id == establishment_id),
        key=lambda row: (row.initiated_at, row.id),
    )
    count = 0
    month_start: datetime.datetime | None = None
    total = Decimal(0)
    for row in own:
        start = month_bounds(row.initiated_at)[0]
        if start != month_start:
            month_start, total = start, Decimal(0)
        before, total = total, total + row.amount
        if row.initiated_at < since:
            continue
        month_near = (
            _within_margin(total, caps.max_per_sender_month, margin_percent)
            and not _within_margin(before, caps.max_per_sender_month, margin_percent)
        )
        if _within_margin(row.amount, caps.max_per_transfer, margin_percent) or month_near:
            count += 1
    return count


def _hit(rule: Rule, measured: int, detail: str) -> Hit | None:
    if measured <= rule.threshold:
        return None
    detail = _("%(detail)s (seuil : plus de %(threshold)s)") % {"detail": detail, "threshold": rule.threshold}
    return Hit(rule.code, measured, rule.threshold, detail[:300], rule.holds)


def _in_days(what: str, count: int, days: int) -> str:
    """« 2 personnes détenues en 30 jours »: ``what`` is a ``ngettext`` with ``%(n)s``."""
    return _("%(what)s en %(days)s jours") % {"what": what % {"n": count}, "days": days}


def initiation_hits(
    transfer: Transfer, *, rules: dict[str, Rule], rows: Sequence[TransferRow], caps: EffectiveCaps,
) -> list[Hit]:
    """Every enabled at-initiation rule measured for ``transfer`` (counted in ``rows``)."""
    now = transfer.initiated_at
    relative_id, detainee_id = transfer.relative_id, transfer.detainee_id
    hits: list[Hit | None] = []
    rule = rules.get(RuleCode.PAYER_MANY_DETAINEES)
    if rule is not None:
        n = distinct_detainees(rows, relative_id=relative_id, since=_since(now, rule))
        hits.append(_hit(rule, n, _in_days(
            ngettext("%(n)s personne détenue",
                     "%(n)s personnes détenues", n),
            n, rule.window_days)))
    rule = rules.get(RuleCode.DETAINEE_MANY_PAYERS)
    if rule is not None:
        n = distinct_payers(rows, detainee_id=detainee_id, since=_since(now, rule))
        hits.append(_hit(rule, n, _in_days(
            ngettext("%(n)s proche différent",
                     "%(n)s proches différents", n),
            n, rule.window_days)))
    rule = rules.get(RuleCode.FREQUENT_PAIR)
    if rule is not None:
        n = pair_count(rows, relative_id=relative_id, detainee_id=detainee_id, since=_since(now, rule))
        hits.append(_hit(rule, n, _in_days(
            ngettext("%(n)s virement à cette personne détenue",
                     "%(n)s virements à cette personne détenue", n),
            n, rule.window_days)))
    rule = rules.get(RuleCode.NEAR_CAP)
    if rule is not None:
        n = near_cap_count(
            rows, relative_id=relative_id, establishment_id=transfer.establishment_id, caps=caps,
            margin_percent=rule.margin_percent, since=_since(now, rule),
        )
        hits.append(_hit(rule, n, _in_days(
            ngettext("%(n)s virement juste sous un plafond",
                     "%(n)s virements juste sous un plafond", n),
            n, rule.window_days)))
    return [hit for hit in hits if hit is not None]


def name_mismatch_hit(rule: Rule, holder_name: str) -> Hit:
    return Hit(
        rule.code, 1, rule.threshold,
        (_("Titulaire du compte sur le relevé : « %(name)s »") % {"name": holder_name})[:300], rule.holds,
    )


def shared_account_hit(rule: Rule, relatives: int) -> Hit | None:
    return _hit(rule, relatives, _in_days(
        ngettext("Compte utilisé par %(n)s proche",
                 "Compte utilisé par %(n)s proches", relatives),
        relatives, rule.window_days))
