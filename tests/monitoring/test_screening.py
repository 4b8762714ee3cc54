"""The statement's rules through the real flows: the relative sends (create_draft, reserve), the régie imports
its camt.053 (import_statement), the cashier batch is generated (generate_batch). A payer whose bank gives
another name is held and stays out of the batch; an account shared by two relatives is held; a transfer
screened once credited is only flagged; importing again duplicates nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.constants import AlertKind, AlertStatus, RuleCode, ScreeningPoint
from monitoring.models import Alert, AlertHit, PayerAccount, Rule
from monitoring.services.screening import screen_received
from reconciliation.camt import CamtError
from reconciliation.constants import MatchOutcome
from reconciliation.models import CashierBatchLine, StatementEntry
from reconciliation.services.cashier import generate_batch
from reconciliation.services.exceptions import assign_entry
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import BankFactory, EstablishmentFactory
from tests.permits.factories import DetaineeFactory
from tests.reconciliation.camt_files import build, credit, write
from tests.transfers.factories import RegisteredPermitFactory, RelativeFactory
from transfers import services
from transfers.constants import HELD_LABEL, TransferStatus
from transfers.models import Transfer

pytestmark = pytest.mark.django_db
S = TransferStatus
R = RuleCode
REGIE_IBAN = "FR7610071750000000100012302"
ANGELA_IBAN = "FR7630004000000001234567845"
PIERRE_IBAN = "FR7630006000011234567890189"


@pytest.fixture
def est():
    return EstablishmentFactory(code="ETABA", regie_iban=REGIE_IBAN)


def angela():
    return RelativeFactory(given_name="Angela Claire Louise", family_name="DUBOIS")


def pierre():
    return RelativeFactory(given_name="Pierre", family_name="DUPONT")


def send(est, relative, amount="50", *, again: Transfer | None = None) -> Transfer:
    """As the relative does: a permit of their own on their space (``again``'s), the amount, the bank."""
    registration = again.permit.registrations.get(relative=relative) if again else RegisteredPermitFactory(
        relative=relative, permit__detainee=DetaineeFactory(establishment=est),
        permit__holder_family_name=relative.family_name, permit__holder_first_names=relative.given_name,
        permit__holder_birth_date=relative.birthdate,
    )
    draft = services.create_draft(relative=relative, permit=registration.permit, amount=Decimal(amount))
    return services.reserve(transfer_id=draft.pk, bank=BankFactory())


def statement(tmp_path, payments, *, msg_id="MSG-1", user=None):
    """The régie's statement of the day paying each (transfer, holder name, IBAN)."""
    entries = [credit(f"{t.amount:.2f}", t.reference, debtor=name, debtor_iban=iban) for t, name, iban in payments]
    content = build(iban=REGIE_IBAN, entries=entries, msg_id=msg_id, day=timezone.localdate().isoformat())
    return import_statement(path=write(tmp_path, content, f"{msg_id}.xml"), user=user)


def fired(transfer) -> set[str]:
    return set(AlertHit.objects.filter(alert__transfer=transfer).values_list("rule_code", flat=True))


def test_a_payer_with_another_name_is_held_and_stays_out_of_the_batch(tmp_path, est):
    regie = StaffFactory(role="regie", establishments=[est])
    own = send(est, angela())
    other = send(est, pierre())
    statement(tmp_path, [(own, "MME DUBOIS ANGELA", ANGELA_IBAN), (other, "M OU MME MARTIN PAUL", PIERRE_IBAN)],
              user=regie)
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == other.status == S.RECEIVED
    assert not own.held and fired(own) == set()
    assert other.held and other.status_label == HELD_LABEL
    alert = Alert.objects.get(transfer=other)
    assert (alert.kind, alert.status, alert.raised_at_point) == (AlertKind.HELD, AlertStatus.OPEN,
                                                                 ScreeningPoint.STATEMENT)
    hit = alert.hits.get()
    assert hit.rule_code == R.NAME_MISMATCH and "M OU MME MARTIN PAUL" in hit.detail
    assert other.history.first().history_user == regie

    batch = generate_batch(establishment_id=est.pk, day=timezone.localdate()).batch
    assert list(CashierBatchLine.objects.filter(batch=batch).values_list("transfer_id", flat=True)) == [own.pk]
    assert PayerAccount.objects.get(relative=other.relative).holder_name == "M OU MME MARTIN PAUL"


def test_one_account_paying_for_two_relatives_is_held(tmp_path, est):
    first = send(est, angela())
    statement(tmp_path, [(first, "DUBOIS ANGELA", ANGELA_IBAN)], msg_id="MSG-1")
    second = send(est, pierre())
    statement(tmp_path, [(second, "DUPONT PIERRE", ANGELA_IBAN)], msg_id="MSG-2")
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.held and fired(first) == set()
    assert second.held and fired(second) == {R.SHARED_ACCOUNT}
    hit = AlertHit.objects.get(alert__transfer=second)
    assert (hit.measured, hit.threshold) == (2, 1)
    assert set(PayerAccount.objects.filter(iban=ANGELA_IBAN).values_list("relative_id", flat=True)) == {
        first.relative_id, second.relative_id,
    }


def test_the_same_relative_paying_again_from_their_account_is_not_shared(tmp_path, est):
    relative = angela()
    first = send(est, relative)
    statement(tmp_path, [(first, "DUBOIS ANGELA", ANGELA_IBAN)], msg_id="MSG-1")
    second = send(est, relative, again=first)
    statement(tmp_path, [(second, "DUBOIS A", ANGELA_IBAN)], msg_id="MSG-2")
    assert not Alert.objects.exists()
    account = PayerAccount.objects.get()
    assert (account.transfer_count, account.holder_name) == (2, "DUBOIS A")


def test_a_transfer_screened_once_credited_is_flagged_not_held(tmp_path, est):
    transfer = send(est, angela())
    statement(tmp_path, [(transfer, "DUBOIS ANGELA", ANGELA_IBAN)])
    generate_batch(establishment_id=est.pk, day=timezone.localdate())
    services.mark_credited(transfer_id=transfer.pk)
    # The relative's identity changed at their next FranceConnect login; the statement is screened again.
    transfer.relative.family_name = "MARTIN"
    transfer.relative.save()
    alerts = screen_received(transfer_ids=[transfer.pk])
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED and not transfer.held
    assert [(a.kind, a.status) for a in alerts] == [(AlertKind.FLAGGED, AlertStatus.OPEN)]
    assert fired(transfer) == {R.NAME_MISMATCH}


def test_importing_again_duplicates_nothing(tmp_path, est):
    transfer = send(est, pierre())
    payments = [(transfer, "SARL DUPONT", PIERRE_IBAN)]
    statement(tmp_path, payments, msg_id="MSG-1")
    with pytest.raises(CamtError):
        statement(tmp_path, payments, msg_id="MSG-1")
    statement(tmp_path, payments, msg_id="MSG-2")  # the next day's statement shows the same payment again
    assert StatementEntry.objects.filter(outcome=MatchOutcome.DUPLICATE).count() == 1
    assert Alert.objects.filter(transfer=transfer).count() == 1
    assert AlertHit.objects.filter(alert__transfer=transfer).count() == 1
    assert PayerAccount.objects.get().transfer_count == 1


def test_a_disabled_name_rule_holds_nothing_but_the_account_is_recorded(tmp_path, est):
    Rule.objects.filter(code=R.NAME_MISMATCH).update(enabled=False)
    transfer = send(est, pierre())
    statement(tmp_path, [(transfer, "SARL DUPONT", PIERRE_IBAN)])
    transfer.refresh_from_db()
    assert not transfer.held and not Alert.objects.exists()
    assert PayerAccount.objects.get().holder_name == "SARL DUPONT"


def test_a_held_alert_from_the_initiation_gets_the_statements_hits(tmp_path, est):
    relative = pierre()
    first = send(est, relative)
    second = send(est, relative)  # a second detainee: PAYER_MANY_DETAINEES holds it at the reservation
    statement(tmp_path, [(first, "DUPONT PIERRE", PIERRE_IBAN), (second, "PAUL MARTIN", PIERRE_IBAN)])
    alert = Alert.objects.get(transfer=second)
    assert alert.raised_at_point == ScreeningPoint.INITIATION
    assert set(alert.hits.values_list("rule_code", "point")) == {
        (R.PAYER_MANY_DETAINEES, ScreeningPoint.INITIATION), (R.NAME_MISMATCH, ScreeningPoint.STATEMENT),
    }


def test_a_payment_assigned_by_hand_is_screened_with_its_payer(tmp_path, est):
    regie = StaffFactory(role="regie", establishments=[est])
    transfer = send(est, pierre())
    # The bank lost the reference: the entry waits in the exceptions queue until the régie assigns it.
    content = build(iban=REGIE_IBAN, day=timezone.localdate().isoformat(), entries=[
        credit(f"{transfer.amount:.2f}", "NOTPROVIDED", "CADEAU", debtor="SARL INCONNUE", debtor_iban=PIERRE_IBAN),
    ])
    import_statement(path=write(tmp_path, content), user=regie)
    entry = StatementEntry.objects.get()
    assign_entry(entry_id=entry.pk, reference=transfer.reference, user=regie)
    transfer.refresh_from_db()
    assert transfer.status == S.RECEIVED and transfer.held
    assert fired(transfer) == {R.NAME_MISMATCH}
