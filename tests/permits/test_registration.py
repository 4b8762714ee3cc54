"""permits.registration: "Ajouter un permis de visite" as a relative experiences it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Relative, User
from permits.constants import (
    PermitStatus,
    RefusalReason,
    RegistrationMatch,
    RegistrationStatus,
)
from permits.eligibility import eligibility
from permits.models import RegisteredPermit, RegistrationAttempt
from permits.registration import (
    NOT_FOUND_MESSAGE,
    RegistrationError,
    RegistrationRateLimited,
    birthdate_match,
    normalize_name,
    register_permit,
)
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.threads import all_at_once


def make_relative(sub="sub-angela", given_name="Angela Claire Louise", family_name="DUBOIS",
                  birthdate=datetime.date(1962, 8, 24), preferred_username="") -> Relative:
    user = User.objects.create(username=f"fc-{sub}")
    return Relative.objects.create(user=user, sub=sub, given_name=given_name, family_name=family_name,
                                   birthdate=birthdate, preferred_username=preferred_username)


@pytest.fixture
def angela(db) -> Relative:
    return make_relative()


@pytest.fixture
def permit(db):
    return VisitPermitFactory(
        number="PV-2026-000123", detainee=DetaineeFactory(family_name="MARTIN", first_name="Jean"),
        holder_family_name="DUBOIS", holder_first_names="Angela Claire Louise",
        holder_birth_date=datetime.date(1962, 8, 24),
    )


def register(relative, number="PV-2026-000123", name="MARTIN"):
    return register_permit(relative=relative, permit_number=number, detainee_family_name=name, actor=relative.user)


def test_names_are_compared_without_case_accents_hyphens_or_extra_spaces():
    assert normalize_name("  Dubois-Martin   Hélène ") == normalize_name("DUBOIS MARTIN HELENE")
    assert normalize_name("Ångela–Claire") == "angela claire"
    assert normalize_name("DUBOIS") != normalize_name("DUBOST")


EXACT, PARTIAL = RegistrationMatch.EXACT, RegistrationMatch.PARTIAL_BIRTH_DATE


@pytest.mark.parametrize(
    ("claimed", "recorded", "expected"),
    [
        ("1962-08-24", "1962-08-24", EXACT),
        ("1970-01-01", "1970-01-01", EXACT),  # a true 1 January: exact, whatever FranceConnect's convention
        ("1962-08-24", "1962-08-25", None),
        ("1962-08-01", "1962-08-17", PARTIAL),  # unknown day at FranceConnect
        ("1962-01-01", "1962-11-17", PARTIAL),  # unknown month and day
        ("1962-08-01", "1962-09-17", None),
        ("1962-01-01", "1963-01-01", None),
        ("1962-03-24", "1962-08-24", None),
    ],
)
def test_birth_dates_match_exactly_or_only_in_part_for_franceconnects_unknown_01(claimed, recorded, expected):
    assert birthdate_match(
        claimed=datetime.date.fromisoformat(claimed), recorded=datetime.date.fromisoformat(recorded)
    ) == expected


def test_a_nominative_active_permit_is_added(angela, permit):
    result = register(angela, number=" pv-2026-000123 ", name="  martin ")
    assert result.created
    assert result.registration.status == RegistrationStatus.ACCEPTED
    assert result.registration.match == RegistrationMatch.EXACT
    assert result.registration.grants_rights and eligibility(result.registration).allowed
    assert list(RegisteredPermit.objects.filter(relative=angela).values_list("permit__number", flat=True)) == [
        "PV-2026-000123"]
    assert result.registration.history.first().history_user == angela.user
    assert not RegistrationAttempt.objects.exists()


def test_holder_names_match_whatever_their_spelling(db, permit):
    permit.holder_family_name = "Dubois"
    permit.holder_first_names = "ANGÉLA-CLAIRE  LOUISE"
    permit.save()
    assert register(make_relative()).created


def test_the_usage_name_is_accepted_for_the_holder(db, permit):
    permit.holder_family_name = "LEROY"
    permit.save()
    relative = make_relative(preferred_username="Leroy")
    assert register(relative).created


def test_a_permit_is_not_added_twice(angela, permit):
    register(angela)
    again = register(angela)
    assert not again.created
    assert RegisteredPermit.objects.count() == 1
    assert not RegistrationAttempt.objects.exists()


@pytest.mark.parametrize(
    "case",
    ["unknown-number", "wrong-detainee", "other-holder", "other-first-names", "other-birth-date"],
)
def test_no_such_permit_and_not_yours_get_the_same_answer(angela, permit, case):
    number, name = "PV-2026-000123", "MARTIN"
    if case == "unknown-number":
        number = "PV-2026-999999"
    elif case == "wrong-detainee":
        name = "DURAND"
    elif case == "other-holder":
        permit.holder_family_name = "DUPONT"
    elif case == "other-first-names":
        permit.holder_first_names = "Angela"
    elif case == "other-birth-date":
        permit.holder_birth_date = datetime.date(1962, 8, 25)
    permit.save()
    with pytest.raises(RegistrationError) as error:
        register(angela, number=number, name=name)
    assert error.value.message == NOT_FOUND_MESSAGE
    assert not RegisteredPermit.objects.exists()
    attempt = RegistrationAttempt.objects.get()
    assert (attempt.relative, attempt.reason) == (angela, "not_found_or_not_yours")  # the stored code


@pytest.mark.parametrize(
    ("status", "word"), [(PermitStatus.SUSPENDED, "suspendu"), (PermitStatus.REVOKED, "retiré"),
                         (PermitStatus.EXPIRED, "expiré")]
)
def test_a_permit_that_is_not_active_shows_its_status(angela, permit, status, word):
    permit.status = status
    permit.save()
    with pytest.raises(RegistrationError) as error:
        register(angela)
    assert error.value.message == f"Ce permis de visite est {word} : il ne peut pas être ajouté à votre espace."
    assert not RegisteredPermit.objects.exists()


@pytest.mark.parametrize(
    ("number", "name"),
    [("PV-2026-000123'; DROP TABLE permits;--", "MARTIN"), ("PV<script>", "MARTIN"), ("X" * 10_000, "MARTIN"),
     ("PV-2026-000123", "M" * 10_000), ("PV-2026-000123", "MARTIN%00"), ("", ""), ("PV-2026-000123", "1234")],
)
def test_odd_or_huge_input_is_refused_cleanly(angela, permit, number, name):
    with pytest.raises(RegistrationError) as error:
        register(angela, number=number, name=name)
    assert error.value.message == "Le numéro de permis ou le nom saisi n'est pas valide."
    assert not RegisteredPermit.objects.exists()
    attempt = RegistrationAttempt.objects.get()
    assert len(attempt.submitted_number) <= 60 and len(attempt.submitted_family_name) <= 150


def test_after_five_failures_in_an_hour_the_relative_is_told_when_to_retry(angela, permit):
    for _ in range(5):
        with pytest.raises(RegistrationError):
            register(angela, number="PV-2026-999999")
    first_failure = RegistrationAttempt.objects.order_by("attempted_at").first().attempted_at
    with pytest.raises(RegistrationRateLimited) as error:
        register(angela)  # even the right permit is refused now
    retry_at = first_failure + datetime.timedelta(hours=1)
    assert error.value.retry_at == retry_at
    assert f"à partir de {timezone.localtime(retry_at):%H}h{timezone.localtime(retry_at):%M}" in error.value.message
    assert not RegisteredPermit.objects.exists()
    assert RegistrationAttempt.objects.count() == 5  # refused attempts are not counted twice


def test_failures_older_than_an_hour_no_longer_count(angela, permit):
    for _ in range(5):
        with pytest.raises(RegistrationError):
            register(angela, number="PV-2026-999999")
    RegistrationAttempt.objects.update(attempted_at=timezone.now() - datetime.timedelta(minutes=61))
    assert register(angela).created


def test_the_limit_is_per_relative(angela, permit):
    other = make_relative(sub="sub-other", given_name="Paul", family_name="DURAND")
    for _ in range(5):
        with pytest.raises(RegistrationError):
            register(other, number="PV-2026-999999")
    assert register(angela).created


# -- a namesake born "01-01" -------------------------------------------------------------

def make_namesake(birthdate=datetime.date(1962, 1, 1), sub="sub-namesake") -> Relative:
    """Another Angela Claire Louise DUBOIS, whose FranceConnect birth date is known by its year only."""
    return make_relative(sub=sub, birthdate=birthdate)


@pytest.mark.parametrize("birthdate", [datetime.date(1962, 1, 1), datetime.date(1962, 8, 1)])
def test_a_birth_date_known_in_part_registers_the_permit_as_pending_only(permit, birthdate):
    namesake = make_namesake(birthdate)
    result = register(namesake)
    registration = result.registration
    assert result.created
    assert (registration.status, registration.match) == (RegistrationStatus.PENDING, PARTIAL)
    assert not registration.grants_rights and not eligibility(registration).allowed
    assert (registration.decided_by, registration.decided_at) == (None, None)
    record = registration.history.get()
    assert record.history_user == namesake.user and record.status == RegistrationStatus.PENDING
    assert not RegistrationAttempt.objects.exists()  # not a failed attempt


def test_the_demo_relative_born_1_january_matches_his_permit_exactly_and_at_once(db):
    """Pierre DUPONT is born 1970-01-01 and so is the holder of PV-2026-000124: exact, immediate."""
    from sandbox.demo import load_demo
    from sandbox.franceconnect.identities import IDENTITIES

    load_demo()
    claims = next(claims for claims in IDENTITIES.values() if claims["family_name"] == "DUPONT")
    pierre = make_relative(sub="sub-pierre", given_name=claims["given_name"], family_name=claims["family_name"],
                           birthdate=datetime.date.fromisoformat(claims["birthdate"]))
    result = register(pierre, number="PV-2026-000124")
    assert result.created and result.registration.status == RegistrationStatus.ACCEPTED
    assert eligibility(result.registration).allowed


def test_a_pending_permit_is_not_requested_twice(permit):
    namesake = make_namesake()
    first = register(namesake).registration
    again = register(namesake)
    assert not again.created and not again.changed
    assert again.registration.pk == first.pk and again.registration.status == RegistrationStatus.PENDING
    assert RegisteredPermit.objects.count() == 1 and first.history.count() == 1


def test_the_holder_registers_at_once_even_while_a_namesake_waits(angela, permit):
    register(make_namesake())
    result = register(angela)
    assert result.created and result.registration.status == RegistrationStatus.ACCEPTED
    assert RegisteredPermit.objects.filter(status=RegistrationStatus.PENDING).count() == 1


def test_a_refused_permit_is_answered_with_the_refusal_and_nothing_changes(permit):
    namesake = make_namesake()
    registration = register(namesake).registration
    RegisteredPermit.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.REFUSED, refusal_reason=RefusalReason.NOT_HOLDER, decided_at=timezone.now()
    )
    with pytest.raises(RegistrationError) as error:
        register(namesake)
    assert error.value.message == (
        "Le greffe a refusé l'enregistrement du permis de visite PV-2026-000123 sur votre espace. Si vous pensez "
        f"qu'il s'agit d'une erreur, contactez le greffe de l'établissement : {permit.detainee.establishment.name}."
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED and registration.history.count() == 1
    assert not RegistrationAttempt.objects.exists()


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.REFUSED])
def test_a_birth_date_completed_at_franceconnect_turns_the_request_into_an_exact_match(permit, status):
    namesake = make_namesake()
    registration = register(namesake).registration
    if status == RegistrationStatus.REFUSED:
        RegisteredPermit.objects.filter(pk=registration.pk).update(
            status=status, refusal_reason=RefusalReason.BIRTH_DATE, decided_at=timezone.now()
        )
    namesake.birthdate = datetime.date(1962, 8, 24)  # INSEE completed it; the next login brought it
    namesake.save()
    result = register(namesake)
    assert not result.created and result.changed
    registration.refresh_from_db()
    assert (registration.status, registration.match) == (RegistrationStatus.ACCEPTED, RegistrationMatch.EXACT)
    assert (registration.refusal_reason, registration.decided_at) == ("", None)
    assert registration.history.first().history_user == namesake.user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_cannot_race_past_the_limit(angela, permit):
    def attempt() -> str:
        try:
            register(Relative.objects.get(pk=angela.pk), number="PV-2026-999999")
        except RegistrationRateLimited:
            return "limited"
        except RegistrationError:
            return "failed"
        return "registered"

    outcomes, _errors = all_at_once([attempt] * 10)
    assert sorted(outcomes) == ["failed"] * 5 + ["limited"] * 5
    assert RegistrationAttempt.objects.filter(relative=angela).count() == 5
