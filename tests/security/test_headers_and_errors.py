"""Response headers (CSP with frame-ancestors, X-Content-Type-Options, Referrer-Policy, frame options; HSTS
under the production settings) and the error pages a visitor sees with DEBUG off: French, no stack trace."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.config.test_production import _run

pytestmark = pytest.mark.django_db


def test_every_public_page_sends_the_security_headers(settings):
    settings.DEBUG = False
    client = Client()
    for url in ("/", "/contact/", "/accessibilite/", "/page-qui-n-existe-pas/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, url
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_production_settings_send_hsts_and_redirect_http_to_https(tmp_path):
    code = (
        "import json, django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='proches.justice.gouv.fr')\n"
        "plain = c.get('/sante/')\n"
        "secure = c.get('/sante/', secure=True)\n"
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')], 'secure': secure.status_code,\n"
        "    'hsts': secure.get('Strict-Transport-Security'), 'csp': secure.get('Content-Security-Policy'),\n"
        "    'nosniff': secure.get('X-Content-Type-Options'), 'referrer': secure.get('Referrer-Policy')}))\n"
    )
    out = _run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings",
               DATABASE_URL=f"sqlite:///{tmp_path / 'vide.sqlite3'}")
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["plain"] == [301, "https://proches.justice.gouv.fr/sante/"]
    assert seen["secure"] == 200
    assert seen["hsts"] == "max-age=63072000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in seen["csp"]
    assert seen["nosniff"] == "nosniff" and seen["referrer"] == "same-origin"


def test_a_failing_page_answers_a_french_500_without_trace(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.boom_urls"
    response = Client(raise_request_exception=False).get("/panne/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Erreur inattendue" in body and "Désolé, le service rencontre un problème." in body
    for leak in ("Traceback", "RuntimeError", "secret-interne-42", "site-packages"):
        assert leak not in body
    assert "<script" not in body and "style=" not in body


def test_an_unknown_page_answers_a_french_404_in_the_site_layout(settings):
    settings.DEBUG = False
    response = Client().get("/mon-espace/virements/INCONNU/retour/")
    body = response.content.decode()
    assert response.status_code in (302, 404)
    response = Client().get("/gestion-inexistante/rien/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in body and "Page d'accueil" in body and "fr-header" in body
    assert "Traceback" not in body and "Using the URLconf" not in body
