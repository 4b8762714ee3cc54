"""The logins started in this browser and not yet back from the provider: their ``state`` (the key) with
their ``nonce`` and start time, in the session. A few at once (several tabs), each usable once, for a
quarter of an hour."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

MAX_PENDING_LOGINS = 5
PENDING_LOGIN_SECONDS = 15 * 60


def remember_pending_login(request: HttpRequest, key: str, *, state: str, nonce: str, **extra: Any) -> None:
    """Keep this login's state and nonce (and ``extra``, e.g. where to go afterwards) under session ``key``."""
    now = int(time.time())
    pending = {
        known: entry
        for known, entry in request.session.get(key, {}).items()
        if now - entry["at"] < PENDING_LOGIN_SECONDS
    }
    pending[state] = {"nonce": nonce, "at": now, **extra}
    # Keep the most recent few (several tabs), never an unbounded list.
    recent = sorted(pending.items(), key=lambda item: item[1]["at"])[-MAX_PENDING_LOGINS:]
    request.session[key] = dict(recent)


def take_pending_login(request: HttpRequest, key: str, state: str) -> dict[str, Any] | None:
    """The pending login of ``state``, removed whatever happens next (single use); None when unknown,
    already used or expired. The session is saved at once: Django does not save it with a 5xx answer, and
    a state must never serve twice."""
    pending = request.session.get(key, {})
    entry = pending.pop(state, None) if state else None
    request.session[key] = pending
    request.session.save()
    if entry is None or int(time.time()) - entry["at"] >= PENDING_LOGIN_SECONDS:
        return None
    return entry
