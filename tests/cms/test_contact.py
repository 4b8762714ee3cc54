"""The contact form: a message reaches the support address and is stored; a bot (honeypot) and a
flood (rate limit) are refused, as is bad input, and then nothing is stored or sent."""

from __future__ import annotations

import html
import os
import subprocess
import sys

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms.constants import CONTACT_HONEYPOT_FIELD, CONTACT_RATE_LIMIT

MESSAGE = {
    "objet": "Virement sur le pécule",
    "message": "Mon virement n'apparaît pas dans l'historique.",
    "adresse_electronique": "angela.dubois@example.fr",
    "numero_de_permis_de_visite": "PV-2026-000123",
}


def post(client, data, address="203.0.113.7"):
    return client.post("/contact/", data, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_form_shows_its_four_fields_and_a_hidden_honeypot(client, demo_site):
    body = html.unescape(client.get("/contact/").content.decode())
    for label in ("Objet", "Message", "Adresse électronique", "Numéro de permis de visite"):
        assert label in body
    assert f'name="{CONTACT_HONEYPOT_FIELD}"' in body and 'class="portail-hp" aria-hidden="true"' in body


@pytest.mark.django_db
def test_a_message_is_emailed_to_support_and_stored(client, demo_site, settings):
    response = post(client, MESSAGE)
    assert response.status_code == 200
    assert "Votre message a bien été envoyé au support." in html.unescape(response.content.decode())
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [settings.SUPPORT_EMAIL] and email.reply_to == ["angela.dubois@example.fr"]
    assert email.subject == "[Portail des proches] Contact : Virement sur le pécule"
    assert "Numéro de permis de visite : PV-2026-000123" in email.body
    stored = FormSubmission.objects.get()
    assert stored.form_data["message"] == MESSAGE["message"]
    assert CONTACT_HONEYPOT_FIELD not in stored.form_data


@pytest.mark.django_db
def test_the_permit_number_is_optional(client, demo_site):
    response = post(client, {**MESSAGE, "numero_de_permis_de_visite": ""})
    assert response.status_code == 200 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_bot_filling_the_honeypot_is_refused(client, demo_site):
    response = post(client, {**MESSAGE, CONTACT_HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 400
    assert "Votre message n'a pas pu être envoyé." in html.unescape(response.content.decode())
    assert not mail.outbox and not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_flood_is_refused_by_the_rate_limit(client, demo_site):
    for _ in range(CONTACT_RATE_LIMIT):
        assert post(client, MESSAGE).status_code == 200
    response = post(client, MESSAGE)
    assert response.status_code == 429
    assert "Vous avez envoyé trop de messages" in html.unescape(response.content.decode())
    assert len(mail.outbox) == CONTACT_RATE_LIMIT and FormSubmission.objects.count() == CONTACT_RATE_LIMIT
    assert post(client, MESSAGE, address="198.51.100.1").status_code == 200  # another sender is not blocked


@pytest.mark.django_db
def test_bad_input_gets_french_errors_and_nothing_is_sent(client, demo_site):
    response = post(client, {**MESSAGE, "adresse_electronique": "pas-une-adresse", "message": ""})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide, par exemple nom@exemple.fr." in body
    assert "Saisissez le champ « Message »." in body  # the error names its field
    assert 'class="fr-input-group fr-input-group--error"' in body
    assert not mail.outbox and not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_the_message_for_the_support_team(client, demo_site, settings):
    settings.EMAIL_BACKEND = "tests.transfers.broken_mail.BrokenBackend"
    response = post(client, MESSAGE)
    assert response.status_code == 200
    assert FormSubmission.objects.count() == 1


# The rate limit behind the load balancer: every request's REMOTE_ADDR is the balancer's; the client's
# address is in X-Forwarded-For, which the client can also write to (a forged header).
BALANCER = "10.0.0.2"


def post_via(client, data, remote, forwarded_for=None):
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client.post("/contact/", data, REMOTE_ADDR=remote, **headers)


@pytest.mark.django_db
def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(client, demo_site, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(CONTACT_RATE_LIMIT):
        assert post_via(client, MESSAGE, "203.0.113.7", f"198.51.100.{n}").status_code == 200
    assert post_via(client, MESSAGE, "203.0.113.7", "198.51.100.99").status_code == 429
    assert post_via(client, MESSAGE, "203.0.113.7").status_code == 429


@pytest.mark.django_db
def test_behind_one_balancer_each_client_has_its_own_limit(client, demo_site, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(CONTACT_RATE_LIMIT):
        assert post_via(client, MESSAGE, BALANCER, "203.0.113.7").status_code == 200
    refused = post_via(client, MESSAGE, BALANCER, "203.0.113.7")
    assert refused.status_code == 429 and "Vous avez envoyé trop de messages" in html.unescape(refused.content.decode())
    # The client writes its own X-Forwarded-For; the balancer appends the address it saw: the right-most wins.
    assert post_via(client, MESSAGE, BALANCER, "198.51.100.1, 203.0.113.7").status_code == 429
    assert post_via(client, MESSAGE, BALANCER, "203.0.113.7, 198.51.100.1").status_code == 200  # another client
    assert post_via(client, MESSAGE, BALANCER, "192.0.2.44:51234").status_code == 200  # with a port: a third one
    assert len(mail.outbox) == CONTACT_RATE_LIMIT + 2


@pytest.mark.django_db
def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(client, demo_site, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(CONTACT_RATE_LIMIT):  # each time a different forged left-most entry
        assert post_via(client, MESSAGE, BALANCER, f"1.1.1.{n}, 2001:db8::7, 10.0.0.1").status_code == 200
    assert post_via(client, MESSAGE, BALANCER, "[2001:db8::7]:443, 10.0.0.1").status_code == 429
    assert post_via(client, MESSAGE, BALANCER, "2001:db8::8, 10.0.0.1").status_code == 200


@pytest.mark.django_db
def test_a_missing_or_garbled_forwarded_for_falls_back_to_the_connection_address(client, demo_site, settings):
    """Not through the proxies (no header, too short a chain) or junk where the proxy writes: REMOTE_ADDR,
    never an error page; those requests share the sender's connection address's limit."""
    settings.TRUSTED_PROXY_COUNT = 2
    bad = [None, "", "203.0.113.7", "<script>, 10.0.0.1", " , ", "x" * 4000 + ", 10.0.0.1"]
    statuses = [post_via(client, MESSAGE, BALANCER, forwarded).status_code for forwarded in bad]
    assert statuses == [200] * CONTACT_RATE_LIMIT + [429]
    assert post_via(client, MESSAGE, BALANCER, "203.0.113.7, 10.0.0.1").status_code == 200  # a real chain


def test_a_negative_trusted_proxy_count_is_refused_at_start():
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "-1"},
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode != 0 and "TRUSTED_PROXY_COUNT doit être un entier positif ou nul." in out.stderr
