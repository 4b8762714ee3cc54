"""Outbound HTTP for the PSD2 client: the session (mTLS with the QWAC certificate) and the request
signer (HTTP signatures with the QSealC) are both pluggable from settings, so that a real bank's
requirements are met without touching the client.

- ``PSD2_SESSION_FACTORY``: dotted path of a callable ``(bank) -> requests.Session``; the default
  gives a session with ``PSD2_CLIENT_CERT``/``PSD2_CLIENT_KEY`` as client certificate (when set)
  and ``PSD2_CA_BUNDLE`` to verify the bank.
- ``PSD2_REQUEST_SIGNER``: dotted path of a callable ``(prepared_request, bank) -> None`` that adds
  the ``Digest``/``Signature`` headers; none by default.
"""

from __future__ import annotations

from collections.abc import Callable

import requests
from django.conf import settings
from django.utils.module_loading import import_string


def default_session(bank) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    cert, key = settings.PSD2_CLIENT_CERT, settings.PSD2_CLIENT_KEY
    if cert:
        session.cert = (cert, key) if key else cert
    if settings.PSD2_CA_BUNDLE:
        session.verify = settings.PSD2_CA_BUNDLE
    return session


def make_session(bank) -> requests.Session:
    factory: Callable = import_string(settings.PSD2_SESSION_FACTORY)
    return factory(bank)


def request_signer() -> Callable | None:
    path = settings.PSD2_REQUEST_SIGNER
    return import_string(path) if path else None
