"""An outside system that cannot be reached is named as such in the log (start-up): which one, at which
address, and why — ``FranceConnect injoignable à http://…/.well-known/openid-configuration : Connection refused`` —
for FranceConnect, ProConnect and the banks, while the user gets the French page saying it does not answer."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from core.outbound import failure_reason
from establishments.models import Bank
from transfers.psd2 import Psd2Error
from transfers.psd2.client import StetClient

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _errors(caplog) -> list[str]:
    """The errors logged, but Django's own line for each 5xx answer."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name != "django.request"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_franceconnect_down_is_named_with_its_address(client, settings, caplog):
    nowhere = f"http://127.0.0.1:{_closed_port()}/sandbox/franceconnect"
    settings.FRANCECONNECT_ISSUER = nowhere
    response = client.post("/connexion/franceconnect/")
    assert response.status_code == 503
    assert "FranceConnect ne répond pas pour le moment." in response.content.decode()
    assert _errors(caplog) == [
        f"FranceConnect injoignable à {nowhere}/.well-known/openid-configuration : Connection refused"
    ]


def test_proconnect_down_is_named_with_its_address(client, settings, caplog):
    nowhere = f"http://127.0.0.1:{_closed_port()}/sandbox/proconnect"
    settings.PROCONNECT_ISSUER = nowhere
    response = client.post("/agents/proconnect/connexion/")
    assert response.status_code == 503
    assert "ProConnect ne répond pas pour le moment." in response.content.decode()
    assert _errors(caplog) == [
        f"ProConnect injoignable à {nowhere}/.well-known/openid-configuration : Connection refused"
    ]


@pytest.fixture
def provider_whose_token_endpoint_is_down() -> Iterator[tuple[str, str]]:
    """A provider that publishes its configuration, but whose token endpoint does not answer."""
    token_endpoint = f"http://127.0.0.1:{_closed_port()}/token"
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = f"http://127.0.0.1:{server.server_address[1]}/oidc"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = json.dumps({
                "issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": token_endpoint,
                "userinfo_endpoint": f"{issuer}/userinfo", "jwks_uri": f"{issuer}/jwks",
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield issuer, token_endpoint
    server.shutdown()
    server.server_close()


def test_franceconnect_token_endpoint_down_is_named_with_its_address(client, settings, caplog,
                                                                      provider_whose_token_endpoint_is_down):
    issuer, token_endpoint = provider_whose_token_endpoint_is_down
    settings.FRANCECONNECT_ISSUER = issuer
    start = client.post("/connexion/franceconnect/")
    assert start.status_code == 302 and start["Location"].startswith(f"{issuer}/authorize?")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get("/connexion/franceconnect/retour/", {"code": "a-code", "state": state})
    assert response.status_code == 502
    assert "FranceConnect ne répond pas pour le moment." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _errors(caplog) == [f"FranceConnect injoignable à {token_endpoint} : Connection refused"]


def test_a_bank_down_is_named_with_its_address(caplog):
    base = f"http://127.0.0.1:{_closed_port()}/stet/v1"
    bank = Bank.objects.create(name="Banque Fermée", bic="FERMFRPP", api_base_url=base)
    with pytest.raises(Psd2Error):
        StetClient(bank).access_token()
    assert _errors(caplog) == [f"Banque « Banque Fermée » injoignable à {base}/token : Connection refused"]


def test_a_bank_that_never_answers_is_named_with_the_timeout(settings, caplog):
    settings.PSD2_TIMEOUT = (0.5, 0.5)
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        base = f"http://127.0.0.1:{silent.getsockname()[1]}/stet/v1"
        bank = Bank.objects.create(name="Banque Muette", bic="MUETFRPP", api_base_url=base)
        with pytest.raises(Psd2Error):
            StetClient(bank).access_token()
    assert _errors(caplog) == [f"Banque « Banque Muette » injoignable à {base}/token : délai de réponse dépassé"]


def test_the_reason_is_the_systems_own_words():
    import requests

    try:
        requests.get(f"http://127.0.0.1:{_closed_port()}/", timeout=2)
    except requests.RequestException as error:
        assert failure_reason(error) == "Connection refused"
    assert failure_reason(requests.ReadTimeout("read timed out")) == "délai de réponse dépassé"
    assert failure_reason(ValueError("réponse illisible")) == "réponse illisible"
