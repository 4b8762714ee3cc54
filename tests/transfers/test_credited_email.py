"""« Votre virement … a été versé sur le pécule »: the e-mail a relative gets when the cashier system credits a
transfer (after the acknowledgement commits), unless they opted out in « Mes préférences de courriel »."""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from reconciliation.services.cashier import apply_acknowledgement, generate_batch
from sandbox.cashier import acknowledge
from transfers import services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .factories import TransferFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
S = TransferStatus
HS = "\u00a0h\u00a0"
MONDAY = datetime.date(2026, 11, 30)


def at(hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(MONDAY, datetime.time(hour, minute), tzinfo=PARIS)


def received_transfer(**kwargs) -> Transfer:
    with freeze_time(at(9, 12)):
        transfer = TransferFactory(status=S.EXECUTED, executed_at=at(9, 12), amount="42.50", **kwargs)
    with freeze_time(at(9, 13)):
        services.receive(transfer_id=transfer.pk)
    return transfer


def credit(transfer: Transfer, capture) -> None:
    with freeze_time(at(10, 5)), capture(execute=True):
        services.mark_credited(transfer_id=transfer.pk)


def test_the_relative_reads_amount_detainee_establishment_the_three_times_and_the_links(
    django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://proches.example.gouv.fr"
    transfer = received_transfer(permit__detainee__first_name="Jean", permit__detainee__family_name="Martin")
    credit(transfer, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Votre virement {transfer.reference} a été versé sur le pécule"
    assert message.to == [transfer.relative.email] and not message.attachments
    body = message.body
    assert "Bonjour Marie," in body
    assert "42,50\u00a0€" in body and "Jean MARTIN" in body and transfer.establishment.name in body
    assert f"Envoyé par votre banque le 30 novembre 2026 à 9{HS}12" in body
    assert f"Reçu par l'établissement le 30 novembre 2026 à 9{HS}13" in body
    assert f"Versé sur le compte de la personne détenue le 30 novembre 2026 à 10{HS}05" in body
    assert "/mon-espace/virements/historique/" in body
    assert "https://proches.example.gouv.fr/mon-espace/preferences/" in body
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped


def test_no_email_for_a_relative_who_opted_out_or_has_no_address(django_capture_on_commit_callbacks):
    opted_out = received_transfer(relative__notify_credited=False)
    no_address = received_transfer(relative__email="")
    credit(opted_out, django_capture_on_commit_callbacks)
    credit(no_address, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Transfer.objects.get(pk=opted_out.pk).status == S.CREDITED


def test_no_email_before_the_acknowledgement_commits(django_capture_on_commit_callbacks):
    transfer = received_transfer()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.mark_credited(transfer_id=transfer.pk)
    assert mail.outbox == [] and len(callbacks) == 1  # sent only once the transaction commits
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_batch_acknowledgement_of_three_sends_three_emails_and_none_to_the_opted_out(
    django_capture_on_commit_callbacks,
):
    first = received_transfer()
    est = first.establishment
    others = [received_transfer(permit__detainee__establishment=est) for _ in range(2)]
    opted_out = received_transfer(permit__detainee__establishment=est, relative__notify_credited=False)
    batch = generate_batch(establishment_id=est.pk).batch
    assert batch.line_count == 4
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_acknowledgement(data=acknowledge(batch.content).encode())
    assert len(result.credited) == 4
    assert sorted(message.to[0] for message in mail.outbox) == sorted(t.relative.email for t in [first, *others])
    assert all(opted_out.reference not in message.subject for message in mail.outbox)
    # Applied again, the acknowledgement is refused: no second e-mail.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="(?i)déjà"):
        apply_acknowledgement(data=acknowledge(batch.content).encode())
    assert len(mail.outbox) == 3


def test_one_email_per_transfer_even_if_the_task_runs_twice(django_capture_on_commit_callbacks):
    transfer = received_transfer()
    credit(transfer, django_capture_on_commit_callbacks)
    assert services.send_credited_email(transfer_id=transfer.pk) is False
    with pytest.raises(services.IllegalTransition):
        credit(transfer, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_mail_failure_is_logged_never_an_error_for_the_acknowledgement(
    django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.transfers.broken_mail.BrokenBackend"
    transfer = received_transfer()
    with caplog.at_level(logging.ERROR):
        credit(transfer, django_capture_on_commit_callbacks)
    assert Transfer.objects.get(pk=transfer.pk).status == S.CREDITED
    assert any("credited e-mail could not be sent" in record.getMessage() for record in caplog.records)
    # Once the mail is back, the e-mail can still go (nothing remembered it as sent).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_credited_email(transfer_id=transfer.pk) is True


def test_no_email_for_a_transfer_not_credited():
    transfer = received_transfer()
    assert services.send_credited_email(transfer_id=transfer.pk) is False
    assert mail.outbox == []
