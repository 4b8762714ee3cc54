"""The at-initiation rules through the relative's own steps (create_draft, then reserve): each fires one above
its threshold and not at it, with the thresholds in force; a disabled rule never fires; a rule that does not
hold flags; an allowed pair is accepted automatically; the queries do not grow with the history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.constants import AlertKind, AlertStatus, MonitoringAuditReason, RuleCode
from monitoring.models import Alert, AlertHit, Rule
from monitoring.services.screening import screen_reserved
from tests.establishments.factories import BankFactory, EstablishmentFactory
from tests.monitoring.factories import AllowedPairFactory
from tests.permits.factories import DetaineeFactory
from tests.transfers.factories import RegisteredPermitFactory, RelativeFactory, TransferFactory
from transfers import services
from transfers.constants import HELD_LABEL, TransferStatus
from transfers.models import Transfer

pytestmark = pytest.mark.django_db
R = RuleCode


@pytest.fixture
def est():
    # Monthly caps out of the way: the rules, not the caps, are under test.
    return EstablishmentFactory(max_per_detainee_month=Decimal("10000"), max_per_sender_month=Decimal("10000"))


def permit_for(est, relative=None, detainee=None):
    relative = relative or RelativeFactory()
    detainee = detainee or DetaineeFactory(establishment=est)
    return RegisteredPermitFactory(
        relative=relative, permit__detainee=detainee,
        permit__holder_family_name=relative.family_name, permit__holder_first_names=relative.given_name,
        permit__holder_birth_date=relative.birthdate,
    )


def send(registration, amount="20") -> Transfer:
    """As the relative does: the amount page, then the bank chosen (the reservation runs the rules)."""
    draft = services.create_draft(relative=registration.relative, permit=registration.permit, amount=Decimal(amount))
    return services.reserve(transfer_id=draft.pk, bank=BankFactory())


def fired(transfer) -> set[str]:
    return set(AlertHit.objects.filter(alert__transfer=transfer).values_list("rule_code", flat=True))


def set_rule(code, **values):
    Rule.objects.filter(code=code).update(**values)


def payer_of_detainees(est, count):
    relative = RelativeFactory()
    return [send(permit_for(est, relative=relative)) for _ in range(count)]


def payers_of_detainee(est, count):
    detainee = DetaineeFactory(establishment=est)
    return [send(permit_for(est, detainee=detainee)) for _ in range(count)]


def pair_transfers(est, count, amount="20"):
    registration = permit_for(est)
    return [send(registration, amount) for _ in range(count)]


SCENARIOS = {
    # rule: (build `count` transfers, default threshold)
    R.PAYER_MANY_DETAINEES: (payer_of_detainees, 1),
    R.DETAINEE_MANY_PAYERS: (payers_of_detainee, 3),
    R.FREQUENT_PAIR: (pair_transfers, 3),
    R.NEAR_CAP: (lambda est, count: pair_transfers(est, count, "195"), 2),
}


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_each_rule_fires_one_above_its_default_threshold_and_not_at_it(est, code):
    build, threshold = SCENARIOS[code]
    assert Rule.objects.get(code=code).threshold == threshold
    transfers = build(est, threshold + 1)
    assert all(code not in fired(t) for t in transfers[:-1])
    last = transfers[-1]
    assert code in fired(last)
    hit = AlertHit.objects.get(alert__transfer=last, rule_code=code)
    assert (hit.measured, hit.threshold) == (threshold + 1, threshold)
    assert f"(seuil : plus de {threshold})" in hit.detail
    last.refresh_from_db()
    assert last.held and last.status == TransferStatus.AWAITING_AUTHORIZATION
    alert = Alert.objects.get(transfer=last)
    assert (alert.kind, alert.status) == (AlertKind.HELD, AlertStatus.OPEN)
    assert alert.history.first().history_change_reason == MonitoringAuditReason.ALERT_RAISED.value


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_a_changed_threshold_is_the_one_in_force(est, code):
    build, _default = SCENARIOS[code]
    set_rule(code, threshold=4)
    transfers = build(est, 5)
    assert [code in fired(t) for t in transfers] == [False, False, False, False, True]


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_a_disabled_rule_never_fires(est, code):
    build, threshold = SCENARIOS[code]
    set_rule(code, enabled=False)
    transfers = build(est, threshold + 3)
    assert not any(code in fired(t) for t in transfers)


def test_the_detail_reads_in_french(est):
    *_first, last = payer_of_detainees(est, 2)
    hit = AlertHit.objects.get(alert__transfer=last, rule_code=R.PAYER_MANY_DETAINEES)
    assert hit.detail == "2 personnes détenues en 30 jours (seuil : plus de 1)"


def test_a_rule_that_does_not_hold_flags_only(est):
    set_rule(R.PAYER_MANY_DETAINEES, holds=False)
    *_first, last = payer_of_detainees(est, 2)
    last.refresh_from_db()
    assert not last.held
    alert = Alert.objects.get(transfer=last)
    assert (alert.kind, alert.status) == (AlertKind.FLAGGED, AlertStatus.OPEN)


def test_an_allowed_pair_is_accepted_automatically_and_not_held(est):
    relative = RelativeFactory()
    first = send(permit_for(est, relative=relative))
    second_registration = permit_for(est, relative=relative)
    AllowedPairFactory(relative=relative, detainee=second_registration.permit.detainee)
    second = send(second_registration)
    second.refresh_from_db()
    assert not second.held and second.status_label != HELD_LABEL
    alert = Alert.objects.get(transfer=second)
    assert alert.status == AlertStatus.AUTO_ACCEPTED and alert.decided_at is not None
    assert fired(second) == {R.PAYER_MANY_DETAINEES}
    assert not Alert.objects.filter(transfer=first).exists()


def test_transfers_that_no_longer_count_are_not_counted(est):
    relative = RelativeFactory()
    old = send(permit_for(est, relative=relative))
    Transfer.objects.filter(pk=old.pk).update(status=TransferStatus.REJECTED)
    second = send(permit_for(est, relative=relative))
    assert fired(second) == set()


def test_transfers_outside_the_window_are_not_counted(est):
    relative = RelativeFactory()
    old = send(permit_for(est, relative=relative))
    Transfer.objects.filter(pk=old.pk).update(initiated_at=timezone.now() - timezone.timedelta(days=31))
    second = send(permit_for(est, relative=relative))
    assert R.PAYER_MANY_DETAINEES not in fired(second)


def test_near_cap_counts_the_month_total_brought_just_under_the_monthly_cap():
    est = EstablishmentFactory(max_per_sender_month=Decimal("300"), max_per_detainee_month=Decimal("10000"))
    registration = permit_for(est)
    set_rule(R.NEAR_CAP, threshold=0)
    first = send(registration, "100")
    second = send(registration, "190")  # month total 290: within 5 % under 300
    assert R.NEAR_CAP not in fired(first)
    assert R.NEAR_CAP in fired(second)


def screening_queries(est, past: int, registration) -> int:
    for _ in range(past):
        TransferFactory(relative=registration.relative, permit=registration.permit, amount=Decimal("195"))
    draft = services.create_draft(relative=registration.relative, permit=registration.permit, amount=Decimal("10"))
    Transfer.objects.filter(pk=draft.pk).update(status=TransferStatus.AWAITING_AUTHORIZATION,
                                                initiated_at=timezone.now())
    transfer = Transfer.objects.select_related("establishment").get(pk=draft.pk)
    with CaptureQueriesContext(connection) as queries:
        screen_reserved(transfer=transfer)
    return len(queries)


@pytest.mark.parametrize("threshold", [0, 10_000])
def test_the_queries_do_not_grow_with_the_history(threshold):
    """With every rule firing (threshold 0) or none (10,000): the same queries for 1 and 50 past transfers."""
    Rule.objects.update(threshold=threshold)
    est = EstablishmentFactory(max_per_detainee_month=None, max_per_sender_month=None)
    few = screening_queries(est, 1, permit_for(est))
    many = screening_queries(est, 50, permit_for(est))
    assert few == many
    assert few <= (4 if threshold else 16)
