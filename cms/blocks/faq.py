"""The FAQ's blocks: questions grouped by theme."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .content import RICH_TEXT_FEATURES


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Réponse"))

    class Meta:
        label = _("Question")
        icon = "help"


class FAQThemeBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Thème"), max_length=200)
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        label = _("Thème")
        icon = "folder-open-inverse"
