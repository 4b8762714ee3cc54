"""An establishment's page: address, access, visiting information, and its caps read live from the
Establishment (never copied into the page)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from transfers.caps import effective_caps

from .base import PortalPageMixin

FEATURES = ["bold", "italic", "link", "ol", "ul"]


class EstablishmentPage(PortalPageMixin, Page):
    establishment = models.OneToOneField(
        "establishments.Establishment",
        on_delete=models.PROTECT,
        related_name="cms_page",
        verbose_name=_("établissement"),
    )
    access = RichTextField(_("accès"), features=FEATURES, blank=True)
    visiting_information = RichTextField(_("informations pour les visites"), features=FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("establishment"),
        FieldPanel("access"),
        FieldPanel("visiting_information"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("access"),
        index.SearchField("visiting_information"),
    ]
    subpage_types: list[str] = []
    template = "cms/establishment_page.html"

    class Meta:
        verbose_name = _("page d'établissement")
        verbose_name_plural = _("pages d'établissement")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        establishment = type(self.establishment).objects.get(pk=self.establishment_id)  # the live row
        caps = effective_caps(establishment)
        context["establishment"] = establishment
        context["caps"] = [
            (_("Montant minimum d'un virement"), caps.min_amount),
            (_("Montant maximum d'un virement"), caps.max_per_transfer),
            (_("Maximum par personne détenue et par mois"), caps.max_per_detainee_month),
            (_("Maximum par expéditeur et par mois"), caps.max_per_sender_month),
        ]
        return context
