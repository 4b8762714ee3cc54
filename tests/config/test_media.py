"""Uploaded images are served by Django with DEBUG or SERVE_MEDIA (the one-machine stack), not otherwise."""

from django.test import RequestFactory
from django.urls import resolve

from config.urls import media_patterns


def test_with_serve_media_an_uploaded_image_is_served(settings, tmp_path):
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "pecule.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    [pattern] = media_patterns()
    match = pattern.resolve("media/images/pecule.png")
    response = match.func(RequestFactory().get("/media/images/pecule.png"), **match.kwargs)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_outside_debug_and_the_stack_django_serves_no_media(settings):
    settings.DEBUG = False
    settings.SERVE_MEDIA = False
    assert media_patterns() == []


def test_a_path_out_of_the_media_folder_is_refused(settings, tmp_path):
    import pytest
    from django.core.exceptions import SuspiciousOperation

    settings.SERVE_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "secret.txt").write_text("non")
    [pattern] = media_patterns()
    match = pattern.resolve("media/../secret.txt")
    with pytest.raises(SuspiciousOperation):  # answered 400 by Django's handler
        match.func(RequestFactory().get("/media/../secret.txt"), **match.kwargs)


def test_the_portal_routes_still_resolve():
    assert resolve("/").url_name == "home"
