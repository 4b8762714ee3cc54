"""The pictures the content site draws itself (Pillow): the guide's illustrations of the portal's
screens and the tutorials' posters (title cards).

Every text is drawn with Marianne, the typeface of the portal's own pages, read from the WOFF files
that django-dsfr ships (a dependency of the project: present on every machine the portal runs on,
never a system font). A text with a character the font lacks would be drawn as a box ("Acc☐der"):
``Canvas.text`` refuses it, and the tests check every picture the demo draws (see
cms/demo_assets/README.md for the font and its licence)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(str(files("dsfr"))) / "static" / "dsfr" / "dist" / "fonts"
FONTS = {"regular": "Marianne-Regular.woff", "bold": "Marianne-Bold.woff"}
BLUE = "#000091"
TEXT = "#161616"
GREY = "#f6f6f6"
FRAME = "#929292"
# A character every font lacks (a private-use code point): what FreeType draws for a missing glyph.
_MISSING = "\U000f0000"


@cache
def font(size: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONTS[weight]), size)


def _mask(typeface: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = typeface.getmask(char)
    return mask.size, bytes(mask)


def missing_glyphs(text: str, typeface: ImageFont.FreeTypeFont) -> set[str]:
    """The characters of ``text`` that ``typeface`` would draw as its "missing glyph" box."""
    notdef = _mask(typeface, _MISSING)
    return {char for char in set(text) if char != "\n" and _mask(typeface, char) == notdef}


class MissingGlyphError(ValueError):
    pass


@dataclass
class Canvas:
    """A picture and the texts drawn on it (each with its font), for the glyph checks."""

    width: int
    height: int
    image: Image.Image = field(init=False)
    texts: list[tuple[str, ImageFont.FreeTypeFont]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.image)

    def text(self, xy: tuple[int, int], text: str, *, typeface: ImageFont.FreeTypeFont, fill: str = TEXT) -> None:
        if missing := missing_glyphs(text, typeface):
            raise MissingGlyphError(
                f"La police {' '.join(typeface.getname())} n'a pas les caractères {sorted(missing)} de « {text} »."
            )
        self.texts.append((text, typeface))
        self.draw.text(xy, text, fill=fill, font=typeface)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG")
        return buffer.getvalue()


def _header(canvas: Canvas, title: str) -> None:
    canvas.draw.rectangle([0, 0, canvas.width, 90], fill=BLUE)
    canvas.text((40, 26), title, typeface=font(30, "bold"), fill="white")


def screen_illustration(lines: list[str], button_label: str) -> Canvas:
    """A portal screen, simplified: the header, a title and lines of text, then the button to press."""
    top = 170 + 60 * len(lines)
    canvas = Canvas(1080, top + 80 + 60)
    _header(canvas, "Portail des proches")
    for i, line in enumerate(lines):
        canvas.text((40, 140 + 60 * i), line, typeface=font(40, "bold") if i == 0 else font(30))
    label_font = font(30, "bold")
    width = int(label_font.getlength(button_label)) + 64
    canvas.draw.rectangle([40, top, 40 + width, top + 80], fill=BLUE)
    canvas.text((72, top + 22), button_label, typeface=label_font, fill="white")
    # A frame: the picture of a screen, not a part of the page around it.
    canvas.draw.rectangle([0, 0, canvas.width - 1, canvas.height - 1], outline=FRAME, width=2)
    return canvas


def tutorial_poster(title: str, intro: str) -> Canvas:
    """The poster of a video tutorial: the ``poster`` its page shows before the video loads (on a slow phone,
    all there is to see) and the video's first image: its title, large, and what it shows, on the portal's
    colours."""
    canvas = Canvas(1280, 720)
    _header(canvas, "Portail des proches — tutoriel vidéo")
    title_font, intro_font = font(56, "bold"), font(32)
    y = 200
    for line in _wrap(title, title_font, canvas.width - 160):
        canvas.text((80, y), line, typeface=title_font, fill=BLUE)
        y += 76
    y += 30
    for line in _wrap(intro, intro_font, canvas.width - 160):
        canvas.text((80, y), line, typeface=intro_font, fill=TEXT)
        y += 46
    canvas.draw.rectangle([80, 640, 240, 648], fill=BLUE)
    return canvas


def _wrap(text: str, typeface: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and typeface.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
