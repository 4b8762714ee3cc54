"""The contact form: a message reaches the support address and is stored; a bot (honeypot) and a
flood (rate limit) are refused, as is bad input, and then nothing is stored or sent."""

from __future__ import annotations

import html

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
    for label in ("Objet", "Message", "Adresse électronique", "Numéro de permis de visite (facultatif)"):
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
    assert "Saisissez une adresse de courriel valide." in body and "Champ requis." in body
    assert 'class="fr-input-group fr-input-group--error"' in body
    assert not mail.outbox and not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_the_message_for_the_support_team(client, demo_site, settings):
    settings.EMAIL_BACKEND = "tests.transfers.broken_mail.BrokenBackend"
    response = post(client, MESSAGE)
    assert response.status_code == 200
    assert FormSubmission.objects.count() == 1
