"""The contact form (a Wagtail form page) with the portal's form pattern: required fields announced and marked
with an asterisk, the e-mail field's autocomplete (RGAA 11.13), hints and errors tied by ids that exist
(RGAA 8.2), an error summary and "Erreur : " in the title after a bad message, which is neither stored nor sent."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms.models import ContactFormField, ContactPage

from ..formcheck import assert_accessible_form, error_summary, input_tag, text, title

pytestmark = pytest.mark.django_db


def test_the_contact_form_announces_its_required_fields_and_autocompletes_the_email(client, demo_site):
    page = text(client.get("/contact/"))
    assert_accessible_form(page)
    assert '<form method="post" action="/contact/" novalidate class="portail-contact-form">' in page
    for label in ("Objet", "Message", "Adresse électronique"):
        assert re.search(rf'<label class="fr-label" for="id_[a-z_]+">{label}<span class="portail-required"> \*</span>',
                         page), label
    assert re.search(r'<label class="fr-label" for="id_numero_de_permis_de_visite">Numéro de permis de visite\s',
                     page)  # optional: no asterisk
    email = input_tag(page, "id_adresse_electronique")
    assert 'autocomplete="email"' in email and 'type="email"' in email and " required" in email
    assert 'aria-describedby="id_adresse_electronique_helptext"' in email
    assert 'id="id_adresse_electronique_helptext"' in page
    assert " required" not in input_tag(page, "id_numero_de_permis_de_visite")
    assert error_summary(page) is None and not title(page).startswith("Erreur")


def test_a_bad_message_gets_the_summary_and_is_neither_stored_nor_sent(client, demo_site):
    data = {"objet": "Autre question", "message": "", "adresse_electronique": "pas-une-adresse",
            "numero_de_permis_de_visite": ""}
    response = client.post("/contact/", data, REMOTE_ADDR="203.0.113.9")
    page = text(response)
    assert_accessible_form(page)
    assert title(page).startswith("Erreur : Contact")
    summary = error_summary(page)
    assert "Le formulaire contient 2 erreurs" in summary
    # Each error names its field, in the summary as beside the field.
    assert '<a href="#id_message">Saisissez le champ « Message ».</a>' in summary
    assert ('<a href="#id_adresse_electronique">Saisissez une adresse électronique valide, par exemple '
            'nom@exemple.fr.</a>') in summary
    for field_id in ("id_message", "id_adresse_electronique"):
        tag = input_tag(page, field_id)
        assert 'aria-invalid="true"' in tag and f"{field_id}_error" in tag
    assert 'value="pas-une-adresse"' in input_tag(page, "id_adresse_electronique")  # kept to correct it
    assert not FormSubmission.objects.exists() and not mail.outbox


def test_fields_about_the_sender_get_their_autocomplete(client, demo_site):
    contact = ContactPage.objects.get()
    for order, (label, kind) in enumerate((("Nom", "singleline"), ("Prénom", "singleline"),
                                           ("Téléphone", "singleline"), ("Date de naissance", "date"),
                                           ("Ville de l'établissement", "singleline")), start=10):
        ContactFormField.objects.create(page=contact, sort_order=order, label=label, field_type=kind, required=False)
    page = text(client.get("/contact/"))
    assert 'autocomplete="family-name"' in input_tag(page, "id_nom")
    assert 'autocomplete="given-name"' in input_tag(page, "id_prenom")
    assert 'autocomplete="tel"' in input_tag(page, "id_telephone")
    assert 'autocomplete="bday"' in input_tag(page, "id_date_de_naissance")
    assert "autocomplete" not in input_tag(page, "id_ville_de_letablissement")  # not the sender's own data


def test_the_faq_search_shows_its_label(client, demo_site):
    from cms.models import FAQPage

    page = text(client.get(FAQPage.objects.live().first().url))
    label = page.index('<label class="fr-label" for="faq-q">Rechercher dans les questions</label>')
    assert label < page.index('<div class="fr-search-bar">', label)  # outside DSFR's screen-reader-only label
    assert 'action=""' not in page
