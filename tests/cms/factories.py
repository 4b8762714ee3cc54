"""Factories of the content site: pages are added under a parent (Wagtail's tree) and published."""

from __future__ import annotations

import factory
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site

from cms.models import ContentPage, EstablishmentPage, FAQPage, GuidePage, HomePage, TutorialPage
from tests.establishments.factories import EstablishmentFactory


class PageFactory(factory.django.DjangoModelFactory):
    """``parent`` (default: the site's root page) receives the page; ``publish`` (default True)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        parent = parent or Site.objects.get(is_default_site=True).root_page
        page = model_class(*args, live=publish, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


class HomePageFactory(PageFactory):
    """The site's home page: placed under Wagtail's root and made the default site's root."""

    class Meta:
        model = HomePage

    title = "Accueil"
    slug = "accueil"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.setdefault("parent", Page.get_first_root_node())
        page = super()._create(model_class, *args, **kwargs)
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": page, "hostname": "localhost"})
        return page


class ContentPageFactory(PageFactory):
    class Meta:
        model = ContentPage

    intro = "<p>Une page de contenu.</p>"


class GuidePageFactory(PageFactory):
    class Meta:
        model = GuidePage

    body = factory.LazyFunction(lambda: [
        {"type": "step", "value": {"title": "Première étape", "intro": [], "substeps": [
            {"content": [{"type": "paragraph", "value": "<p>Texte de la sous-étape.</p>"}]},
        ]}},
    ])


class FAQPageFactory(PageFactory):
    class Meta:
        model = FAQPage

    themes = factory.LazyFunction(lambda: [
        {"type": "theme", "value": {"title": "Virements", "questions": [
            {"question": "Le montant est-il plafonné ?", "answer": "<p>Oui, par l'établissement.</p>"},
            {"question": "Où voir mes virements ?", "answer": "<p>Dans l'historique.</p>"},
        ]}},
        {"type": "theme", "value": {"title": "Connexion", "questions": [
            {"question": "Comment me connecter ?", "answer": "<p>Avec FranceConnect, depuis l'accueil.</p>"},
        ]}},
    ])


class EstablishmentPageFactory(PageFactory):
    class Meta:
        model = EstablishmentPage

    establishment = factory.SubFactory(EstablishmentFactory)
    access = "<p>Tramway T1.</p>"


class TutorialPageFactory(PageFactory):
    class Meta:
        model = TutorialPage

    embed_url = "https://www.youtube.com/watch?v=abcDEF12345"
    embed_has_captions = True
    transcript = "<p>La transcription de la vidéo.</p>"


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Capture {n}")
    file = factory.LazyFunction(lambda: get_test_image_file(size=(1200, 800)))
