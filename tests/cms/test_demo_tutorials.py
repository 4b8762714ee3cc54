"""The demo's video tutorials (one per part of the flyer, recorded by scripts/record_tutorials.py from the
browser walk): each page plays its video with French captions that cover the whole video, shows its chapters
and its transcript (the captions' very words), and the files stay small."""

from __future__ import annotations

import re
from pathlib import Path

import imageio_ffmpeg
import pytest
import webvtt
from django.conf import settings
from django.utils.html import strip_tags

from cms.models import TutorialPage

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/tutoriels/se-connecter-avec-franceconnect/": "Se connecter avec FranceConnect",
    "/tutoriels/enregistrer-un-permis-de-visite/": "Ajouter un permis de visite à votre espace",
    "/tutoriels/faire-un-virement/": "Faire un virement pour alimenter le pécule",
    "/tutoriels/suivre-un-virement/": "Suivre un virement",
}
MAX_VIDEO_BYTES = 1_600_000
FRENCH = re.compile(r"(?<!\w)(?:[ld]'|(?:le|la|les|un|une|à|vous|votre|vos|sur|dans|de|du|des|et)(?!\w))",
                    re.IGNORECASE)


def _video(page: TutorialPage) -> dict:
    """The video's size and length as read by ffmpeg (imageio-ffmpeg)."""
    reader = imageio_ffmpeg.read_frames(page.video_file.file.path)
    meta = next(reader)
    reader.close()
    return meta


def _seconds(timestamp: str) -> float:
    hours, minutes, seconds = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_one_tutorial_per_part_of_the_flyer(client, demo_site):
    pages = {page.url: page for page in TutorialPage.objects.live()}
    assert {url: page.title for url, page in pages.items()} == EXPECTED
    for url in EXPECTED:
        raw = client.get(url).content.decode()
        assert re.search(r'<source src="/documents/\d+/tutoriel-[a-z-]+\.webm" type="video/webm">', raw), url
        assert re.search(r'<track kind="captions" srclang="fr" label="Français" src="/documents/\d+/tutoriel-'
                         r'[a-z-]+\.vtt" default>', raw), url
        assert '<h2 id="transcription">Transcription</h2>' in raw
        # Before the video loads (a slow phone), its poster: the tutorial's title, drawn with every glyph.
        page = pages[url]
        assert page.poster is not None and page.poster.title == f"Tutoriel — {page.title} (affiche)"
        poster = re.search(r'<video class="portail-video" controls preload="metadata" poster="([^"]+)">', raw)
        assert poster and poster[1] == page.poster.get_rendition("original").url, url
        assert Path(settings.MEDIA_ROOT, poster[1].removeprefix(settings.MEDIA_URL)).is_file(), poster[1]


@pytest.mark.parametrize("url", list(EXPECTED))
def test_each_tutorial_has_its_video_captions_covering_it_and_its_transcript(client, demo_site, url):
    page = TutorialPage.objects.live().get(url_path__endswith=url.removeprefix("/tutoriels"))
    assert not page.publication_errors()
    meta = _video(page)
    width, height = meta["size"]
    assert width <= 1280 and height <= 720 and meta["codec"] == "vp9", meta
    assert 15 < meta["duration"] < 180, meta
    assert page.video_file.file.size <= MAX_VIDEO_BYTES, page.video_file.file.size

    captions = webvtt.read(page.captions.file.path, strict=True)  # malformed cues raise
    cues = [(_seconds(c.start), _seconds(c.end), c.text) for c in captions]
    assert len(cues) >= 5
    assert cues[0][0] == 0
    for (start, end, _text), (next_start, _end, _next) in zip(cues, cues[1:], strict=False):
        assert start < end <= next_start + 0.001 and next_start - end < 0.5  # in order, no gap
    assert abs(cues[-1][1] - meta["duration"]) < 0.5, (cues[-1], meta["duration"])
    for _start, _end, text in cues:
        assert FRENCH.search(text), text

    body = client.get(page.url).content.decode()
    transcript = body.split('<h2 id="transcription">Transcription</h2>', 1)[1]
    said = " ".join(strip_tags(transcript).replace("&#x27;", "'").replace("&quot;", '"').split())
    for _start, _end, text in cues:
        assert " ".join(text.split()) in said, text

    chapters = page.chapter_list()
    assert chapters and chapters[0]["seconds"] <= 5  # after the title card
    assert [c["seconds"] for c in chapters] == sorted({c["seconds"] for c in chapters})
    assert chapters[-1]["seconds"] < meta["duration"]
    for chapter in chapters:
        assert chapter["title"] in transcript.replace("&#x27;", "'")
