"""The review's services (monitoring.services.review): taking an alert, accepting (the held transfer released and
batched, the pair accepted always), rejecting (the received transfer to the four-eyes refund flow), the pairs and
the rules' thresholds, and every refusal in French with nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.constants import (
    AlertKind,
    AlertStatus,
    Decision,
    DecisionReason,
    MonitoringAuditReason,
    RuleCode,
)
from monitoring.errors import MonitoringError
from monitoring.models import Alert, AllowedPair, Rule
from monitoring.services.review import allow_pair, assign_alert, decide_alert, revoke_pair, update_rule
from monitoring.services.screening import screen_reserved
from reconciliation.constants import RefundStatus
from reconciliation.models import Refund
from reconciliation.services.cashier import generate_batch
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import BankFactory, EstablishmentFactory
from tests.permits.factories import DetaineeFactory
from tests.reconciliation.helpers import establishment, executed_transfer, receive
from tests.transfers.factories import RegisteredPermitFactory, RelativeFactory
from transfers import services as transfer_services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .factories import AlertFactory, AlertHitFactory, AllowedPairFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    """An establishment with a held transfer (executed, not yet received) and its open alert, its security
    officer, another establishment's officer, an auditor and a national administrator."""
    est = establishment()
    transfer = executed_transfer(est)
    transfer.held = True
    transfer.save(update_fields=["held"])
    alert = AlertFactory(transfer=transfer)
    AlertHitFactory(alert=alert)
    return {
        "est": est, "transfer": transfer, "alert": alert,
        "officer": StaffFactory(role="securite", establishments=[est]),
        "stranger": StaffFactory(
            role="securite", establishments=[establishment("ETABB", "FR7630006000011234567890189")]
        ),
        "auditor": StaffFactory(role="auditeur"),
        "national": StaffFactory(role="national"),
    }


def _refused(code: str, **kwargs) -> MonitoringError:
    with pytest.raises(MonitoringError) as info:
        decide_alert(**kwargs)
    assert info.value.code == code
    return info.value


def test_taking_an_alert_names_the_reviewer_and_a_takeover_keeps_the_first_in_the_history(case):
    alert = assign_alert(alert_id=case["alert"].pk, user=case["officer"])
    assert alert.assigned_to == case["officer"] and alert.assigned_at is not None
    colleague = StaffFactory(role="securite", establishments=[case["est"]])
    assign_alert(alert_id=alert.pk, user=colleague)
    alert.refresh_from_db()
    assert alert.assigned_to == colleague
    last = alert.history.first()
    assert last.history_user == colleague
    assert last.history_change_reason == f"{MonitoringAuditReason.ALERT_ASSIGNED.value}:{case['officer'].username}"


def test_accepting_releases_the_transfer_and_the_next_batch_takes_it(case, tmp_path):
    receive(tmp_path, case["est"], [case["transfer"]])
    held_batch = generate_batch(establishment_id=case["est"].pk, day=None, user=None)
    assert held_batch.batch is None or not held_batch.batch.lines.filter(transfer=case["transfer"]).exists()

    alert = decide_alert(alert_id=case["alert"].pk, user=case["officer"], decision=Decision.ACCEPT,
                         reason=DecisionReason.FAMILY_CHECKED, note="Mère de la personne détenue")
    assert alert.status == AlertStatus.ACCEPTED and alert.decided_by == case["officer"]
    assert alert.assigned_to == case["officer"]
    case["transfer"].refresh_from_db()
    assert case["transfer"].held is False
    # The held transfer was left out of the day's batch: the next day's takes it.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    result = generate_batch(establishment_id=case["est"].pk, day=tomorrow, user=None)
    assert result.batch is not None
    assert result.batch.lines.filter(transfer=case["transfer"]).exists()
    assert alert.history.first().history_change_reason.startswith(MonitoringAuditReason.ALERT_ACCEPTED.value)


def test_accepting_a_flagged_alert_marks_it_seen_and_leaves_the_credited_transfer(case):
    credited = executed_transfer(case["est"])
    credited.status = TransferStatus.CREDITED
    credited.save(update_fields=["status"])
    flagged = AlertFactory(transfer=credited, kind=AlertKind.FLAGGED)
    alert = decide_alert(alert_id=flagged.pk, user=case["officer"], decision=Decision.ACCEPT,
                         reason=DecisionReason.FALSE_POSITIVE)
    assert alert.status == AlertStatus.ACCEPTED
    credited.refresh_from_db()
    assert (credited.status, credited.held) == (TransferStatus.CREDITED, False)
    assert not credited.history.filter(history_change_reason__startswith="transfer_released").exists()


def test_rejecting_a_received_transfer_sends_it_to_the_refund_file(case, tmp_path):
    receive(tmp_path, case["est"], [case["transfer"]])
    alert = decide_alert(alert_id=case["alert"].pk, user=case["officer"], decision=Decision.REJECT,
                         reason=DecisionReason.THIRD_PARTY_ACCOUNT, note="Compte d'un tiers")
    assert alert.status == AlertStatus.REJECTED
    case["transfer"].refresh_from_db()
    assert case["transfer"].status == TransferStatus.TO_REFUND
    refund = Refund.objects.get(transfer=case["transfer"])
    assert refund.status == RefundStatus.PENDING
    assert "Argent venant du compte d'un tiers : Compte d'un tiers" in refund.reason


def test_rejecting_before_the_money_arrived_is_refused_and_changes_nothing(case):
    error = _refused("not_received", alert_id=case["alert"].pk, user=case["officer"], decision=Decision.REJECT,
                     reason=DecisionReason.PRESSURE)
    assert "pas encore arrivé sur le compte de la régie" in error.message
    case["alert"].refresh_from_db()
    assert case["alert"].status == AlertStatus.OPEN
    assert not Refund.objects.exists()


def test_a_flagged_alert_is_rejected_for_the_record_only(case):
    credited = executed_transfer(case["est"])
    credited.status = TransferStatus.CREDITED
    credited.save(update_fields=["status"])
    flagged = AlertFactory(transfer=credited, kind=AlertKind.FLAGGED)
    alert = decide_alert(alert_id=flagged.pk, user=case["officer"], decision=Decision.REJECT,
                         reason=DecisionReason.LAUNDERING)
    assert alert.status == AlertStatus.REJECTED
    credited.refresh_from_db()
    assert credited.status == TransferStatus.CREDITED
    assert not Refund.objects.exists()


@pytest.mark.parametrize(("decision", "reason", "note", "code", "words"), [
    (Decision.ACCEPT, DecisionReason.PRESSURE, "", "reason", "ne correspond pas à la décision"),
    (Decision.REJECT, DecisionReason.FAMILY_CHECKED, "", "reason", "ne correspond pas à la décision"),
    (Decision.ACCEPT, DecisionReason.OTHER, "   ", "note", "Précisez le motif"),
    (Decision.ACCEPT, "", "", "reason", "Choisissez un motif"),
    ("maybe", DecisionReason.FAMILY_CHECKED, "", "decision", "Choisissez « Accepter » ou « Refuser »"),
    (Decision.ACCEPT, DecisionReason.FAMILY_CHECKED, "x" * 501, "note", "500 caractères"),
])
def test_a_reason_that_does_not_fit_is_refused_in_french(case, decision, reason, note, code, words):
    error = _refused(code, alert_id=case["alert"].pk, user=case["officer"], decision=decision, reason=reason,
                     note=note)
    assert words in error.message
    case["alert"].refresh_from_db()
    assert case["alert"].status == AlertStatus.OPEN


def test_other_with_a_note_is_accepted(case):
    alert = decide_alert(alert_id=case["alert"].pk, user=case["officer"], decision=Decision.ACCEPT,
                         reason=DecisionReason.OTHER, note="Appel du chef de détention")
    assert alert.decision_note == "Appel du chef de détention"


def test_out_of_scope_no_right_and_already_decided_are_refused(case):
    for user, code in ((case["stranger"], "out_of_scope"), (case["auditor"], "forbidden"),
                       (StaffFactory(role="regie", establishments=[case["est"]]), "forbidden")):
        error = _refused(code, alert_id=case["alert"].pk, user=user, decision=Decision.ACCEPT,
                         reason=DecisionReason.FAMILY_CHECKED)
        assert error.message
        with pytest.raises(MonitoringError):
            assign_alert(alert_id=case["alert"].pk, user=user)
    case["alert"].refresh_from_db()
    assert case["alert"].status == AlertStatus.OPEN and case["alert"].assigned_to is None
    decide_alert(alert_id=case["alert"].pk, user=case["officer"], decision=Decision.ACCEPT,
                 reason=DecisionReason.FAMILY_CHECKED)
    error = _refused("decided", alert_id=case["alert"].pk, user=case["officer"], decision=Decision.REJECT,
                     reason=DecisionReason.PRESSURE)
    assert "déjà été décidée" in error.message
    with pytest.raises(MonitoringError, match="déjà été décidée"):
        assign_alert(alert_id=case["alert"].pk, user=case["officer"])


def test_national_decides_everywhere(case):
    alert = decide_alert(alert_id=case["alert"].pk, user=case["national"], decision=Decision.ACCEPT,
                         reason=DecisionReason.HEAD_AUTHORISED)
    assert alert.status == AlertStatus.ACCEPTED


def test_always_accept_creates_the_pair_with_its_history(case):
    decide_alert(alert_id=case["alert"].pk, user=case["officer"], decision=Decision.ACCEPT,
                 reason=DecisionReason.FAMILY_CHECKED, note="Sœur", always_accept_pair=True)
    pair = AllowedPair.objects.get()
    transfer = case["transfer"]
    assert (pair.relative_id, pair.detainee_id, pair.establishment_id) == (
        transfer.relative_id, transfer.detainee_id, transfer.establishment_id)
    assert pair.active and pair.created_by == case["officer"] and pair.note == "Sœur"
    record = pair.history.get()
    assert record.history_user == case["officer"]
    assert record.history_change_reason.startswith(MonitoringAuditReason.PAIR_ALLOWED.value)
    # Allowing it again keeps the one pair in force.
    again = allow_pair(relative_id=transfer.relative_id, detainee_id=transfer.detainee_id, user=case["officer"],
                       reason=DecisionReason.FAMILY_CHECKED)
    assert again.pk == pair.pk and AllowedPair.objects.count() == 1


def test_always_accept_goes_with_accept_only(case, tmp_path):
    receive(tmp_path, case["est"], [case["transfer"]])
    _refused("pair", alert_id=case["alert"].pk, user=case["officer"], decision=Decision.REJECT,
             reason=DecisionReason.PRESSURE, always_accept_pair=True)
    assert not AllowedPair.objects.exists()


def test_revoking_a_pair_keeps_it_revoked_in_the_history(case):
    pair = AllowedPairFactory(detainee=case["transfer"].detainee)
    revoked = revoke_pair(pair_id=pair.pk, user=case["officer"])
    assert revoked.active is False and revoked.revoked_at is not None
    assert revoked.history.first().history_change_reason == MonitoringAuditReason.PAIR_REVOKED.value
    with pytest.raises(MonitoringError, match="déjà été retirée"):
        revoke_pair(pair_id=pair.pk, user=case["officer"])
    other = AllowedPairFactory(detainee=case["transfer"].detainee)
    with pytest.raises(MonitoringError, match="ne relève pas de vos établissements"):
        revoke_pair(pair_id=other.pk, user=case["stranger"])
    with pytest.raises(MonitoringError):
        revoke_pair(pair_id=other.pk, user=case["auditor"])
    other.refresh_from_db()
    assert other.active


def test_a_pair_out_of_scope_is_refused(case):
    with pytest.raises(MonitoringError, match="ne relève pas de vos établissements"):
        allow_pair(relative_id=case["transfer"].relative_id, detainee_id=case["transfer"].detainee_id,
                   user=case["stranger"], reason=DecisionReason.FAMILY_CHECKED)
    assert not AllowedPair.objects.exists()


def test_national_changes_a_rule_with_history_and_others_may_not(case):
    rule = Rule.objects.get(code=RuleCode.FREQUENT_PAIR)
    changed = update_rule(rule_id=rule.pk, user=case["national"], enabled=True, holds=False, threshold=5,
                          window_days=14, margin_percent=0)
    assert (changed.threshold, changed.window_days, changed.holds) == (5, 14, False)
    record = changed.history.first()
    assert record.history_user == case["national"]
    assert record.history_change_reason.startswith(MonitoringAuditReason.RULE_CHANGED.value)
    assert "threshold 3 → 5" in record.history_change_reason
    for user in (case["officer"], case["auditor"]):
        with pytest.raises(MonitoringError, match="niveau national"):
            update_rule(rule_id=rule.pk, user=user, enabled=False, holds=False, threshold=1, window_days=1,
                        margin_percent=0)
    with pytest.raises(MonitoringError, match="50 % au plus"):
        update_rule(rule_id=rule.pk, user=case["national"], enabled=True, holds=True, threshold=1, window_days=1,
                    margin_percent=80)
    rule.refresh_from_db()
    assert rule.threshold == 5


def _send(relative, detainee) -> Transfer:
    """As the relative does: the amount, then the bank (the reservation runs the rules)."""
    registration = RegisteredPermitFactory(
        relative=relative, permit__detainee=detainee, permit__holder_family_name=relative.family_name,
        permit__holder_first_names=relative.given_name, permit__holder_birth_date=relative.birthdate,
    )
    draft = transfer_services.create_draft(relative=relative, permit=registration.permit, amount=Decimal("20"))
    return transfer_services.reserve(transfer_id=draft.pk, bank=BankFactory())


def test_after_always_accept_the_pairs_next_transfer_is_accepted_automatically_and_not_held():
    est = EstablishmentFactory(max_per_detainee_month=Decimal("10000"), max_per_sender_month=Decimal("10000"))
    officer = StaffFactory(role="securite", establishments=[est])
    relative, second_detainee = RelativeFactory(), DetaineeFactory(establishment=est)
    _send(relative, DetaineeFactory(establishment=est))
    held = _send(relative, second_detainee)
    held.refresh_from_db()
    alert = Alert.objects.get(transfer=held)
    assert held.held and alert.kind == AlertKind.HELD and alert.status == AlertStatus.OPEN

    decide_alert(alert_id=alert.pk, user=officer, decision=Decision.ACCEPT, reason=DecisionReason.FAMILY_CHECKED,
                 always_accept_pair=True)
    held.refresh_from_db()
    assert not held.held

    following = _send(relative, second_detainee)
    following.refresh_from_db()
    assert not following.held
    again = Alert.objects.get(transfer=following)
    assert again.status == AlertStatus.AUTO_ACCEPTED
    # The engine's own entry point says the same for the pair.
    assert screen_reserved(transfer=following).status == AlertStatus.AUTO_ACCEPTED
