"""The home page's services (the flyer's two services)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

# The tabs of a relative's space a service may lead a logged-in relative to.
RELATIVE_DESTINATIONS = [
    ("pecule", _("l'onglet « Pécule » de son espace")),
    ("accueil", _("l'onglet « Accueil » de son espace")),
]
RELATIVE_URL_NAMES = {"pecule": "transfers:pecule", "accueil": "accounts:mon_espace"}
# What the service's card says of where it leads a logged-in relative.
RELATIVE_DETAILS = {
    "pecule": _("Onglet « Pécule » de votre espace"),
    "accueil": _("Onglet « Accueil » de votre espace"),
}


class ServiceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Service"), max_length=120)
    text = blocks.TextBlock(label=_("Description"))
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(label=_("ou adresse"), required=False, max_length=250)
    link_label = blocks.CharBlock(label=_("Libellé du lien"), max_length=100)
    relative_destination = blocks.ChoiceBlock(
        label=_("Pour un proche connecté, mener à"),
        choices=RELATIVE_DESTINATIONS,
        required=False,
        help_text=_("Laissez vide pour mener tout le monde à la page ou à l'adresse ci-dessus."),
    )

    class Meta:
        label = _("Service")
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choisissez une page ou saisissez une adresse."))}
            )
        return value

    @staticmethod
    def href(value, *, is_relative: bool = False) -> str:
        """Where the service leads: a logged-in relative to the tab of their space it names, if any
        ("Faire un virement" → the "Pécule" tab); anyone else to its page or address."""
        destination = value.get("relative_destination")
        if is_relative and destination in RELATIVE_URL_NAMES:
            return reverse(RELATIVE_URL_NAMES[destination])
        page = value.get("page")
        if page is not None:
            return page.specific_deferred.url or "/"
        return value.get("url") or ""

    @staticmethod
    def detail(value, *, is_relative: bool = False) -> str:
        """The card's detail, which says where the service leads (RGAA 6.1: the card's title is its link)."""
        destination = value.get("relative_destination")
        if is_relative and destination in RELATIVE_DETAILS:
            return RELATIVE_DETAILS[destination]
        return value.get("link_label") or ""
