"""The tutorial's chapters: a start time in the video and a title."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

TIME_VALIDATOR = RegexValidator(
    r"^(\d{1,2}:)?[0-5]?\d:[0-5]\d$", _("Indiquez le début au format mm:ss (par exemple 01:30).")
)


class ChapterBlock(blocks.StructBlock):
    start = blocks.CharBlock(label=_("Début (mm:ss)"), max_length=8, validators=[TIME_VALIDATOR])
    title = blocks.CharBlock(label=_("Titre du chapitre"), max_length=200)

    class Meta:
        label = _("Chapitre")
        icon = "time"

    @staticmethod
    def seconds(start: str) -> int:
        total = 0
        for part in start.split(":"):
            total = total * 60 + int(part)
        return total
