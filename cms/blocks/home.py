"""The home page's services (the flyer's two services)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class ServiceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Service"), max_length=120)
    text = blocks.TextBlock(label=_("Description"))
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(label=_("ou adresse"), required=False, max_length=250)
    link_label = blocks.CharBlock(label=_("Libellé du lien"), max_length=100)

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
    def href(value) -> str:
        page = value.get("page")
        if page is not None:
            return page.specific_deferred.url or "/"
        return value.get("url") or ""
