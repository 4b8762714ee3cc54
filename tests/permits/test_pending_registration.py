"""A namesake whose FranceConnect birth date is "01-01" (year only) claims a permit. The
registration waits for the greffe of the permit's establishment, who compares both identities in the
back office and confirms or refuses it; until then it gives no right. Each decision is in the history
with its author and e-mailed to the relative."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Relative, User
from core.audit import reason_label
from permits.constants import RefusalReason, RegistrationStatus
from permits.models import RegisteredPermit
from permits.services import RegistrationDecisionError, confirm_registration, refuse_registration
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import BankFactory, EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from transfers import services as transfer_services

PENDING, ACCEPTED, REFUSED = RegistrationStatus.PENDING, RegistrationStatus.ACCEPTED, RegistrationStatus.REFUSED


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def establishment(db):
    return EstablishmentFactory(code="ETABA", name="Maison d'arrêt de Lyon-Corbas", address_line="1 rue du Greffe",
                                postal_code="69960", city="Corbas")


@pytest.fixture
def permit(establishment):
    """The permit of Marie DURAND, born 17 May 1965."""
    return VisitPermitFactory(
        number="PV-2026-000777", detainee=DetaineeFactory(establishment=establishment, family_name="MARTIN",
                                                          first_name="Jean"),
        holder_family_name="DURAND", holder_first_names="Marie", holder_birth_date=datetime.date(1965, 5, 17),
    )


@pytest.fixture
def namesake(db) -> Relative:
    """Another Marie DURAND: FranceConnect knows only her year of birth, 1965 (so it gives 1965-01-01)."""
    user = User.objects.create(username="fc-namesake")
    return Relative.objects.create(user=user, sub="sub-namesake", given_name="Marie", family_name="DURAND",
                                   birthdate=datetime.date(1965, 1, 1), email="marie.durand@example.fr")


@pytest.fixture
def relative_client(namesake) -> Client:
    client = Client()
    client.force_login(namesake.user)
    return client


@pytest.fixture
def pending(namesake, permit, relative_client) -> RegisteredPermit:
    """The namesake adds the permit from Mon espace, as she would."""
    response = relative_client.post(reverse("accounts:add_permit"),
                                    {"permit_number": permit.number, "detainee_family_name": "Martin"})
    assert response.status_code == 302
    return RegisteredPermit.objects.get(relative=namesake, permit=permit)


@pytest.fixture
def greffe(establishment) -> User:
    return StaffFactory(username="greffe-a", role="greffe", establishments=[establishment])


@pytest.fixture
def greffe_client(greffe) -> Client:
    return login_staff(Client(), greffe)


def change_url(registration) -> str:
    return reverse("admin:permits_registeredpermit_change", args=[registration.pk])


def confirm_url(registration) -> str:
    return reverse("admin:permits_registeredpermit_confirm", args=[registration.pk])


def refuse_url(registration) -> str:
    return reverse("admin:permits_registeredpermit_refuse", args=[registration.pk])


def snapshot(registration) -> tuple:
    registration.refresh_from_db()
    return (registration.status, registration.refusal_reason, registration.decision_note,
            registration.decided_by_id, registration.decided_at, registration.history.count())


# -- the relative's side while pending ------------------------------------------------------------

def test_the_namesake_is_told_the_greffe_checks_and_her_card_says_pending(pending, relative_client):
    assert pending.status == PENDING
    page = text(relative_client.get(reverse("accounts:mon_espace")))
    assert "En attente de vérification par le greffe" in page
    assert "le greffe de l'établissement Maison d'arrêt de Lyon-Corbas doit vérifier que ce permis vous est bien" \
           " attribué" in page
    assert "Vous recevrez un courriel à l'adresse marie.durand@example.fr dès sa décision" in page
    assert "Faire un virement" not in page and "Prendre un rendez-vous parloir" not in page
    assert "Ce permis ne permet ni de faire un virement ni de prendre un rendez-vous parloir tant que le greffe " \
           "ne l'a pas confirmé." in page


def test_adding_it_shows_what_happens_next(namesake, permit, relative_client):
    response = relative_client.post(reverse("accounts:add_permit"),
                                    {"permit_number": permit.number, "detainee_family_name": "MARTIN"}, follow=True)
    page = text(response)
    assert "Votre demande d'ajout du permis de visite PV-2026-000777 a été transmise au greffe de l'établissement " \
           "Maison d'arrêt de Lyon-Corbas." in page
    again = text(relative_client.post(reverse("accounts:add_permit"),
                                      {"permit_number": permit.number, "detainee_family_name": "MARTIN"}, follow=True))
    assert "Votre demande d'ajout du permis de visite PV-2026-000777 est déjà en attente de vérification par le " \
           "greffe." in again
    assert RegisteredPermit.objects.filter(relative=namesake).count() == 1


def test_the_pecule_tab_refuses_a_pending_permit(pending, namesake, relative_client):
    page = text(relative_client.get(reverse("transfers:pecule")))
    assert "Ce permis de visite est en attente de vérification par le greffe." in page
    assert reverse("transfers:amount", args=[pending.pk]) not in page
    response = relative_client.get(reverse("transfers:amount", args=[pending.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("transfers:pecule")
    assert "Ce permis de visite est en attente de vérification par le greffe." in text(response)
    posted = relative_client.post(reverse("transfers:amount", args=[pending.pk]), {"amount": "50", "key": "x"})
    assert posted.status_code == 302 and not namesake.transfers.exists()


def test_no_transfer_can_be_drafted_with_a_pending_permit(pending, namesake, permit):
    with pytest.raises(transfer_services.TransferRefused) as refused:
        transfer_services.create_draft(relative=namesake, permit=permit, amount=Decimal("20"))
    assert refused.value.messages == ["Ce permis de visite est en attente de vérification par le greffe."]
    assert not namesake.transfers.exists()


def test_a_draft_cannot_go_to_the_bank_once_the_greffe_refused(pending, namesake, permit, greffe):
    confirm_registration(registration_id=pending.pk, actor=greffe)
    transfer = transfer_services.create_draft(relative=namesake, permit=permit, amount=Decimal("20"))
    # The registration is refused meanwhile (as a decision reversed by hand would leave it).
    RegisteredPermit.objects.filter(pk=pending.pk).update(status=REFUSED, refusal_reason=RefusalReason.NOT_HOLDER)
    with pytest.raises(transfer_services.TransferRefused) as refused:
        transfer_services.reserve(transfer_id=transfer.pk, bank=BankFactory())
    assert refused.value.messages == ["Le greffe a refusé l'enregistrement de ce permis de visite sur votre espace."]
    transfer.refresh_from_db()
    assert transfer.status == "draft"


# -- the greffe's queue ----------------------------------------------------------------------------

def test_the_greffe_sees_the_queue_and_both_identities_side_by_side(pending, greffe_client):
    queue = greffe_client.get(reverse("admin:permits_registeredpermit_changelist"))
    assert queue.status_code == 200 and list(queue.context["cl"].result_list) == [pending]
    page = greffe_client.get(change_url(pending))
    assert page.status_code == 200
    content = text(page)
    for shown in ("Proche (FranceConnect)", "Titulaire du permis", "01/01/1965", "17/05/1965",
                  "Date de naissance incomplète à vérifier", "Confirmer", "Refuser", "Autre motif"):
        assert shown in content, shown


def test_the_queue_shows_pending_registrations_first(pending, permit, greffe_client):
    holder = Relative.objects.create(user=User.objects.create(username="fc-holder"), sub="sub-holder",
                                     given_name="Marie", family_name="DURAND", birthdate=datetime.date(1965, 5, 17))
    accepted = RegisteredPermit.objects.create(relative=holder, permit=permit, status=ACCEPTED)
    RegisteredPermit.objects.filter(pk=accepted.pk).update(created_at=pending.created_at - datetime.timedelta(days=1))
    queue = greffe_client.get(reverse("admin:permits_registeredpermit_changelist"))
    assert list(queue.context["cl"].result_list) == [pending, accepted]
    # The clerk also sees that the holder registered the same permit.
    assert "Marie DURAND" in text(greffe_client.get(change_url(pending)))


def test_the_greffe_of_another_establishment_can_neither_see_nor_act(pending):
    other = StaffFactory(role="greffe", establishments=[EstablishmentFactory(code="ETABB")])
    client = login_staff(Client(), other)
    before = snapshot(pending)
    queue = client.get(reverse("admin:permits_registeredpermit_changelist"))
    assert list(queue.context["cl"].result_list) == []
    assert client.get(change_url(pending)).status_code == 404
    assert client.post(confirm_url(pending)).status_code == 404
    assert client.post(refuse_url(pending), {"reason": RefusalReason.NOT_HOLDER}).status_code == 404
    assert client.get(reverse("admin:permits_registeredpermit_history", args=[pending.pk])).status_code == 404
    assert snapshot(pending) == before and not mail.outbox
    with pytest.raises(RegistrationDecisionError) as error:  # the service says the same to any caller
        confirm_registration(registration_id=pending.pk, actor=other)
    assert error.value.message == "Cet enregistrement de permis de visite est introuvable."
    assert snapshot(pending) == before


@pytest.mark.parametrize("role", ["national", "auditeur"])
def test_national_and_auditors_read_the_queue_but_do_not_decide(pending, role):
    user = StaffFactory(role=role)
    client = login_staff(Client(), user)
    before = snapshot(pending)
    page = client.get(change_url(pending))
    assert page.status_code == 200 and "17/05/1965" in text(page)
    assert not page.context["may_confirm"] and not page.context["may_refuse"]
    response = client.post(confirm_url(pending), follow=True)
    assert ("Seul le greffe de l'établissement peut confirmer ou refuser l'enregistrement d'un permis de visite."
            in text(response))
    assert snapshot(pending) == before and not mail.outbox


def test_the_regie_has_no_access_to_the_queue(pending, establishment):
    client = login_staff(Client(), StaffFactory(role="regie", establishments=[establishment]))
    before = snapshot(pending)
    assert client.get(reverse("admin:permits_registeredpermit_changelist")).status_code == 403
    assert client.post(confirm_url(pending)).status_code == 403
    assert client.post(refuse_url(pending), {"reason": RefusalReason.NOT_HOLDER}).status_code == 403
    assert snapshot(pending) == before and not mail.outbox


def test_role_rights_on_registrations(db):
    def rights(role):
        permissions = Group.objects.get(name=role).permissions.filter(
            content_type__app_label="permits", content_type__model="registeredpermit")
        return set(permissions.values_list("codename", flat=True))

    assert rights("greffe") == {"view_registeredpermit", "change_registeredpermit"}
    assert rights("national") == rights("auditeur") == {"view_registeredpermit"}
    assert rights("regie") == rights("communication") == set()


# -- decisions -----------------------------------------------------------------------------------

def test_confirm_gives_the_rights_and_tells_the_relative(pending, greffe, greffe_client, relative_client,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = greffe_client.post(confirm_url(pending), {"note": "Pièce d'identité vue au greffe"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:permits_registeredpermit_changelist")
    assert "L'enregistrement du permis PV-2026-000777 par Marie DURAND est confirmé" in text(response)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_note) == (
        ACCEPTED, greffe, "Pièce d'identité vue au greffe")
    assert pending.decided_at is not None
    record = pending.history.first()
    assert (record.history_user, record.status) == (greffe, ACCEPTED)
    assert record.history_change_reason == "permit_registration_confirmed:Pièce d'identité vue au greffe"
    assert reason_label(record.history_change_reason) == "Confirmé par le greffe : Pièce d'identité vue au greffe"
    [email] = mail.outbox
    assert email.to == ["marie.durand@example.fr"]
    assert email.subject == "Votre permis de visite PV-2026-000777 est confirmé"
    assert "Maison d'arrêt de Lyon-Corbas a vérifié votre identité" in email.body
    assert "/mon-espace/" in email.body
    # The rights: the card offers the transfer, the pécule tab the amount page.
    assert "Faire un virement" in text(relative_client.get(reverse("accounts:mon_espace")))
    assert relative_client.get(reverse("transfers:amount", args=[pending.pk])).status_code == 200


def test_the_decision_email_is_in_the_relatives_language(pending, greffe, greffe_client, namesake,
                                                         django_capture_on_commit_callbacks):
    """The greffe decides in French on /gestion/; Marie, who reads English, gets the e-mail in English."""
    namesake.language = "en"
    namesake.save()
    with django_capture_on_commit_callbacks(execute=True):
        greffe_client.post(confirm_url(pending), {"note": ""})
    [email] = mail.outbox
    assert email.subject == "Your visiting permit PV-2026-000777 is confirmed"
    assert "Bonjour" not in email.body and "/en/mon-espace/" in email.body


def test_refuse_keeps_every_right_closed_and_tells_the_relative_why(pending, greffe, greffe_client,
                                                                    relative_client, namesake, permit,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = greffe_client.post(refuse_url(pending), {"reason": RefusalReason.NOT_HOLDER, "note": ""},
                                      follow=True)
    assert "L'enregistrement du permis PV-2026-000777 par Marie DURAND est refusé" in text(response)
    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason, pending.decided_by) == (REFUSED, RefusalReason.NOT_HOLDER, greffe)
    record = pending.history.first()
    assert (record.history_user, record.status) == (greffe, REFUSED)
    assert record.history_change_reason == "permit_registration_refused_not_holder"
    [email] = mail.outbox
    assert email.subject == "Votre permis de visite PV-2026-000777 n'a pas pu être ajouté à votre espace"
    assert "Motif : Vous n'êtes pas le titulaire de ce permis de visite." in email.body
    assert "contactez le greffe de l'établissement Maison d'arrêt de Lyon-Corbas (1 rue du Greffe, 69960 Corbas)" \
           in email.body
    card = text(relative_client.get(reverse("accounts:mon_espace")))
    assert "Refusé par le greffe" in card and "Motif : Vous n'êtes pas le titulaire de ce permis de visite." in card
    assert "contactez le greffe de l'établissement Maison d'arrêt de Lyon-Corbas" in card
    assert "Faire un virement" not in card
    assert "Le greffe a refusé l'enregistrement de ce permis de visite sur votre espace." in text(
        relative_client.get(reverse("transfers:pecule")))
    with pytest.raises(transfer_services.TransferRefused):
        transfer_services.create_draft(relative=namesake, permit=permit, amount=Decimal("20"))


def test_the_other_reason_is_explained_to_the_relative(pending, greffe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refuse_registration(registration_id=pending.pk, actor=greffe, reason=RefusalReason.OTHER,
                            note="Le permis a été délivré à une autre Marie DURAND.")
    pending.refresh_from_db()
    assert pending.decision_note == "Le permis a été délivré à une autre Marie DURAND."
    assert reason_label(pending.history.first().history_change_reason) == (
        "Refusé par le greffe (autre motif) : Le permis a été délivré à une autre Marie DURAND."
    )
    assert "Précisions du greffe : Le permis a été délivré à une autre Marie DURAND." in mail.outbox[0].body


def test_a_refusal_may_be_reconsidered_by_the_greffe(pending, greffe, django_capture_on_commit_callbacks):
    refuse_registration(registration_id=pending.pk, actor=greffe, reason=RefusalReason.BIRTH_DATE)
    with django_capture_on_commit_callbacks(execute=True):
        confirm_registration(registration_id=pending.pk, actor=greffe, note="Acte de naissance présenté au greffe")
    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == (ACCEPTED, "")
    assert [r.status for r in pending.history.order_by("history_date")] == [PENDING, REFUSED, ACCEPTED]


def test_a_mail_failure_does_not_undo_the_decision(pending, greffe, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.permits.test_pending_registration.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        confirm_registration(registration_id=pending.pk, actor=greffe)
    pending.refresh_from_db()
    assert pending.status == ACCEPTED


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


# -- bad input: a French message, nothing changed ---------------------------------------------------

def test_confirm_twice_is_refused(pending, greffe, greffe_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        greffe_client.post(confirm_url(pending))
    mail.outbox.clear()
    before = snapshot(pending)
    with django_capture_on_commit_callbacks(execute=True):
        response = greffe_client.post(confirm_url(pending), follow=True)
    assert response.redirect_chain[-1][0] == change_url(pending)
    assert "Cet enregistrement est déjà confirmé : rien n'a été modifié." in text(response)
    assert snapshot(pending) == before and not mail.outbox
    # Nor can a confirmed registration be refused afterwards.
    response = greffe_client.post(refuse_url(pending), {"reason": RefusalReason.NOT_HOLDER}, follow=True)
    assert "Cet enregistrement n'est plus en attente (accepté) : rien n'a été modifié." in text(response)
    assert snapshot(pending) == before and not mail.outbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez le motif du refus."),
        ({"reason": ""}, "Choisissez le motif du refus."),
        ({"reason": "pas-un-motif"}, "Choisissez le motif du refus."),
        ({"reason": RefusalReason.OTHER}, "Précisez le motif du refus."),
        ({"reason": RefusalReason.OTHER, "note": "   "}, "Précisez le motif du refus."),
        ({"reason": RefusalReason.NOT_HOLDER, "note": "x" * 501},
         "Les précisions ne doivent pas dépasser 500 caractères."),
    ],
)
def test_a_refusal_without_a_valid_reason_is_refused(pending, greffe_client, data, message):
    before = snapshot(pending)
    response = greffe_client.post(refuse_url(pending), data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(pending)
    assert message in text(response)
    assert snapshot(pending) == before and not mail.outbox


def test_the_page_itself_saves_nothing_and_decisions_need_a_post(pending, greffe_client):
    before = snapshot(pending)
    assert greffe_client.post(change_url(pending), {"status": ACCEPTED}).status_code == 403
    assert greffe_client.get(confirm_url(pending)).status_code == 403
    assert greffe_client.get(reverse("admin:permits_registeredpermit_add")).status_code == 403
    assert greffe_client.post(reverse("admin:permits_registeredpermit_delete", args=[pending.pk]),
                              {"post": "yes"}).status_code == 403
    assert snapshot(pending) == before


def test_unknown_registration_answers_404(greffe_client, db):
    assert greffe_client.post(reverse("admin:permits_registeredpermit_confirm", args=[999999])).status_code == 404


# -- the database refuses what makes no sense ---------------------------------------------------------

@pytest.mark.parametrize(
    "values",
    [
        {"status": "maybe"},
        {"status": REFUSED},  # refused without a reason
        {"status": ACCEPTED, "refusal_reason": RefusalReason.NOT_HOLDER},  # a reason without a refusal
        {"status": REFUSED, "refusal_reason": RefusalReason.OTHER},  # "Autre motif" unexplained
        {"status": PENDING, "decided_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
    ],
)
def test_inconsistent_rows_are_refused_by_the_database(pending, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredPermit.objects.filter(pk=pending.pk).update(**values)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_deciding_at_once_record_one_decision(namesake, permit, greffe):
    import threading

    from django.db import connection

    registration = RegisteredPermit.objects.create(relative=namesake, permit=permit, status=PENDING)
    colleague = StaffFactory(role="greffe", establishments=[permit.detainee.establishment])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except RegistrationDecisionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(lambda: confirm_registration(registration_id=registration.pk,
                                                                          actor=greffe),)),
        threading.Thread(target=decide, args=(lambda: refuse_registration(
            registration_id=registration.pk, actor=colleague, reason=RefusalReason.NOT_HOLDER),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    registration.refresh_from_db()
    # Either the confirmation came first (the refusal then finds it no longer pending), or the refusal did
    # (and the confirmation, which may reconsider a refusal, follows it): never a lost update.
    assert "done" in outcomes
    statuses = [r.status for r in registration.history.order_by("history_date", "history_id")]
    assert statuses[0] == PENDING and statuses[-1] == registration.status
    assert len(statuses) == 1 + outcomes.count("done")
