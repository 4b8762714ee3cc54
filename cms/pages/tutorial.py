"""A video tutorial: an uploaded video or an embedded one, its captions, a required transcript and
its chapters. It cannot be published without captions or without its transcript."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ChapterBlock
from ..constants import EMBED_HOSTS
from .base import PortalPageMixin

VIDEO_EXTENSIONS = (".mp4", ".webm")
YOUTUBE = re.compile(r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/|youtube(?:-nocookie)?\.com/embed/)"
                     r"(?P<id>[\w-]{6,20})")
VIMEO = re.compile(r"^https://(?:player\.)?vimeo\.com/(?:video/)?(?P<id>\d{5,12})")


def embed_src(url: str) -> str | None:
    """The privacy-friendly player address of a YouTube or Vimeo link (the only hosts the CSP allows)."""
    if match := YOUTUBE.match(url or ""):
        return EMBED_HOSTS["youtube"] + match["id"]
    if match := VIMEO.match(url or ""):
        return EMBED_HOSTS["vimeo"] + match["id"]
    return None


def publication_errors(*, video_file, embed_url: str, captions, embed_has_captions: bool, transcript: str) -> dict:
    """What keeps a tutorial from being published, by field, in French."""
    errors: dict[str, str] = {}
    if bool(video_file) == bool(embed_url):
        errors["video_file"] = gettext(
            "Choisissez une vidéo : un fichier déposé ou une vidéo hébergée (l'un des deux)."
        )
    if video_file and not video_file.file.name.lower().endswith(VIDEO_EXTENSIONS):
        errors["video_file"] = gettext("La vidéo doit être un fichier MP4 ou WebM.")
    if embed_url and embed_src(embed_url) is None:
        errors["embed_url"] = gettext("Seules les vidéos YouTube et Vimeo peuvent être intégrées.")
    if captions and not captions.file.name.lower().endswith(".vtt"):
        errors["captions"] = gettext("Les sous-titres doivent être un fichier WebVTT (.vtt).")
    if not captions and not (embed_url and embed_has_captions):
        errors["captions"] = gettext(
            "Une vidéo ne peut être publiée sans sous-titres : ajoutez le fichier de sous-titres (WebVTT)."
        )
    if not strip_tags(transcript or "").strip():
        errors["transcript"] = gettext("Une vidéo ne peut être publiée sans sa transcription textuelle.")
    return errors


class TutorialPageForm(WagtailAdminPageForm):
    """Drafts may be incomplete; submitting for moderation or publishing needs captions and the
    transcript."""

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "is_deferred_validation", False):
            return cleaned
        errors = publication_errors(
            video_file=cleaned.get("video_file"),
            embed_url=cleaned.get("embed_url") or "",
            captions=cleaned.get("captions"),
            embed_has_captions=bool(cleaned.get("embed_has_captions")),
            transcript=cleaned.get("transcript") or "",
        )
        for field, message in errors.items():
            if field in self.fields:
                self.add_error(field, message)
            else:
                self.add_error(None, message)
        return cleaned


class TutorialPage(PortalPageMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    video_file = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("fichier vidéo (MP4 ou WebM)"),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("affiche"),
        help_text=_("L'image montrée avant la lecture de la vidéo (son titre) : sur un téléphone lent, c'est tout ce "
                    "que l'on voit tant que la vidéo se charge."),
    )
    embed_url = models.URLField(_("ou adresse d'une vidéo YouTube ou Vimeo"), blank=True)
    captions = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("sous-titres (fichier WebVTT)"),
    )
    embed_has_captions = models.BooleanField(
        _("la vidéo hébergée a des sous-titres en français"), default=False,
        help_text=_("Seulement pour une vidéo YouTube ou Vimeo dont les sous-titres sont sur la plateforme."),
    )
    transcript = RichTextField(_("transcription textuelle"), features=["bold", "italic", "link", "ol", "ul"],
                               blank=True, help_text=_("Obligatoire pour publier."))
    chapters = StreamField([("chapter", ChapterBlock())], verbose_name=_("chapitres"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("video_file"), FieldPanel("poster"), FieldPanel("embed_url"), FieldPanel("captions"),
             FieldPanel("embed_has_captions")],
            heading=_("Vidéo et sous-titres"),
        ),
        FieldPanel("transcript"),
        FieldPanel("chapters"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("transcript")]
    base_form_class = TutorialPageForm
    subpage_types: list[str] = []
    template = "cms/tutorial_page.html"

    class Meta:
        verbose_name = _("tutoriel vidéo")
        verbose_name_plural = _("tutoriels vidéo")

    def publication_errors(self) -> dict:
        return publication_errors(
            video_file=self.video_file, embed_url=self.embed_url, captions=self.captions,
            embed_has_captions=self.embed_has_captions, transcript=self.transcript,
        )

    def publish(self, revision, *args, **kwargs):
        """Whatever the path (editor, moderator, bulk action, scheduler), an incomplete tutorial is not
        published."""
        errors = revision.as_object().publication_errors()
        if errors:
            raise ValidationError(list(errors.values()))
        return super().publish(revision, *args, **kwargs)

    @property
    def embed_player(self) -> str | None:
        return embed_src(self.embed_url) if self.embed_url else None

    def chapter_list(self) -> list[dict]:
        return [
            {"start": c.value["start"], "seconds": ChapterBlock.seconds(c.value["start"]), "title": c.value["title"]}
            for c in self.chapters
        ]
