"""What every form a relative or a visitor fills must show in its HTML (the portal's form pattern,
templates/includes/form_field.html and form_errors.html): read the page as a screen reader would."""

from __future__ import annotations

import html
import re


def text(response) -> str:
    return html.unescape(response.content.decode())


def title(page: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", page, re.S).group(1).split())


def input_tag(page: str, field_id: str) -> str:
    """The opening tag of the field ``field_id`` (input, textarea or select)."""
    match = re.search(rf'<(?:input|textarea|select)\b[^>]*\bid="{field_id}"[^>]*>', page)
    assert match, f"no field with id {field_id}"
    return match.group(0)


def missing_describedby_ids(page: str) -> list[str]:
    """Every id named by an aria-describedby that the page does not hold (RGAA 8.2)."""
    named = {i for value in re.findall(r'aria-describedby="([^"]*)"', page) for i in value.split()}
    return sorted(i for i in named if f'id="{i}"' not in page)


def error_summary(page: str) -> str | None:
    match = re.search(r'<div class="fr-alert fr-alert--error[^"]*" id="resume-erreurs" tabindex="-1">(.*?)</div>',
                      page, re.S)
    return match.group(1) if match else None


def assert_accessible_form(page: str) -> None:
    """No form posts to ``action=""``, the required fields are announced at the top, every referenced id exists."""
    assert 'action=""' not in page
    assert "Les champs marqués d'un astérisque * sont obligatoires." in page
    assert missing_describedby_ids(page) == []
