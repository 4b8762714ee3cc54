"""The embedded default on any host and port (start-up): `make run PORT=8822` leaves PORTAL_BASE_URL at
its default (http://127.0.0.1:8000), yet the stand-ins of FranceConnect, ProConnect and the demo bank, and the
portal's return addresses, follow the host and port the browser used (core.addresses); anything set explicitly
wins, and production never does it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory

from accounts.franceconnect import FranceConnectClient
from accounts.proconnect.client import ProConnectClient
from core.addresses import RequestOriginMiddleware, portal_base_url, rebased
from establishments.models import Bank
from sandbox.demo import load_demo
from scripts.smoke_start import Walk
from transfers.models import Transfer
from transfers.psd2.client import StetClient

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = "http://127.0.0.1:8000"


@pytest.fixture
def embedded_default(settings):
    """The settings `make run` gives: PORTAL_BASE_URL not set, so the stand-ins follow the request."""
    settings.PORTAL_BASE_URL_FROM_REQUEST = True
    settings.PORTAL_BASE_URL = DEFAULT
    settings.FRANCECONNECT_ISSUER = f"{DEFAULT}/sandbox/franceconnect"
    settings.PROCONNECT_ISSUER = f"{DEFAULT}/sandbox/proconnect"
    return settings


def _seen_from(host: str, read):
    """What ``read()`` gives while a request to ``host`` is served."""
    seen = {}

    def view(request):
        seen["value"] = read()
        from django.http import HttpResponse

        return HttpResponse()

    RequestOriginMiddleware(view)(RequestFactory().get("/", HTTP_HOST=host))
    return seen["value"]


@pytest.mark.django_db
@pytest.mark.parametrize("provider", ["franceconnect", "proconnect"])
def test_a_request_on_testserver_8822_gets_the_stand_ins_endpoints_on_that_host_and_port(client, embedded_default,
                                                                                       provider):
    discovery = client.get(f"/sandbox/{provider}/.well-known/openid-configuration", HTTP_HOST="testserver:8822")
    data = discovery.json()
    base = f"http://testserver:8822/sandbox/{provider}"
    assert data["issuer"] == base
    assert data["authorization_endpoint"] == f"{base}/authorize"
    assert (data["token_endpoint"], data["userinfo_endpoint"], data["jwks_uri"]) == (
        f"{base}/token", f"{base}/userinfo", f"{base}/jwks")
    assert data["end_session_endpoint"] == f"{base}/session/end"


@pytest.mark.django_db
def test_with_portal_base_url_set_the_stand_ins_keep_it(client, settings):
    settings.PORTAL_BASE_URL_FROM_REQUEST = False  # PORTAL_BASE_URL in the environment (make stack, production)
    settings.PORTAL_BASE_URL = "http://127.0.0.1:9100"
    data = client.get("/sandbox/franceconnect/.well-known/openid-configuration", HTTP_HOST="testserver:8822").json()
    assert data["authorization_endpoint"] == "http://127.0.0.1:9100/sandbox/franceconnect/authorize"


@pytest.mark.django_db
def test_the_clients_follow_the_request_and_keep_what_is_set_elsewhere(embedded_default):
    fc = _seen_from("localhost:8822", lambda: (FranceConnectClient().issuer, FranceConnectClient().redirect_uri(),
                                                FranceConnectClient().post_logout_redirect_uri()))
    assert fc == ("http://localhost:8822/sandbox/franceconnect", "http://localhost:8822/connexion/franceconnect/retour/",
                  "http://localhost:8822/deconnexion/retour/")
    pc = _seen_from("127.0.0.1:8822", lambda: (ProConnectClient().issuer, ProConnectClient().redirect_uri()))
    assert pc == ("http://127.0.0.1:8822/sandbox/proconnect", "http://127.0.0.1:8822/agents/proconnect/retour/")
    demo_bank = Bank(name="Banque de Démonstration", bic="DEMOFRPP", api_base_url=f"{DEFAULT}/sandbox/banque/stet/v1")
    other_bank = Bank(name="Banque réelle", bic="REALFRPP", api_base_url="https://api.banque.example/stet/v1")
    assert _seen_from("localhost:8822", lambda: StetClient(demo_bank).base_url) == (
        "http://localhost:8822/sandbox/banque/stet/v1")
    assert _seen_from("localhost:8822", lambda: StetClient(other_bank).base_url) == (
        "https://api.banque.example/stet/v1")
    # A real FranceConnect set explicitly is never moved; outside a request (a worker), the configured addresses.
    embedded_default.FRANCECONNECT_ISSUER = "https://fcp.integ01.dev-franceconnect.fr/api/v2"
    assert _seen_from("localhost:8822", lambda: FranceConnectClient().issuer) == (
        "https://fcp.integ01.dev-franceconnect.fr/api/v2")
    assert portal_base_url() == DEFAULT and rebased(f"{DEFAULT}/x") == f"{DEFAULT}/x"


@pytest.mark.django_db
def test_off_the_embedded_default_nothing_follows_the_request(settings):
    settings.PORTAL_BASE_URL_FROM_REQUEST = False
    settings.PORTAL_BASE_URL = DEFAULT
    assert _seen_from("localhost:8822", lambda: (portal_base_url(), rebased(f"{DEFAULT}/sandbox/x"))) == (
        DEFAULT, f"{DEFAULT}/sandbox/x")


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_is_refused_and_never_followed(client, embedded_default):
    response = client.get("/sandbox/franceconnect/.well-known/openid-configuration", HTTP_HOST="evil.example:8822")
    assert response.status_code == 400


def _settings_of(**env: str) -> dict:
    code = (
        "import json, django; django.setup()\nfrom django.conf import settings as s\n"
        "print(json.dumps({'follow': s.PORTAL_BASE_URL_FROM_REQUEST,"
        " 'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    cleared = ("DJANGO_ENV", "PORTAL_BASE_URL", "PORTAL_BASE_URL_FROM_REQUEST", "FRANCECONNECT_ISSUER",
               "PROCONNECT_ISSUER", "SANDBOX_ENABLED", "CSP_FORM_ACTION_EXTRA")
    full_env = {k: v for k, v in os.environ.items() if k not in cleared}
    full_env.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_settings_follow_the_request_only_when_portal_base_url_is_not_set():
    # make run: the login buttons' redirects stay on the portal itself ('self'), whatever its port.
    assert _settings_of() == {"follow": True, "form_action": ["'self'"]}
    # make stack, or any PORTAL_BASE_URL given: the stand-ins are at that address, listed in the CSP.
    assert _settings_of(PORTAL_BASE_URL="http://127.0.0.1:8123") == {
        "follow": False, "form_action": ["'self'", "http://127.0.0.1:8123", "http://127.0.0.1:8123"]}


# End to end: the live server at a port nobody configured, reached as 127.0.0.1 and as localhost.


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def started_elsewhere(live_server, embedded_default, tmp_path):
    """`make run PORT=N`: PORTAL_BASE_URL still says another port (here one nobody listens on), the demo data loaded
    with it (the demo bank's API address)."""
    cache.clear()
    embedded_default.MEDIA_ROOT = str(tmp_path)  # the demo tutorial's files
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    embedded_default.PORTAL_BASE_URL = nowhere
    embedded_default.FRANCECONNECT_ISSUER = f"{nowhere}/sandbox/franceconnect"
    embedded_default.PROCONNECT_ISSUER = f"{nowhere}/sandbox/proconnect"
    load_demo()
    assert Bank.objects.get(name="Banque de Démonstration").api_base_url.startswith(nowhere)
    yield urlsplit(live_server.url).port
    cache.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_franceconnect_login_and_a_transfer_work_on_the_port_the_portal_was_started_on(started_elsewhere, host):
    base = f"http://{host}:{started_elsewhere}"
    walk = Walk(base)
    home = walk.get("/")
    form, button = walk.form_with(home, action="/connexion/franceconnect/", where="FranceConnect")
    authorize = walk.submit(home, form, button)
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize.url).query).items()}
    assert authorize.url.startswith(f"{base}/sandbox/franceconnect/authorize?")
    assert query["redirect_uri"] == f"{base}/connexion/franceconnect/retour/"

    espace = Walk(base)
    espace.login("angela-dubois", "Angela Claire Louise")  # every page on `base` (Walk checks each redirect)
    done = espace.send_money("PV-2026-000123", "MARTIN", "20")
    transfer = Transfer.objects.get()
    assert done.url == f"{base}/mon-espace/virements/{transfer.reference}/retour/"
    assert transfer.status == "executed"
    # The e-mail receipt, sent while the browser was on `base`, leads back there.
    receipt = next(message for message in mail.outbox if transfer.reference in message.subject)
    assert f"{base}/" in receipt.body and DEFAULT not in receipt.body
