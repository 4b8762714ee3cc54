"""The pictures the demo draws (the guide's illustrations, the tutorials' posters): every letter of
their texts is in the font (no "Acc☐der"), and the font is the one shipped with the project."""

from __future__ import annotations

import json

import pytest
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.demo import ASSETS, ILLUSTRATIONS, TUTORIALS_MANIFEST
from cms.illustrations import (
    FONT_DIR,
    Canvas,
    MissingGlyphError,
    font,
    missing_glyphs,
    screen_illustration,
    tutorial_poster,
)

TUTORIALS = json.loads((ASSETS / TUTORIALS_MANIFEST).read_text(encoding="utf-8"))
FRENCH = "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’«»—–…€\u00a0\u202f"


def _assert_every_glyph(canvas: Canvas) -> None:
    assert canvas.texts, "l'image n'a aucun texte"
    for text, typeface in canvas.texts:
        assert not missing_glyphs(text, typeface), (text, missing_glyphs(text, typeface))


def test_the_font_is_shipped_with_the_project_not_taken_from_the_system():
    regular, bold = font(30), font(30, "bold")
    assert regular.path.startswith(str(FONT_DIR)) and bold.path.startswith(str(FONT_DIR))
    assert regular.getname() == ("Marianne", "Regular") and bold.getname() == ("Marianne", "Bold")
    assert not missing_glyphs(FRENCH, regular) and not missing_glyphs(FRENCH, bold)


def test_a_character_the_font_lacks_is_found_and_refused():
    assert missing_glyphs("Acc☐der au 中", font(30)) == {"☐", "中"}
    canvas = Canvas(100, 100)
    with pytest.raises(MissingGlyphError, match="☐"):
        canvas.text((0, 0), "Acc☐der", typeface=font(30))
    assert canvas.texts == []


@pytest.mark.parametrize("key", sorted(ILLUSTRATIONS))
def test_every_illustration_of_the_guide_has_every_glyph(key):
    title, lines, button = ILLUSTRATIONS[key]
    canvas = screen_illustration(lines, button)
    _assert_every_glyph(canvas)
    drawn = [text for text, _ in canvas.texts]
    assert button in drawn and all(line in drawn for line in lines)
    # The button's box holds its whole label.
    label_width = font(30, "bold").getlength(button)
    assert canvas.image.getpixel((40 + int(label_width) + 40, 170 + 60 * len(lines) + 5)) == (0, 0, 145)


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=[t["slug"] for t in TUTORIALS])
def test_each_tutorial_poster_has_every_glyph_and_its_whole_title(tutorial):
    canvas = tutorial_poster(tutorial["title"], tutorial["intro"])
    _assert_every_glyph(canvas)
    drawn = [text for text, _ in canvas.texts]
    assert "Portail des proches — tutoriel vidéo" in drawn
    assert " ".join(drawn[1:]) == f"{tutorial['title']} {tutorial['intro']}"  # wrapped, nothing left out
    assert (canvas.width, canvas.height) == (1280, 720)  # the videos' size: it is their first image too


@pytest.mark.django_db
def test_load_demo_stores_the_illustrations_drawn_with_the_font(demo_site):
    for title, _lines, _button in ILLUSTRATIONS.values():
        image = Image.objects.get(title=title)
        with image.open_file() as handle:
            picture = PILImage.open(handle)
            picture.load()
        assert picture.width == 1080 and picture.height == 170 + 60 * len(_lines) + 140
        assert picture.getpixel((40, 40)) == (0, 0, 145)  # the header band


@pytest.mark.django_db
def test_load_demo_stores_each_tutorial_poster(demo_site):
    for tutorial in TUTORIALS:
        image = Image.objects.get(title=f"Tutoriel — {tutorial['title']} (affiche)")
        with image.open_file() as handle:
            picture = PILImage.open(handle)
            picture.load()
        assert picture.size == (1280, 720)
        assert picture.getpixel((40, 40)) == (0, 0, 145)  # the header band
