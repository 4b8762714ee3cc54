"""The public site in the DSFR: header, menu, footer, skip links, the FranceConnect button, the CSP."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cms.accessibility import DECLARATION

SITE_NAME = "Le portail des services de l'administration pénitentiaire pour les proches des personnes détenues"
PAGES = ["/", "/contact/", "/accessibilite/"]


def page(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_dsfr_header_menu_footer_and_skip_links(client, path):
    body = page(client, path)
    assert '<html lang="fr"' in body
    assert re.search(r'name="viewport"\s+content="width=device-width, initial-scale=1', body)  # a 360 px phone
    assert re.search(r'<header role="banner" class="fr-header">', body)
    assert f'<p class="fr-header__service-title">{SITE_NAME}</p>' in body
    assert re.search(r'<nav role="navigation" class="fr-nav" id="fr-navigation" aria-label="Menu principal">', body)
    assert re.search(r'<a class="fr-nav__link" href="/contact/"[^>]*>Contact</a>', body)
    assert 'class="fr-skiplinks"' in body and 'href="#content">Contenu</a>' in body
    assert 'id="content"' in body and 'id="footer"' in body
    assert f"Accessibilité : {DECLARATION.status}" in body
    assert "dsfr.module.min.js" in body and "dsfr.min.css" in body


@pytest.mark.django_db
def test_the_home_page_offers_the_franceconnect_button(client):
    body = page(client)
    assert re.search(r'<form method="post" action="/connexion/franceconnect/" class="fr-connect-group">', body)
    assert '<span class="fr-connect__login">S’identifier avec</span>' in body
    assert '<span class="fr-connect__brand">FranceConnect</span>' in body
    assert "Qu’est-ce que FranceConnect ?" in body
    assert 'name="csrfmiddlewaretoken"' in body


@pytest.mark.django_db
def test_the_contact_page_gives_the_support_address(client, settings):
    assert settings.SUPPORT_EMAIL in page(client, "/contact/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_pages_work_under_the_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    body = response.content.decode()
    # Nothing inline that the policy would block: scripts come from files, no style attribute or element.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert "style=" not in body and "<style" not in body
    assert not re.search(r"\son[a-z]+=", body)


@pytest.mark.django_db
def test_the_site_works_without_any_dsfr_configuration(client):
    from dsfr.models import DsfrConfig

    assert not DsfrConfig.objects.exists()
    assert SITE_NAME in page(client)


def test_production_cookies_are_secure_and_http_only():
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "proches.example.fr", "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3", "DJANGO_SETTINGS_MODULE": "config.settings",
        "PORTAL_BASE_URL": "https://proches.example.fr",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.SANDBOX_ENABLED, "
        "repr(s.FRANCECONNECT_ISSUER))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["True", "True", "True", "False", "''"]
