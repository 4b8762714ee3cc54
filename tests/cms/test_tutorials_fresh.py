"""The committed video tutorials still show today's pages: scripts/record_tutorials.py keeps in
cms/demo_assets/tutoriels.json a hash of each template a tutorial walks through (and of what it extends or
includes, but base.html); a template changed since the recording names the tutorial to record again."""

from __future__ import annotations

import json

import pytest

from scripts import record_tutorials

MANIFEST = record_tutorials.ASSETS / record_tutorials.MANIFEST


def _recorded() -> dict[str, dict]:
    return {entry["slug"]: entry for entry in json.loads(MANIFEST.read_text(encoding="utf-8"))}


def test_every_tutorial_of_the_script_is_recorded():
    assert list(_recorded()) == [tutorial.slug for tutorial in record_tutorials.TUTORIALS]


@pytest.mark.parametrize("slug", list(record_tutorials.BY_SLUG))
def test_the_pages_a_tutorial_shows_have_not_changed_since_it_was_recorded(slug):
    tutorial = record_tutorials.BY_SLUG[slug]
    recorded = _recorded()[slug].get("pages", {})
    today = record_tutorials.fingerprint(tutorial)
    changed = sorted(name for name in recorded.keys() | today.keys() if recorded.get(name) != today.get(name))
    assert not changed, (
        f"Le tutoriel vidéo « {tutorial.title} » montre des pages qui ont changé depuis son enregistrement "
        f"({', '.join(changed)}) : enregistrez-le de nouveau, puis commitez cms/demo_assets/ "
        f"(The tutorial video shows pages changed since it was recorded; record it again):\n"
        f"    .venv/bin/python scripts/record_tutorials.py --only {slug}"
    )


def test_the_fingerprint_follows_includes_and_extends_but_not_the_sites_chrome():
    shown = record_tutorials.shown_templates(("accounts/mon_espace.html",))
    assert "accounts/permit_card.html" in shown  # included: the card with « Prendre un rendez-vous parloir »
    assert "accounts/tabs.html" in shown  # « Accueil », « Pécule », « Mes rendez-vous »
    assert "base.html" not in shown
    permit = record_tutorials.fingerprint(record_tutorials.BY_SLUG["enregistrer-un-permis-de-visite"])
    assert {"accounts/add_permit.html", "accounts/permit_card.html", "sandbox/franceconnect_authorize.html"} <= set(
        permit)
    assert all(len(digest) == 16 for digest in permit.values())
