"""The staff's password reset by e-mail (/cms/password_reset/) is throttled: per client address (refused in
French) and per account (no more e-mails, the page unchanged so that nobody learns who has an account)."""

import pytest
from django.core import mail

from accounts.constants import PASSWORD_RESET_LIMIT_PER_ACCOUNT, PASSWORD_RESET_LIMIT_PER_ADDRESS
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/cms/password_reset/"


def ask(client, email, address):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def test_an_account_gets_a_few_e_mails_an_hour_then_none_whatever_the_address(client):
    StaffFactory(role="communication", email="agent@justice.gouv.fr")
    for i in range(PASSWORD_RESET_LIMIT_PER_ACCOUNT):
        assert ask(client, "agent@justice.gouv.fr", f"203.0.113.{i}").status_code == 302
    assert len(mail.outbox) == PASSWORD_RESET_LIMIT_PER_ACCOUNT

    response = ask(client, "AGENT@justice.gouv.fr", "198.51.100.9")

    assert response.status_code == 302 and response["Location"] == "/cms/password_reset/done/"
    assert len(mail.outbox) == PASSWORD_RESET_LIMIT_PER_ACCOUNT


def test_one_address_asking_for_many_accounts_is_refused_in_french(client):
    for i in range(PASSWORD_RESET_LIMIT_PER_ADDRESS):
        StaffFactory(role="greffe", email=f"agent{i}@justice.gouv.fr")
        assert ask(client, f"agent{i}@justice.gouv.fr", "203.0.113.7").status_code == 302
    StaffFactory(role="greffe", email="une-de-trop@justice.gouv.fr")
    sent = len(mail.outbox)

    response = ask(client, "une-de-trop@justice.gouv.fr", "203.0.113.7")

    assert response.status_code == 429
    assert "Trop de demandes de réinitialisation depuis votre connexion" in response.content.decode()
    assert len(mail.outbox) == sent
    assert ask(client, "une-de-trop@justice.gouv.fr", "198.51.100.9").status_code == 302
    assert len(mail.outbox) == sent + 1
