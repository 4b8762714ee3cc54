"""Tutorials (captions and transcript required to publish), the FAQ's search, and the establishment
page that reads the caps live from the back office."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import TutorialPage
from cms.pages.tutorial import embed_src
from establishments.models import Establishment
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.cms.factories import EstablishmentPageFactory, FAQPageFactory, TutorialPageFactory
from tests.establishments.factories import NationalCeilingFactory


def text(response) -> str:
    return html.unescape(response.content.decode())


# Tutorials ---------------------------------------------------------------------------------------------


@pytest.fixture
def communication(client, db):
    user = StaffFactory(username="communication", role="communication", is_staff=False)
    login_staff(client, user)
    return user


def add_tutorial(client, parent, action: str | None, **fields):
    data = {
        "title": "Tutoriel", "slug": "tutoriel", "intro": rich_text("<p>Intro</p>"),
        "embed_url": "https://www.youtube.com/watch?v=abcDEF12345", "transcript": rich_text(""),
        "chapters": streamfield([]), "seo_title": "", "search_description": "", "comments": inline_formset([]),
        **fields,
    }
    if action:
        data[action] = "x"
    return client.post(reverse("wagtailadmin_pages:add", args=("cms", "tutorialpage", parent.pk)),
                       nested_form_data(data))


@pytest.mark.django_db
def test_a_video_without_captions_or_transcript_cannot_be_published(client, home, communication):
    response = add_tutorial(client, home, "action-publish")
    body = text(response)
    assert response.status_code == 200
    assert "Une vidéo ne peut être publiée sans sous-titres" in body
    assert "Une vidéo ne peut être publiée sans sa transcription textuelle." in body
    assert not TutorialPage.objects.exists()
    # With the transcript and the hosted video's captions, it is published.
    response = add_tutorial(client, home, "action-publish", transcript=rich_text("<p>Ce que dit la vidéo.</p>"),
                            embed_has_captions="on")
    assert response.status_code == 302
    assert TutorialPage.objects.get().live


@pytest.mark.django_db
def test_a_draft_may_wait_for_its_transcript_but_not_be_submitted(client, home, communication):
    assert add_tutorial(client, home, None).status_code == 302  # "Enregistrer le brouillon"
    page = TutorialPage.objects.get()
    assert not page.live
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = nested_form_data({
        "title": "Tutoriel", "slug": "tutoriel", "intro": rich_text("<p>Intro</p>"),
        "embed_url": "https://www.youtube.com/watch?v=abcDEF12345", "transcript": rich_text(""),
        "chapters": streamfield([]), "seo_title": "", "search_description": "", "comments": inline_formset([]),
        "action-submit": "x",
    })
    assert "sans sa transcription textuelle" in text(client.post(url, data))
    page.refresh_from_db()
    assert page.current_workflow_state is None


@pytest.mark.django_db
def test_no_path_publishes_an_incomplete_tutorial(home):
    page = TutorialPageFactory(parent=home, slug="incomplet", transcript="", publish=False)
    with pytest.raises(ValidationError) as refused:
        page.save_revision().publish()
    assert "Une vidéo ne peut être publiée sans sa transcription textuelle." in refused.value.messages
    assert not TutorialPage.objects.get(pk=page.pk).live


@pytest.mark.django_db
def test_only_youtube_and_vimeo_videos_are_embedded_through_their_privacy_players(client, home):
    assert embed_src("https://youtu.be/abcDEF12345") == "https://www.youtube-nocookie.com/embed/abcDEF12345"
    assert embed_src("https://vimeo.com/123456789") == "https://player.vimeo.com/video/123456789"
    assert embed_src("https://evil.example/video/1") is None
    page = TutorialPageFactory(parent=home, slug="embed")
    body = client.get(page.url).content.decode()
    assert '<iframe class="fr-responsive-vid__player" src="https://www.youtube-nocookie.com/embed/abcDEF12345"' in body
    page.embed_url = "https://evil.example/video/1"
    assert "Seules les vidéos YouTube et Vimeo peuvent être intégrées." in page.publication_errors()["embed_url"]


@pytest.mark.django_db
def test_the_demo_tutorial_plays_its_video_with_captions_chapters_and_transcript(client, demo_site):
    page = TutorialPage.objects.get(slug="enregistrer-un-permis-de-visite")
    raw = client.get(page.url).content.decode()
    assert re.search(r'<source src="/documents/\d+/tutoriel-enregistrer-un-permis[^"]*\.webm" type="video/webm">', raw)
    assert re.search(r'<track kind="captions" srclang="fr" label="Français" src="/documents/\d+/[^"]+\.vtt"', raw)
    assert "Ajouter un permis de visite" in text(client.get(page.url))
    assert [c["title"] for c in page.chapter_list()] == [
        "Se connecter", "L'onglet « Pécule »", "Saisir le permis de visite", "Le permis et ses services",
    ]
    captions = client.get(page.captions.url)
    assert captions.status_code == 200 and b"WEBVTT" in b"".join(captions.streaming_content)


# FAQ ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_faq_groups_questions_by_theme_and_searches_them_without_accents(client, home):
    page = FAQPageFactory(parent=home, slug="faq")
    body = text(client.get(page.url))
    assert re.findall(r"<h2 class=\"fr-mt-4w\">([^<]+)</h2>", body) == ["Virements", "Connexion"]
    assert body.count('class="fr-accordion__btn"') == 3
    found = text(client.get(page.url, {"q": "PLAFONNE"}))
    assert "1 question pour « PLAFONNE »" in found
    assert "Le montant est-il plafonné ?" in found and "Comment me connecter ?" not in found
    assert "Aucune question ne correspond à « parloir »" in text(client.get(page.url, {"q": "parloir"}))


# Establishment page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_establishment_page_shows_the_caps_and_follows_a_change_made_in_the_back_office(client, demo_site):
    url = "/etablissements/centre-penitentiaire-de-demonstration/"
    body = text(client.get(url))
    assert "1 rue de la Démonstration" in body and "75000 Paris" in body
    for label, amount in (("Montant minimum d'un virement", "1,00\u00a0€"),
                          ("Montant maximum d'un virement", "200,00\u00a0€"),
                          ("Maximum par personne détenue et par mois", "400,00\u00a0€"),
                          ("Maximum par expéditeur et par mois", "300,00\u00a0€")):
        assert re.search(rf'<th scope="row">{re.escape(label)}</th><td>{re.escape(amount)}</td>', body), label
    # The régie lowers a cap in the back office (/gestion/): the page shows it at once.
    cpdemo = Establishment.objects.get(code="CPDEMO")
    regie = StaffFactory(role="regie", establishments=[cpdemo])
    login_staff(client, regie)
    response = client.post(reverse("admin:establishments_establishment_change", args=(cpdemo.pk,)), {
        "min_amount": "1.00", "max_per_transfer": "150.00", "max_per_detainee_month": "400.00",
        "max_per_sender_month": "", "cashier_cutoffs": "10:00, 14:00, 17:00",
    })
    assert response.status_code == 302
    client.logout()
    body = text(client.get(url))
    assert re.search(r'<th scope="row">Montant maximum d\'un virement</th><td>150,00\u00a0€</td>', body)
    assert re.search(r'<th scope="row">Maximum par expéditeur et par mois</th><td>Aucun plafond</td>', body)


@pytest.mark.django_db
def test_the_national_ceiling_bounds_the_caps_shown(client, home):
    page = EstablishmentPageFactory(parent=home, slug="ma-lyon", establishment__max_per_transfer=Decimal("200.00"))
    NationalCeilingFactory(max_per_transfer=Decimal("120.00"))
    body = text(client.get(page.url))
    assert re.search(r"<th scope=\"row\">Montant maximum d'un virement</th><td>120,00\u00a0€</td>", body)


@pytest.mark.django_db
def test_an_establishment_without_online_transfers_says_so(client, home):
    page = EstablishmentPageFactory(parent=home, slug="ferme", establishment__transfers_enabled=False)
    body = text(client.get(page.url))
    assert "Les virements en ligne ne sont pas encore ouverts pour cet établissement." in body
    assert "Plafonds des virements" not in body
