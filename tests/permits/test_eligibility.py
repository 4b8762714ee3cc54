"""permits.eligibility: the one rule of whether a registered permit may be used now, and why not."""

from __future__ import annotations

import datetime

import pytest

from permits.constants import (
    DetaineeStatus,
    EligibilityContact,
    Ineligibility,
    PermitKind,
    PermitStatus,
    RefusalReason,
    RegistrationStatus,
)
from permits.eligibility import eligibility
from tests.permits.factories import VisitPermitFactory
from tests.transfers.factories import RegisteredPermitFactory

TODAY = datetime.date(2026, 6, 1)

# Each ineligible case: what changes on an accepted registration, the code given, a part of its message.
INELIGIBLE = [
    ({"status": RegistrationStatus.PENDING}, Ineligibility.REGISTRATION_PENDING, "en attente de vérification"),
    ({"status": RegistrationStatus.REFUSED, "refusal_reason": RefusalReason.NOT_HOLDER},
     Ineligibility.REGISTRATION_REFUSED, "a refusé"),
    ({"permit__status": PermitStatus.SUSPENDED}, Ineligibility.PERMIT_SUSPENDED, "suspendu"),
    ({"permit__status": PermitStatus.REVOKED}, Ineligibility.PERMIT_REVOKED, "retiré"),
    ({"permit__status": PermitStatus.EXPIRED}, Ineligibility.PERMIT_EXPIRED, "a expiré"),
    ({"permit__valid_from": datetime.date(2099, 1, 1)}, Ineligibility.PERMIT_NOT_STARTED, "qu'à partir du 01/01/2099"),
    ({"permit__valid_from": datetime.date(2025, 1, 1), "permit__valid_until": datetime.date(2026, 1, 31)},
     Ineligibility.PERMIT_ENDED, "plus valable depuis le 31/01/2026"),
    ({"permit__kind": PermitKind.TEMPORARY}, Ineligibility.TEMPORARY_NOT_AUTHORIZED, "temporaire"),
    ({"permit__detainee__status": DetaineeStatus.RELEASED}, Ineligibility.DETAINEE_RELEASED, "libérée"),
    ({"permit__detainee__status": DetaineeStatus.TRANSFERRED}, Ineligibility.DETAINEE_TRANSFERRED, "transférée"),
    ({"permit__detainee__may_receive_money": False}, Ineligibility.DETAINEE_MAY_NOT_RECEIVE_MONEY,
     "ne peut pas recevoir d'argent"),
    ({"permit__detainee__establishment__transfers_enabled": False}, Ineligibility.ESTABLISHMENT_CLOSED,
     "n'accepte pas les virements"),
]


@pytest.mark.django_db
def test_an_accepted_registration_of_an_active_permit_may_be_used():
    answer = eligibility(RegisteredPermitFactory(), today=TODAY)
    assert answer.allowed and answer.reasons == () and answer.messages == []


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "code", "message"), INELIGIBLE)
def test_each_ineligible_case_gives_its_code_message_and_contact(change, code, message):
    answer = eligibility(RegisteredPermitFactory(**change), today=TODAY)
    assert not answer.allowed
    assert answer.codes == [code]
    assert message in answer.messages[0]
    expected = EligibilityContact.REGIE if "money" in code or "establishment" in code else EligibilityContact.GREFFE
    assert answer.contacts == [expected]


@pytest.mark.django_db
def test_a_pending_registration_is_answered_before_its_permit():
    registration = RegisteredPermitFactory(status=RegistrationStatus.PENDING, permit__status=PermitStatus.SUSPENDED)
    assert eligibility(registration, today=TODAY).codes == [Ineligibility.REGISTRATION_PENDING]
    assert eligibility(registration.permit, today=TODAY).codes == [Ineligibility.PERMIT_SUSPENDED]


@pytest.mark.django_db
def test_reasons_add_up():
    registration = RegisteredPermitFactory(permit__kind=PermitKind.TEMPORARY,
                                           permit__detainee__may_receive_money=False)
    assert eligibility(registration, today=TODAY).codes == [
        Ineligibility.TEMPORARY_NOT_AUTHORIZED, Ineligibility.DETAINEE_MAY_NOT_RECEIVE_MONEY,
    ]


@pytest.mark.parametrize(
    ("kind", "authorized", "status", "until", "allowed"),
    [
        (PermitKind.PERMANENT, False, PermitStatus.ACTIVE, None, True),
        (PermitKind.TEMPORARY, False, PermitStatus.ACTIVE, None, False),
        (PermitKind.TEMPORARY, True, PermitStatus.ACTIVE, None, True),
        (PermitKind.PERMANENT, False, PermitStatus.SUSPENDED, None, False),
        (PermitKind.PERMANENT, False, PermitStatus.ACTIVE, datetime.date(2026, 1, 2), False),
    ],
)
def test_which_permits_allow_a_transfer(db, kind, authorized, status, until, allowed):
    permit = VisitPermitFactory(kind=kind, transfers_authorized=authorized, status=status, valid_until=until)
    assert eligibility(permit, today=TODAY).allowed is allowed
