"""Content blocks shared by every page type, each rendered with a DSFR component."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from ..constants import HeadingLevel, ScreenTextKind
from ..qr import absolute_url, svg_data_uri

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def paragraph_block(**kwargs) -> blocks.RichTextBlock:
    return blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Paragraphe"), template="cms/blocks/paragraph.html", **kwargs
    )


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Titre"), max_length=200)
    level = blocks.ChoiceBlock(choices=HeadingLevel.choices, default=HeadingLevel.H2, label=_("Niveau"))

    class Meta:
        label = _("Titre")
        icon = "title"
        template = "cms/blocks/heading.html"


class AccessibleImageBlock(blocks.StructBlock):
    """A screenshot or an illustration; its text alternative is required."""

    image = ImageChooserBlock(label=_("Image"))
    # Checked by clean() (not required=True) so that a missing one gets its own French message.
    alt = blocks.CharBlock(
        label=_("Texte alternatif (obligatoire)"),
        required=False,
        max_length=250,
        help_text=_("Décrit l'image pour les personnes qui ne la voient pas (obligatoire)."),
    )
    caption = blocks.CharBlock(label=_("Légende"), required=False, max_length=250)

    class Meta:
        label = _("Image (capture d'écran ou illustration)")
        icon = "image"
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("alt") or "").strip():
            raise StructBlockValidationError(
                block_errors={"alt": ValidationError(_("Le texte alternatif de l'image est obligatoire."))}
            )
        return value


class InfoCalloutBlock(blocks.StructBlock):
    """The "i" note of the flyer."""

    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))

    class Meta:
        label = _("Information « i »")
        icon = "info-circle"
        template = "cms/blocks/info.html"


class WarningCalloutBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))

    class Meta:
        label = _("Avertissement")
        icon = "warning"
        template = "cms/blocks/warning.html"


class ButtonLabelBlock(blocks.StructBlock):
    """A button of the portal, shown as the user will see it (not a link)."""

    label = blocks.CharBlock(label=_("Libellé du bouton"), max_length=100)
    secondary = blocks.BooleanBlock(label=_("Bouton secondaire"), required=False)

    class Meta:
        label = _("Bouton affiché")
        icon = "pick"
        template = "cms/blocks/button.html"


class ScreenTextBlock(blocks.StructBlock):
    """A text the user reads on a screen: a page title ("Confirmer un virement ponctuel") or a message
    ("Votre virement a été pris en compte")."""

    text = blocks.CharBlock(label=_("Texte affiché"), max_length=200)
    kind = blocks.ChoiceBlock(choices=ScreenTextKind.choices, default=ScreenTextKind.TITLE, label=_("Nature"))

    class Meta:
        label = _("Texte affiché à l'écran")
        icon = "doc-full"
        template = "cms/blocks/screen_text.html"


class QRCodeBlock(blocks.StructBlock):
    """A QR code (segno) pointing to a page of the site or to any address."""

    page = blocks.PageChooserBlock(label=_("Page du site"), required=False)
    url = blocks.URLBlock(label=_("ou adresse"), required=False)
    caption = blocks.CharBlock(
        label=_("Légende"), required=False, max_length=200,
        help_text=_("Dit où mène le QR code, par exemple « QR code menant à la page d'accueil du portail ». Elle sert "
                    "aussi d'alternative textuelle à l'image. Sans légende : « QR code menant à » suivi de l'adresse."),
    )

    class Meta:
        label = _("QR code")
        icon = "link"
        template = "cms/blocks/qr_code.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choisissez une page du site ou saisissez une adresse (l'une des deux)."))
                }
            )
        return value

    @staticmethod
    def target_url(value) -> str:
        page = value.get("page")
        if page is not None:
            return absolute_url(page.specific_deferred.url or "/")
        return value.get("url") or ""

    @classmethod
    def text_alternative(cls, value) -> str:
        """The QR code's caption, which is also its image's text alternative (RGAA 1.9: one text for both,
        on the web page and in the PDF)."""
        return (value.get("caption") or "").strip() or _("QR code menant à %(url)s") % {"url": cls.target_url(value)}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        target = self.target_url(value)
        context["target"] = target
        context["label"] = self.text_alternative(value)
        context["qr_src"] = svg_data_uri(target) if target else ""
        return context


class VisitsRetentionBlock(blocks.StaticBlock):
    """How long the parloir's visits are kept, written from ``settings.VISITS_RETENTION_DAYS`` (the figure the
    nightly purge applies), so that the "Données personnelles" page always says what the portal does."""

    class Meta:
        label = _("Durée de conservation des rendez-vous parloir")
        icon = "time"
        admin_text = _("Affiche la durée de conservation des rendez-vous parloir, lue dans la configuration du "
                       "portail (VISITS_RETENTION_DAYS).")
        template = "cms/blocks/visits_retention.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["retention_days"] = settings.VISITS_RETENTION_DAYS
        return context


class ContentStreamBlock(blocks.StreamBlock):
    """The body of plain content pages and of news."""

    heading = HeadingBlock()
    paragraph = paragraph_block()
    image = AccessibleImageBlock()
    info = InfoCalloutBlock()
    warning = WarningCalloutBlock()
    button = ButtonLabelBlock()
    qr_code = QRCodeBlock()
    visits_retention = VisitsRetentionBlock()
