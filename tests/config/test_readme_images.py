"""The pictures the README and docs/ show: each image a Markdown file references is in the repository (a renamed
or deleted screenshot would leave a broken image on the project's first page), is a picture, has its text
alternative, and docs/screenshots/ holds no picture that nothing shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def references(document: Path) -> list[tuple[str, str]]:
    """(alt, target) of each image of ``document``; HTML images with their alt left out (checked by axe)."""
    text = document.read_text(encoding="utf-8")
    return MARKDOWN_IMAGE.findall(text) + [("", src) for src in HTML_IMAGE.findall(text)]


def local(target: str) -> bool:
    return not re.match(r"[a-z]+:", target)


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.relative_to(ROOT).as_posix() for d in DOCUMENTS])
def test_every_image_a_document_shows_is_in_the_repository(document):
    missing, unreadable = [], []
    for _alt, target in references(document):
        if not local(target):
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        if not path.is_file():
            missing.append(target)
            continue
        try:
            with Image.open(path) as picture:
                picture.verify()
        except Exception:  # noqa: BLE001 - any error means the file is not a picture the page can show
            unreadable.append(target)
    assert missing == [] and unreadable == [], f"{document.name}: absentes {missing}, illisibles {unreadable}"


def test_the_readme_shows_its_screenshots_each_with_its_text_alternative():
    shown = {target: alt for alt, target in references(ROOT / "README.md") if target.startswith("docs/screenshots/")}
    assert len(shown) >= 13, sorted(shown)
    assert [target for target, alt in shown.items() if not alt.strip()] == []
    on_disk = {f"docs/screenshots/{path.name}" for path in (ROOT / "docs" / "screenshots").iterdir()}
    assert on_disk - set(shown) == set(), "captures d'écran que le README ne montre pas"
