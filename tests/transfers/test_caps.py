"""The caps: what counts this month and what is refused (transfers.caps), and the régie's caps and the national
ceilings in the back office: the régie sets its establishment's caps, never above the national ceiling; national
administrators set the ceilings; the caps in force are the lower of the two."""

import datetime
import html
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from establishments.models import Establishment, NationalCeiling
from permits.constants import DetaineeStatus, PermitKind, PermitStatus
from permits.eligibility import eligibility
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import BankFactory, EstablishmentFactory, NationalCeilingFactory
from transfers import caps, services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
pytestmark = pytest.mark.django_db


def send(reg, amount, bank=None):
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal(amount))
    return services.reserve(transfer_id=transfer.pk, bank=bank or BankFactory())


def test_minimum_and_per_transfer_maximum_are_refused_in_french():
    reg = RegisteredPermitFactory()  # factory caps: 1 € min, 200 € per transfer
    with pytest.raises(services.TransferRefused, match="montant minimum d'un virement est de 1,00"):
        send(reg, "0.50")
    with pytest.raises(services.TransferRefused, match="montant maximum d'un virement est de 200,00"):
        send(reg, "250")
    assert not Transfer.objects.exists()


def test_sender_monthly_cap_counts_every_detainee_of_the_establishment():
    reg = RegisteredPermitFactory()
    for amount in ("200", "100"):
        send(reg, amount)
    with pytest.raises(services.TransferRefused, match="plafond mensuel de 300,00.*par expéditeur.*reste 0,00"):
        send(reg, "1")
    assert Transfer.objects.filter(status=S.AWAITING_AUTHORIZATION).count() == 2


def test_detainee_monthly_cap_counts_all_senders():
    first = RegisteredPermitFactory()
    detainee = first.permit.detainee
    others = [RegisteredPermitFactory(permit__detainee=detainee) for _ in range(2)]
    send(first, "200")
    send(others[0], "150")
    with pytest.raises(services.TransferRefused, match="plafond mensuel de 400,00.*personne détenue.*reste 50,00"):
        send(others[1], "60")
    send(others[1], "50")
    assert caps.counted_this_month(detainee_id=detainee.pk) == Decimal("400.00")


def test_expired_rejected_and_draft_transfers_do_not_count_but_last_month_does_not_either():
    reg = RegisteredPermitFactory()
    common = {"relative": reg.relative, "permit": reg.permit, "amount": Decimal("200")}
    for status in (S.EXPIRED, S.REJECTED, S.TO_REFUND, S.REFUNDED):
        TransferFactory(status=status, **common)
    TransferFactory(status=S.DRAFT, initiated_at=None, **common)
    TransferFactory(status=S.CREDITED, initiated_at=timezone.now() - datetime.timedelta(days=40), **common)
    current = caps.allowance(relative=reg.relative, detainee=reg.permit.detainee)
    assert (current.detainee_total, current.sender_total) == (Decimal("0.00"), Decimal("0.00"))
    assert current.left_for_sender == Decimal("300.00") and current.max_now == Decimal("200.00")


def test_calendar_month_is_that_of_paris():
    # 31 March 2026 23:30 UTC is 1 April 01:30 in Paris.
    at = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    start, end = caps.month_bounds(at)
    assert (start.month, start.day, end.month) == (4, 1, 5)
    assert start.utcoffset() == datetime.timedelta(hours=2)


def test_the_national_ceiling_bounds_the_establishment_caps():
    NationalCeilingFactory(max_per_transfer=Decimal("100.00"))
    reg = RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused, match="maximum d'un virement est de 100,00"):
        send(reg, "150")


def test_a_draft_is_kept_once_per_form_even_when_submitted_twice():
    reg = RegisteredPermitFactory()
    key = uuid.uuid4()
    a = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("50"), idempotency_key=key)
    b = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("50"), idempotency_key=key)
    assert a.pk == b.pk and Transfer.objects.count() == 1
    other = RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused):
        services.create_draft(relative=other.relative, permit=other.permit, amount=Decimal("5"), idempotency_key=key)


def test_reserving_twice_reserves_once():
    reg = RegisteredPermitFactory()
    bank = BankFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("200"))
    services.reserve(transfer_id=transfer.pk, bank=bank)
    services.reserve(transfer_id=transfer.pk, bank=bank)
    assert caps.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("200.00")
    assert transfer.history.filter(status=S.AWAITING_AUTHORIZATION).count() == 1


def test_a_permit_not_registered_by_this_relative_is_refused():
    reg, other = RegisteredPermitFactory(), RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused, match="n'est pas enregistré"):
        services.create_draft(relative=other.relative, permit=reg.permit, amount=Decimal("10"))


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"permit__status": PermitStatus.SUSPENDED}, "suspendu"),
        ({"permit__status": PermitStatus.REVOKED}, "retiré"),
        ({"permit__status": PermitStatus.EXPIRED}, "expiré"),
        ({"permit__valid_until": datetime.date(2026, 1, 31), "permit__valid_from": datetime.date(2025, 1, 1)},
         "plus valable depuis le 31/01/2026"),
        ({"permit__valid_from": datetime.date(2099, 1, 1)}, "qu'à partir du 01/01/2099"),
        ({"permit__kind": PermitKind.TEMPORARY}, "temporaire"),
        ({"permit__detainee__status": DetaineeStatus.RELEASED}, "libérée"),
        ({"permit__detainee__status": DetaineeStatus.TRANSFERRED}, "transférée"),
        ({"permit__detainee__may_receive_money": False}, "ne peut pas recevoir d'argent"),
        ({"permit__detainee__establishment__transfers_enabled": False}, "n'accepte pas les virements"),
    ],
)
def test_a_permit_that_cannot_be_used_says_why_and_nothing_is_created(change, reason):
    reg = RegisteredPermitFactory(**change)
    reasons = eligibility(reg.permit, today=datetime.date(2026, 6, 1)).messages
    assert any(reason in r for r in reasons)
    if "valid_until" not in str(change):
        with pytest.raises(services.TransferRefused, match=reason):
            services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    assert not Transfer.objects.exists()


def test_a_temporary_permit_with_authorisation_may_be_used():
    reg = RegisteredPermitFactory(permit__kind=PermitKind.TEMPORARY, permit__transfers_authorized=True)
    assert eligibility(reg.permit).messages == []


def test_eligibility_is_checked_again_at_reservation():
    reg = RegisteredPermitFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    reg.permit.detainee.may_receive_money = False
    reg.permit.detainee.save()
    with pytest.raises(services.TransferRefused, match="ne peut pas recevoir"):
        services.reserve(transfer_id=transfer.pk, bank=BankFactory())
    transfer.refresh_from_db()
    assert transfer.status == S.DRAFT


def test_after_a_silent_bank_the_payer_may_choose_another_one_without_a_second_reservation():
    reg = RegisteredPermitFactory()
    first, second = BankFactory(), BankFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("100"))
    services.reserve(transfer_id=transfer.pk, bank=first)
    services.reserve(transfer_id=transfer.pk, bank=second)
    transfer.refresh_from_db()
    assert transfer.bank == second
    assert caps.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("100.00")
    Transfer.objects.filter(pk=transfer.pk).update(payment_request_id="made-at-second")
    services.reserve(transfer_id=transfer.pk, bank=first)  # once the request exists, the bank stays
    assert Transfer.objects.get(pk=transfer.pk).bank == second


# -- the régie's caps and the national ceilings in the back office -----------------------------------

CAP_NAMES = ("min_amount", "max_per_transfer", "max_per_detainee_month", "max_per_sender_month")


def _caps_form(establishment, **changes):
    values = {name: getattr(establishment, name) for name in CAP_NAMES}
    data = {name: "" if value is None else str(value) for name, value in values.items()}
    # The page's other field of the régie, as the browser sends it back (its current value).
    data["cashier_cutoffs"] = ", ".join(establishment.cashier_cutoffs)
    return {**data, **changes}


@pytest.fixture
def establishment(db):
    return EstablishmentFactory(code="CPA")


@pytest.fixture
def regie(client, establishment):
    user = StaffFactory(role="regie", establishments=[establishment])
    login_staff(client, user)
    return user


def _change(client, establishment, data):
    return client.post(reverse("admin:establishments_establishment_change", args=(establishment.pk,)), data)


def _change_ceiling(client, ceiling, follow=False, **values):
    data = {name: values.get(name, "") for name in CAP_NAMES}
    return client.post(reverse("admin:establishments_nationalceiling_change", args=(ceiling.pk,)), data, follow=follow)


def test_regie_sets_a_cap_below_the_ceiling(client, establishment, regie):
    NationalCeilingFactory(max_per_transfer=Decimal("500.00"))
    response = _change(client, establishment, _caps_form(establishment, max_per_transfer="250.00"))
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("250.00")
    assert establishment.history.latest().history_user == regie


def test_regie_cannot_set_a_cap_above_the_national_ceiling(client, establishment, regie):
    NationalCeilingFactory(max_per_transfer=Decimal("300.00"), max_per_sender_month=Decimal("500.00"))
    response = _change(
        client, establishment, _caps_form(establishment, max_per_transfer="300.01", max_per_sender_month="900")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "(300,01\u00a0€) dépasse le plafond national (300,00\u00a0€)" in errors["max_per_transfer"][0]
    assert "(900,00\u00a0€) dépasse le plafond national (500,00\u00a0€)" in errors["max_per_sender_month"][0]
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")
    assert establishment.history.count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"min_amount": "250", "max_per_transfer": "200"}, "Le montant minimum ne peut dépasser"),
        ({"max_per_transfer": "-5"}, "supérieure ou égale à 0"),
        ({"max_per_transfer": "abc"}, "Saisissez un nombre"),
        ({"max_per_transfer": "12.345"}, "2 chiffres après la virgule"),
    ],
)
def test_bad_caps_are_refused_in_french(client, establishment, regie, changes, message):
    response = _change(client, establishment, _caps_form(establishment, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")
    assert establishment.min_amount == Decimal("1.00")


def test_regie_changes_only_the_caps(client, establishment, regie):
    data = _caps_form(establishment, max_per_transfer="150", name="Renommé", regie_iban="", transfers_enabled="")
    response = _change(client, establishment, data)
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("150.00")
    assert establishment.name != "Renommé"
    assert establishment.regie_iban and establishment.transfers_enabled


def test_regie_cannot_change_another_establishments_caps(client, establishment, regie):
    other = EstablishmentFactory(code="CPB")
    response = _change(client, other, _caps_form(other, max_per_transfer="10"))
    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert other.max_per_transfer == Decimal("200.00")


def test_empty_cap_means_none(client, establishment, regie):
    response = _change(client, establishment, _caps_form(establishment, max_per_sender_month=""))
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_sender_month is None


def test_national_sets_the_ceiling_once(client, db):
    national = StaffFactory(role="national")
    login_staff(client, national)
    assert client.get(reverse("admin:establishments_nationalceiling_add")).status_code == 200
    response = client.post(
        reverse("admin:establishments_nationalceiling_add"),
        {"min_amount": "", "max_per_transfer": "1000", "max_per_detainee_month": "2000", "max_per_sender_month": ""},
    )
    assert response.status_code == 302
    ceiling = NationalCeiling.objects.get()
    assert ceiling.max_per_transfer == Decimal("1000.00")
    assert ceiling.history.latest().history_user == national
    # A single row: no second one, and it is never deleted.
    assert client.get(reverse("admin:establishments_nationalceiling_add")).status_code == 403
    assert client.get(reverse("admin:establishments_nationalceiling_delete", args=(ceiling.pk,))).status_code == 403


def test_ceiling_with_minimum_above_maximum_is_refused(client, db):
    ceiling = NationalCeilingFactory()
    login_staff(client, StaffFactory(role="national"))
    response = _change_ceiling(client, ceiling, min_amount="50", max_per_transfer="10")
    assert response.status_code == 200
    assert "Le montant minimum ne peut dépasser le montant maximum" in response.content.decode()
    ceiling.refresh_from_db()
    assert ceiling.min_amount is None


def test_lowering_the_ceiling_warns_and_bounds_existing_caps(client, establishment):
    ceiling = NationalCeilingFactory()
    login_staff(client, StaffFactory(role="national"))
    response = _change_ceiling(client, ceiling, max_per_transfer="100", follow=True)
    assert "au-dessus du plafond national" in response.content.decode()
    assert html.escape(str(establishment)) in response.content.decode()
    assert caps.effective_caps(establishment).max_per_transfer == Decimal("100.00")
    # The establishment keeps its own figure, which applies again if the ceiling is raised.
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")


def test_regie_cannot_change_the_ceiling(client, establishment, regie):
    ceiling = NationalCeilingFactory(max_per_transfer=Decimal("300.00"))
    response = _change_ceiling(client, ceiling, max_per_transfer="5000")
    assert response.status_code == 403
    ceiling.refresh_from_db()
    assert ceiling.max_per_transfer == Decimal("300.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "own, bound, expected",
    [
        ("200.00", "300.00", "200.00"),
        ("200.00", "150.00", "150.00"),
        (None, "150.00", "150.00"),
        ("200.00", None, "200.00"),
        (None, None, None),
    ],
)
def test_effective_cap_is_the_lower_of_own_and_ceiling(own, bound, expected):
    establishment = EstablishmentFactory(max_per_transfer=own and Decimal(own))
    NationalCeilingFactory(max_per_transfer=bound and Decimal(bound))
    caps_in_force = caps.effective_caps(Establishment.objects.get(pk=establishment.pk))
    assert caps_in_force.max_per_transfer == (expected and Decimal(expected))
    assert isinstance(caps_in_force, caps.EffectiveCaps)


@pytest.mark.django_db
def test_effective_caps_without_any_ceiling_are_the_establishments():
    establishment = EstablishmentFactory()
    assert caps.effective_caps(establishment) == caps.EffectiveCaps(
        Decimal("1.00"), Decimal("200.00"), Decimal("400.00"), Decimal("300.00")
    )
