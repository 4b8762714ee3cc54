"""The money-flow rules at work: at a transfer's reservation (the at-initiation rules, inside
``transfers.services.reserve``'s transaction, under its locks) and at a statement's import (the payer's
account and its holder's name, in bulk, inside the import's transaction). A hit raises an alert on the
transfer: held before crediting (the transfer stays out of every cashier batch until a staff member
accepts it), flagged after; an allowed pair makes the alert accepted automatically and holds nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import audit_reason
from core.bulk_history import update_with_history
from reconciliation.constants import CreditDebit, ReconciliationAuditReason
from reconciliation.models import StatementEntry
from transfers import services as transfer_services
from transfers.caps import effective_caps
from transfers.constants import TransferAuditReason
from transfers.models import Transfer
from transfers.states import HOLDABLE_STATUSES

from ..constants import AlertKind, AlertStatus, MonitoringAuditReason, RuleCode, ScreeningPoint
from ..evaluation import (
    Hit,
    initiation_hits,
    lookback_start,
    name_mismatch_hit,
    recent_transfers,
    rules_in_force,
    shared_account_hit,
    with_current,
)
from ..models import Alert, AlertHit, AllowedPair, PayerAccount, Rule
from ..names import holder_matches

# A statement's received transfers are screened this many at a time (one read of their entries each).
CHUNK = 2_000
STATEMENT_RULES = (RuleCode.NAME_MISMATCH, RuleCode.SHARED_ACCOUNT)


class Screened(NamedTuple):
    """What raising an alert needs to know of a transfer."""

    id: int
    status: str
    establishment_id: int
    relative_id: int
    detainee_id: int


def _raise_alerts(
    hits_of: dict[int, list[Hit]], screened: dict[int, Screened], *, point: str, user,
) -> tuple[list[Alert], list[int]]:
    """The alerts for ``hits_of`` (transfer id → hits): a transfer's open alert gets the rules it lacks, else
    a new alert (held when a hit holds and the transfer can still be held, else flagged; accepted
    automatically for an allowed pair). Returns the alerts and the ids of the transfers to hold. A constant
    number of queries for any number of transfers."""
    hits_of = {transfer_id: hits for transfer_id, hits in hits_of.items() if hits}
    if not hits_of:
        return [], []
    now = timezone.now()
    relatives = {screened[t].relative_id for t in hits_of}
    allowed = set(
        AllowedPair.objects.filter(relative_id__in=relatives, active=True).values_list("relative_id", "detainee_id")
    )
    open_alerts = {
        alert.transfer_id: alert
        for alert in Alert.objects.filter(transfer_id__in=list(hits_of), status=AlertStatus.OPEN)
    }
    known: dict[int, set[str]] = defaultdict(set)
    if open_alerts:
        for alert_id, code in AlertHit.objects.filter(alert__in=list(open_alerts.values())).values_list(
            "alert_id", "rule_code"
        ):
            known[alert_id].add(code)
    new_alerts: list[Alert] = []
    upgraded: list[Alert] = []
    to_hold: list[int] = []
    for transfer_id, hits in hits_of.items():
        info = screened[transfer_id]
        pair_allowed = (info.relative_id, info.detainee_id) in allowed
        holds = any(hit.holds for hit in hits) and info.status in HOLDABLE_STATUSES
        alert = open_alerts.get(transfer_id)
        if alert is None:
            new_alerts.append(Alert(
                transfer_id=transfer_id, establishment_id=info.establishment_id,
                kind=AlertKind.HELD if holds else AlertKind.FLAGGED, raised_at_point=point,
                status=AlertStatus.AUTO_ACCEPTED if pair_allowed else AlertStatus.OPEN,
                decided_at=now if pair_allowed else None,
            ))
        elif holds and alert.kind != AlertKind.HELD:
            alert.kind = AlertKind.HELD
            upgraded.append(alert)
        if holds and not pair_allowed:
            to_hold.append(transfer_id)
    for status, reason in ((AlertStatus.OPEN, MonitoringAuditReason.ALERT_RAISED),
                           (AlertStatus.AUTO_ACCEPTED, MonitoringAuditReason.ALERT_AUTO_ACCEPTED)):
        alerts = [alert for alert in new_alerts if alert.status == status]
        if alerts:
            bulk_create_with_history(alerts, Alert, default_user=user, default_change_reason=audit_reason(reason))
    if upgraded:
        bulk_update_with_history(
            upgraded, Alert, ["kind"], default_user=user,
            default_change_reason=audit_reason(MonitoringAuditReason.ALERT_RULE_ADDED),
        )
    alert_of = {**open_alerts, **{alert.transfer_id: alert for alert in new_alerts}}
    new_hits = [
        AlertHit(alert=alert_of[transfer_id], rule_code=hit.rule_code, measured=hit.measured,
                 threshold=hit.threshold, detail=hit.detail, point=point)
        for transfer_id, hits in hits_of.items()
        for hit in hits
        if hit.rule_code not in known[alert_of[transfer_id].pk]
    ]
    if new_hits:
        reason = MonitoringAuditReason.ALERT_RULE_ADDED if open_alerts else MonitoringAuditReason.ALERT_RAISED
        bulk_create_with_history(new_hits, AlertHit, default_user=user, default_change_reason=audit_reason(reason))
    return list(alert_of.values()), to_hold


def screen_reserved(*, transfer: Transfer, user=None) -> Alert | None:
    """Every enabled at-initiation rule for ``transfer`` (locked, just reserved, by ``reserve``'s
    transaction): a constant number of queries whatever the history. Returns the alert raised or None."""
    rules = rules_in_force()
    now = transfer.initiated_at or timezone.now()
    since = lookback_start(rules, now)
    if since is None:
        return None
    rows = with_current(
        recent_transfers(relative_id=transfer.relative_id, detainee_id=transfer.detainee_id, since=since), transfer
    )
    caps = effective_caps(transfer.establishment) if RuleCode.NEAR_CAP in rules else None
    hits = initiation_hits(transfer, rules=rules, rows=rows, caps=caps)
    if not hits:
        return None
    screened = Screened(
        transfer.pk, transfer.status, transfer.establishment_id, transfer.relative_id, transfer.detainee_id
    )
    with transaction.atomic():
        alerts, to_hold = _raise_alerts(
            {transfer.pk: hits}, {transfer.pk: screened}, point=ScreeningPoint.INITIATION, user=user
        )
        if to_hold:
            transfer_services.hold(
                transfer_id=transfer.pk, user=user, detail=",".join(hit.rule_code for hit in hits)
            )
            # The caller's copy is saved again by the next transition: it must say held too.
            transfer.held = True
    return alerts[0]


class _Paid(NamedTuple):
    """A received transfer as its statement entry shows it, with the relative's identity."""

    transfer_id: int
    debtor_name: str
    debtor_iban: str
    booking_date: datetime.date | None
    status: str
    establishment_id: int
    relative_id: int
    detainee_id: int
    given_name: str
    family_name: str
    usage_name: str


_PAID_FIELDS = (
    "transfer_id", "debtor_name", "debtor_iban", "booking_date", "transfer__status", "transfer__establishment_id",
    "transfer__relative_id", "transfer__detainee_id", "transfer__relative__given_name",
    "transfer__relative__family_name", "transfer__relative__preferred_username",
)


def _upsert_accounts(paid: Sequence[_Paid], *, user, today: datetime.date) -> list[PayerAccount]:
    """The payer accounts of ``paid`` created or refreshed (last seen, holder's name, count); returns every
    account row of their IBANs, other relatives' included (what SHARED_ACCOUNT counts)."""
    seen: dict[tuple[str, int], list[_Paid]] = defaultdict(list)
    for row in paid:
        if row.debtor_iban:
            seen[(row.debtor_iban, row.relative_id)].append(row)
    if not seen:
        return []
    accounts = list(PayerAccount.objects.filter(iban__in={iban for iban, _relative in seen}))
    existing = {(account.iban, account.relative_id): account for account in accounts}
    created, updated = [], []
    for (iban, relative_id), rows in seen.items():
        day = max(row.booking_date or today for row in rows)
        holder = rows[-1].debtor_name[:140]
        account = existing.get((iban, relative_id))
        if account is None:
            created.append(PayerAccount(iban=iban, relative_id=relative_id, holder_name=holder, first_seen=day,
                                        last_seen=day, transfer_count=len(rows)))
        else:
            account.last_seen = max(account.last_seen, day)
            account.holder_name = holder or account.holder_name
            account.transfer_count += len(rows)
            updated.append(account)
    reason = audit_reason(ReconciliationAuditReason.RECEIVED_ON_STATEMENT)
    if created:
        bulk_create_with_history(created, PayerAccount, default_user=user, default_change_reason=reason)
    if updated:
        bulk_update_with_history(
            updated, PayerAccount, ["last_seen", "holder_name", "transfer_count"], default_user=user,
            default_change_reason=reason,
        )
    return accounts + created


def _statement_hits(
    paid: Sequence[_Paid], accounts: Sequence[PayerAccount], rules: dict[str, Rule], *, today: datetime.date,
) -> dict[int, list[Hit]]:
    """Each transfer's at-statement hits: the holder's name against the relative's identity, and how many
    relatives the paying account served within the window (this one included)."""
    hits_of: dict[int, list[Hit]] = defaultdict(list)
    mismatch = rules.get(RuleCode.NAME_MISMATCH)
    shared = rules.get(RuleCode.SHARED_ACCOUNT)
    accounts_of: dict[str, list[PayerAccount]] = defaultdict(list)
    for account in accounts:
        accounts_of[account.iban].append(account)
    for row in paid:
        if mismatch is not None and not holder_matches(
            row.debtor_name, given_names=row.given_name, family_name=row.family_name, usage_name=row.usage_name
        ):
            hits_of[row.transfer_id].append(name_mismatch_hit(mismatch, row.debtor_name))
        if shared is not None and row.debtor_iban:
            since = (row.booking_date or today) - datetime.timedelta(days=shared.window_days)
            relatives = {a.relative_id for a in accounts_of[row.debtor_iban] if a.last_seen >= since}
            hit = shared_account_hit(shared, len(relatives))
            if hit is not None:
                hits_of[row.transfer_id].append(hit)
    return hits_of


def screen_received(*, transfer_ids: list[int], user=None) -> list[Alert]:
    """The at-statement rules for a statement's received transfers, ``CHUNK`` at a time: their credit
    entries read in one query, the payer accounts upserted in bulk, the alerts raised and the holds written
    in bulk. A hit on a transfer not yet credited holds it; on one already credited it flags it."""
    rules = {code: rule for code, rule in rules_in_force().items() if code in STATEMENT_RULES}
    today = timezone.localdate()
    raised: list[Alert] = []
    with transaction.atomic():
        for start in range(0, len(transfer_ids), CHUNK):
            chunk = transfer_ids[start:start + CHUNK]
            entries = StatementEntry.objects.filter(
                transfer_id__in=chunk, credit_debit=CreditDebit.CREDIT, reversal=False
            ).order_by("pk")
            # The latest entry of each transfer (a transfer is matched once; a resolved exception may add one).
            paid = list({row[0]: _Paid._make(row) for row in entries.values_list(*_PAID_FIELDS)}.values())
            accounts = _upsert_accounts(paid, user=user, today=today)
            if not rules:
                continue
            screened = {
                row.transfer_id: Screened(row.transfer_id, row.status, row.establishment_id, row.relative_id,
                                          row.detainee_id)
                for row in paid
            }
            alerts, to_hold = _raise_alerts(
                _statement_hits(paid, accounts, rules, today=today), screened,
                point=ScreeningPoint.STATEMENT, user=user,
            )
            raised.extend(alerts)
            if to_hold:
                now = timezone.now()
                holdable = sorted(HOLDABLE_STATUSES)
                update_with_history(
                    Transfer, ids=to_hold, assignments={"held": True, "updated_at": now},
                    where=f"held = %s AND status IN ({', '.join(['%s'] * len(holdable))})",
                    params=[False, *holdable], user=user, reason=audit_reason(TransferAuditReason.HELD), date=now,
                )
    return raised
