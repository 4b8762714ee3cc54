"""scripts/record_tutorials.py still walks the current pages: one tutorial recorded in chromium against the
portal with the demo data (quickly: the others are not recorded), its video, captions and transcript."""

from __future__ import annotations

import io

import imageio_ffmpeg
import pytest
import webvtt
from django.core.management import call_command
from playwright.sync_api import expect

from permits.models import RegisteredPermit
from scripts import record_tutorials
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def operator(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.timeout(600)
def test_the_permit_tutorial_is_recorded_from_the_current_pages(browser, portal, tmp_path):
    [entry] = record_tutorials.record(base_url=portal.url, operator=operator, out=tmp_path,
                                      only=["enregistrer-un-permis-de-visite"], browser=browser)

    # The walk went through the real pages: Angela's permit is in her space now.
    assert RegisteredPermit.objects.filter(permit__number="PV-2026-000123").exists()
    video = tmp_path / "tutoriel-enregistrer-un-permis-de-visite.webm"
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    first = next(reader)  # the first image: the tutorial's poster, its header band in the portal's blue
    reader.close()
    red, green, blue = first[(40 * 1280 + 40) * 3:(40 * 1280 + 40) * 3 + 3]
    assert red < 30 and green < 30 and 120 < blue < 170, (red, green, blue)
    assert entry["pages"] == record_tutorials.fingerprint(record_tutorials.BY_SLUG["enregistrer-un-permis-de-visite"])
    assert meta["codec"] == "vp9" and tuple(meta["size"]) == (1280, 720), meta
    assert abs(meta["duration"] - entry["duration"]) < 0.5 and video.stat().st_size < 1_600_000

    captions = list(webvtt.read(str(tmp_path / "tutoriel-enregistrer-un-permis-de-visite.vtt"), strict=True))
    assert captions[0].start == "00:00:00.000"
    hours, minutes, seconds = captions[-1].end.split(":")
    assert abs(int(hours) * 3600 + int(minutes) * 60 + float(seconds) - meta["duration"]) < 0.5  # to the end
    said = [c.text for c in captions]
    assert "Cliquez sur « Ajouter ce permis ». Le portail vérifie que le permis est bien à votre nom." in said
    assert [line for part in entry["transcript"] for line in part["text"]] == said
    assert [c["title"] for c in entry["chapters"]] == [
        "Se connecter", "L'onglet « Pécule »", "Saisir le permis de visite", "Le permis et ses services",
    ]
    assert (tmp_path / "tutoriels.json").exists()


def test_the_four_tutorial_pages_play_their_video_with_captions_on_a_desktop_and_a_phone(walker):
    """The demo's tutorial pages, desktop and 360-px phone: the video loads (VP9 in chromium), its French
    captions are loaded as a track of cues, the transcript is under it, no horizontal scroll, axe clean."""
    from cms.models import TutorialPage

    pages = list(TutorialPage.objects.live().order_by("path"))
    assert len(pages) == 4
    for name, viewport in (("tutoriels-bureau", DESKTOP), ("tutoriels-telephone", PHONE)):
        walk = walker(name, viewport)
        page = walk.page
        for tutorial in pages:
            page.goto(tutorial.url)
            expect(page.get_by_role("heading", name="Transcription")).to_be_visible()
            page.wait_for_function("() => document.querySelector('video').readyState >= 1"
                                   " && document.querySelector('video').textTracks[0].cues"
                                   " && document.querySelector('video').textTracks[0].cues.length > 0")
            duration, cues, language = page.evaluate(
                "() => { const v = document.querySelector('video'), t = v.textTracks[0];"
                " return [v.duration, t.cues.length, t.language]; }"
            )
            assert language == "fr" and cues >= 5 and 15 < duration < 180, (tutorial.url, duration, cues)
            walk.visit(tutorial.slug)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"], tutorial.url
        assert len(walk.checked) == 4
        assert not walk.violations, f"{name} — violations WCAG 2.1 AA :\n{walk.report()}"
        assert not walk.broken, walk.broken
        assert not walk.console_errors, walk.console_errors
