"""The demo site in English and Arabic (called by cms.demo.load_cms_demo): the home page, the guides « L'alimentation
du pécule » and « La prise de rendez-vous parloir se simplifie » and the FAQ, translated the way an editor does it
with Wagtail's simple translation (« Traduire »: a copy of the French page in the language's tree), then their
texts written in that language (cms/demo_assets/traductions.json: each French text of the demo with its English and
Arabic), links and the home page's services pointing to the translated pages. The images and the QR code's page
are shared. Other pages (news, tutorials, establishments, contact, legal pages) stay French: the report
« Traductions manquantes » lists them.

Idempotent: a translation that exists (published or draft) is left as the editors made it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from wagtail.models import Locale, Page

ASSETS = Path(__file__).resolve().parent / "demo_assets"
TRANSLATIONS_FILE = ASSETS / "traductions.json"
LANGUAGES = ("en", "ar")
# The fields of the demo's pages that carry text (each page type has some of them).
TEXT_FIELDS = ("title", "seo_title", "search_description", "intro", "footer")
STREAM_FIELDS = ("body", "themes", "services")
# Keys of a block's value that are not text (kept as they are).
NOT_TEXT = {"type", "id", "kind", "level", "relative_destination", "url", "image", "secondary"}
# The translated pages' own addresses (/en/sending-money-to-the-prison-account/); the home page's copy is
# « accueil-en » (Wagtail's), never shown.
SLUGS = {
    "alimentation-du-pecule": "sending-money-to-the-prison-account",
    "prise-de-rendez-vous-parloir": "booking-a-prison-visit",
    "questions-frequentes": "frequently-asked-questions",
}
PAGE_LINK = re.compile(r'(<a linktype="page" id=")(\d+)(")')


@cache
def translations() -> dict[str, dict[str, str]]:
    return json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))


def _key(text: str) -> tuple[str, list[int]]:
    """``text`` with its page links' ids replaced by « # » (the dictionary's key), and those ids."""
    ids = [int(match.group(2)) for match in PAGE_LINK.finditer(text)]
    return PAGE_LINK.sub(r"\g<1>#\g<3>", text), ids


def translate_text(text: str, language: str, pages: dict[int, int], missing: set[str] | None = None) -> str:
    """``text`` in ``language``: from the dictionary, its page links leading to the translated pages (when
    translated); the French text when the dictionary lacks it (added to ``missing``)."""
    if not text or not text.strip():
        return text
    key, ids = _key(text)
    translated = translations().get(key, {}).get(language)
    if translated is None:
        if missing is not None:
            missing.add(key)
        return text
    targets = iter(pages.get(pk, pk) for pk in ids)
    return re.sub(r'(<a linktype="page" id=")#(")', lambda match: f"{match.group(1)}{next(targets)}{match.group(2)}",
                  translated)


def translate_raw(value, language: str, pages: dict[int, int], missing: set[str] | None = None):
    """A StreamField's raw data with its texts in ``language`` and its chosen pages (« page ») translated."""
    if isinstance(value, list):
        return [translate_raw(item, language, pages, missing) for item in value]
    if isinstance(value, dict):
        result = {}
        for name, item in value.items():
            if name == "page" and isinstance(item, int):
                result[name] = pages.get(item, item)
            elif name in NOT_TEXT:
                result[name] = item
            else:
                result[name] = translate_raw(item, language, pages, missing)
        return result
    if isinstance(value, str):
        return translate_text(value, language, pages, missing)
    return value


def page_texts(page: Page) -> list:
    """The texts of a demo page (its text fields and its StreamFields' raw data), as translate_raw reads them."""
    return [getattr(page, name) for name in TEXT_FIELDS if getattr(page, name, None)] + [
        list(getattr(page, name).raw_data) for name in STREAM_FIELDS if hasattr(page, name)
    ]


def untranslated_texts(pages: list[Page]) -> set[str]:
    """The texts of ``pages`` that the dictionary lacks in English or Arabic (none: a test says so)."""
    missing: set[str] = set()
    for page in pages:
        for language in LANGUAGES:
            translate_raw(page_texts(page), language, {}, missing)
    return missing


def translate_pages(pages: list[Page], report) -> None:
    """English and Arabic translations of ``pages`` (French, parents first), published; an existing one is left as
    it is."""
    for language in LANGUAGES:
        locale = Locale.objects.get(language_code=language)
        new: list[tuple[Page, Page]] = []
        mapping: dict[int, int] = {}
        for page in pages:
            existing = page.get_translation_or_none(locale)
            label = f"page « {page.title} » ({language})"
            if existing is not None:
                mapping[page.pk] = existing.pk
                report.note(label, "unchanged")
                continue
            copy = page.copy_for_translation(locale)
            mapping[page.pk] = copy.pk
            new.append((page, copy.pk))
            report.note(label, "created")
        for page, pk in new:
            copy = Page.objects.get(pk=pk).specific  # read again: its children were added since (the tree's counts)
            copy.slug = SLUGS.get(page.slug, copy.slug)
            for name in TEXT_FIELDS:
                value = getattr(page, name, None)
                if value:
                    setattr(copy, name, translate_text(value, language, mapping))
            for name in STREAM_FIELDS:
                if hasattr(page, name):
                    setattr(copy, name, translate_raw(list(getattr(page, name).raw_data), language, mapping))
            copy.save_revision().publish()
