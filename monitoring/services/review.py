"""The security staff's review of the alerts: take an alert, accept it (the held transfer released, the pair
accepted always if asked) or reject it (the received transfer sent to the four-eyes refund flow), the pairs
accepted always, and the rules' thresholds (national role). Each action locks its row, checks the user's right
and establishments, and writes its history with the user and the reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Relative
from core.audit import audit_reason
from establishments.selectors import require_establishment
from permits.models import Detainee
from reconciliation.constants import ReconciliationAuditReason
from reconciliation.errors import ReconciliationError
from reconciliation.services.refunds import send_transfer_to_refund
from transfers import services as transfer_services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from ..constants import DECISION_REASONS, AlertKind, AlertStatus, Decision, DecisionReason
from ..constants import MonitoringAuditReason as R
from ..errors import MonitoringError
from ..models import Alert, AllowedPair, Rule

NOTE_MAX_LENGTH = 500
# A rule's period, in days: at most ten years (the history kept).
WINDOW_MAX_DAYS = 3650
MARGIN_MAX_PERCENT = 50


def _require(user, codename: str) -> None:
    if user is None or not user.has_perm(f"monitoring.{codename}"):
        raise MonitoringError(_("Vous n'avez pas le droit de faire cette action."), "forbidden")


def _locked_alert(alert_id: int, user) -> Alert:
    """The alert, locked, once the user may review it: the right to change alerts, and its establishment."""
    _require(user, "change_alert")
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise MonitoringError(_("Cette alerte n'existe pas."), "unknown")
    require_establishment(
        user, alert.establishment_id,
        MonitoringError(_("Cette alerte ne relève pas de vos établissements."), "out_of_scope"),
    )
    if alert.status != AlertStatus.OPEN:
        raise MonitoringError(
            _("Cette alerte a déjà été décidée (« %(status)s »).") % {"status": alert.get_status_display()},
            "decided",
        )
    return alert


def _clean_reason(decision: str, reason: str, note: str) -> tuple[str, str]:
    """The decision's reason, checked against the decision, and the note (required with « Autre motif »)."""
    if decision not in Decision.values:
        raise MonitoringError(_("Choisissez « Accepter » ou « Refuser »."), "decision")
    if not reason:
        raise MonitoringError(_("Choisissez un motif."), "reason")
    if reason not in DECISION_REASONS[decision]:
        raise MonitoringError(
            _("Le motif choisi ne correspond pas à la décision « %(decision)s ».")
            % {"decision": Decision(decision).label},
            "reason",
        )
    note = (note or "").strip()
    if reason == DecisionReason.OTHER and not note:
        raise MonitoringError(_("Précisez le motif dans « Précisions »."), "note")
    if len(note) > NOTE_MAX_LENGTH:
        raise MonitoringError(
            _("Les précisions tiennent en %(max)d caractères au plus.") % {"max": NOTE_MAX_LENGTH}, "note"
        )
    return reason, note


def _reason_text(reason: str, note: str) -> str:
    label = str(DecisionReason(reason).label)
    return f"{label} : {note}" if note else label


def assign_alert(*, alert_id: int, user) -> Alert:
    """``user`` takes the open alert (or takes it over from a colleague, who is named in the history)."""
    with transaction.atomic():
        alert = _locked_alert(alert_id, user)
        previous = alert.assigned_to
        alert.assigned_to = user
        alert.assigned_at = timezone.now()
        alert._history_user = user
        alert._change_reason = audit_reason(R.ALERT_ASSIGNED, previous.get_username() if previous else "")
        alert.save(update_fields=["assigned_to", "assigned_at"])
        return alert


def decide_alert(
    *, alert_id: int, user, decision: str, reason: str, note: str = "", always_accept_pair: bool = False
) -> Alert:
    """Accept (the transfer released when no other open held alert remains; with ``always_accept_pair`` the
    payer–detainee pair accepted always) or reject (a held alert on a received transfer: to refund through the
    four-eyes refund file; a flagged one: recorded, the money was already credited)."""
    reason, note = _clean_reason(decision, reason, note)
    if always_accept_pair and decision != Decision.ACCEPT:
        raise MonitoringError(_("« Toujours accepter » ne va qu'avec la décision « Accepter »."), "pair")
    with transaction.atomic():
        alert = _locked_alert(alert_id, user)
        transfer = Transfer.objects.get(pk=alert.transfer_id)
        if decision == Decision.REJECT and alert.kind == AlertKind.HELD and transfer.status != TransferStatus.RECEIVED:
            raise MonitoringError(
                _("Le virement n'est pas encore arrivé sur le compte de la régie : vous pourrez le refuser à sa "
                  "réception."),
                "not_received",
            )
        now = timezone.now()
        alert.status = AlertStatus.ACCEPTED if decision == Decision.ACCEPT else AlertStatus.REJECTED
        alert.decided_by, alert.decided_at = user, now
        alert.decision_reason, alert.decision_note = reason, note
        if alert.assigned_to_id is None:
            alert.assigned_to, alert.assigned_at = user, now
        alert._history_user = user
        alert._change_reason = audit_reason(
            R.ALERT_ACCEPTED if decision == Decision.ACCEPT else R.ALERT_REJECTED, note
        )
        alert.save()
        detail = _reason_text(reason, note)
        if decision == Decision.ACCEPT:
            still_held = Alert.objects.filter(
                transfer_id=transfer.pk, status=AlertStatus.OPEN, kind=AlertKind.HELD
            ).exists()
            if transfer.held and not still_held:
                transfer_services.release(transfer_id=transfer.pk, user=user, detail=detail)
            if always_accept_pair:
                allow_pair(relative_id=transfer.relative_id, detainee_id=transfer.detainee_id, user=user,
                           reason=reason, note=note)
        elif alert.kind == AlertKind.HELD:
            try:
                send_transfer_to_refund(
                    transfer_id=transfer.pk, reason=ReconciliationAuditReason.SECURITY_REJECTED, detail=detail,
                    user=user,
                )
            except ReconciliationError as exc:
                raise MonitoringError(str(exc), "refund") from exc
        return alert


def allow_pair(*, relative_id: int, detainee_id: int, user, reason: str, note: str = "") -> AllowedPair:
    """« Toujours accepter pour ce payeur et cette personne détenue »: the rules still run on this pair's
    transfers, their alerts are accepted automatically. A pair already in force is returned as it is."""
    _require(user, "add_allowedpair")
    reason, note = _clean_reason(Decision.ACCEPT, reason, note)
    with transaction.atomic():
        # The detainee's row lock serialises two reviewers allowing the same pair.
        detainee = Detainee.objects.select_for_update().filter(pk=detainee_id).first()
        if detainee is None:
            raise MonitoringError(_("Cette personne détenue n'existe pas."), "unknown")
        require_establishment(
            user, detainee.establishment_id,
            MonitoringError(_("Cette personne détenue ne relève pas de vos établissements."), "out_of_scope"),
        )
        if not Relative.objects.filter(pk=relative_id).exists():
            raise MonitoringError(_("Ce payeur n'existe pas."), "unknown")
        existing = AllowedPair.objects.filter(relative_id=relative_id, detainee_id=detainee_id, active=True).first()
        if existing is not None:
            return existing
        pair = AllowedPair(
            relative_id=relative_id, detainee=detainee, establishment_id=detainee.establishment_id,
            reason=reason, note=note, created_by=user,
        )
        pair._history_user = user
        pair._change_reason = audit_reason(R.PAIR_ALLOWED, _reason_text(reason, note))
        pair.save()
        return pair


def revoke_pair(*, pair_id: int, user) -> AllowedPair:
    """The pair's transfers are held again by the rules that hold; the pair stays, revoked, in the history."""
    _require(user, "change_allowedpair")
    with transaction.atomic():
        pair = AllowedPair.objects.select_for_update().filter(pk=pair_id).first()
        if pair is None:
            raise MonitoringError(_("Cette paire n'existe pas."), "unknown")
        require_establishment(
            user, pair.establishment_id,
            MonitoringError(_("Cette paire ne relève pas de vos établissements."), "out_of_scope"),
        )
        if not pair.active:
            raise MonitoringError(_("Cette paire a déjà été retirée."), "revoked")
        pair.active = False
        pair.revoked_at = timezone.now()
        pair._history_user = user
        pair._change_reason = audit_reason(R.PAIR_REVOKED)
        pair.save(update_fields=["active", "revoked_at"])
        return pair


def update_rule(
    *, rule_id: int, user, enabled: bool, holds: bool, threshold: int, window_days: int, margin_percent: int
) -> Rule:
    """The national role changes a rule's thresholds; the history keeps the old and new values."""
    if user is None or not user.has_national_scope or not user.has_perm("monitoring.change_rule"):
        raise MonitoringError(_("Seul le niveau national modifie les règles."), "forbidden")
    if threshold < 0 or window_days < 0 or margin_percent < 0:
        raise MonitoringError(_("Les seuils sont des nombres positifs ou nuls."), "value")
    if window_days > WINDOW_MAX_DAYS:
        raise MonitoringError(_("La période tient en %(max)d jours au plus.") % {"max": WINDOW_MAX_DAYS}, "value")
    if margin_percent > MARGIN_MAX_PERCENT:
        raise MonitoringError(_("La marge est de %(max)d %% au plus.") % {"max": MARGIN_MAX_PERCENT}, "value")
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(pk=rule_id).first()
        if rule is None:
            raise MonitoringError(_("Cette règle n'existe pas."), "unknown")
        new = {"enabled": enabled, "holds": holds, "threshold": threshold, "window_days": window_days,
               "margin_percent": margin_percent}
        changes = [f"{field} {getattr(rule, field)} → {value}" for field, value in new.items()
                   if getattr(rule, field) != value]
        if not changes:
            return rule
        for field, value in new.items():
            setattr(rule, field, value)
        rule._history_user = user
        rule._change_reason = audit_reason(R.RULE_CHANGED, ", ".join(changes))
        rule.save()
        return rule
