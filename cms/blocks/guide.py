"""The guide's blocks (flyer-style): numbered steps and their sub-steps (1a, 1b, 2a…).

Numbers and letters are not typed by editors: they follow the order of the steps and sub-steps
(see ``GuidePage.numbered_body``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .content import (
    AccessibleImageBlock,
    ButtonLabelBlock,
    HeadingBlock,
    InfoCalloutBlock,
    QRCodeBlock,
    ScreenTextBlock,
    WarningCalloutBlock,
    paragraph_block,
)


class StepContentBlock(blocks.StreamBlock):
    """What a sub-step (or a step's introduction) holds: text, image, "i" note, warning, the button as
    the user sees it, a text shown on screen, a QR code."""

    paragraph = paragraph_block()
    image = AccessibleImageBlock()
    info = InfoCalloutBlock()
    warning = WarningCalloutBlock()
    button = ButtonLabelBlock()
    screen_text = ScreenTextBlock()
    qr_code = QRCodeBlock()


class SubStepBlock(blocks.StructBlock):
    # RGAA 9.1: the sub-step's heading reads "1a. <title>", not "1a" alone; without a title, the
    # beginning of its first text stands in (GuidePage.numbered_body).
    title = blocks.CharBlock(
        label=_("Titre de la sous-étape"), max_length=120, required=False,
        help_text=_("Ce que fait la personne à cette sous-étape, par exemple « Se connecter avec FranceConnect ». "
                    "Il suit le numéro (1a, 1b…) dans le titre de la sous-étape."),
    )
    content = StepContentBlock(label=_("Contenu de la sous-étape"))

    class Meta:
        label = _("Sous-étape")
        icon = "list-ol"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre de l'étape"), max_length=200)
    intro = StepContentBlock(label=_("Introduction de l'étape"), required=False)
    substeps = blocks.ListBlock(SubStepBlock(), label=_("Sous-étapes"), min_num=0)

    class Meta:
        label = _("Étape numérotée")
        icon = "list-ol"


class GuideStreamBlock(blocks.StreamBlock):
    step = StepBlock()
    heading = HeadingBlock()
    paragraph = paragraph_block()
    image = AccessibleImageBlock()
    info = InfoCalloutBlock()
    warning = WarningCalloutBlock()
    qr_code = QRCodeBlock()
