"""Calls to the outside systems (FranceConnect, ProConnect, the banks) that do not get through: named in the log.

``unreachable(logger, provider, url, error)`` logs, at ERROR, one line an operator can act on —
``FranceConnect injoignable à http://127.0.0.1:8000/sandbox/franceconnect/.well-known/openid-configuration :
Connection refused`` — and returns it (the caller keeps it as the failure's detail)."""

from __future__ import annotations

import logging

import requests


def failure_reason(error: BaseException) -> str:
    """The root cause of a failed HTTP call in a few words: the operating system's (``Connection refused``,
    ``Name or service not known``…), or that no answer came in time."""
    if isinstance(error, requests.Timeout):
        return "délai de réponse dépassé"
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return str(current.strerror)
        for nested in (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args):
            if isinstance(nested, BaseException):
                pending.append(nested)
    return str(error) or error.__class__.__name__


def unreachable(logger: logging.Logger, provider: str, url: str, error: BaseException) -> str:
    """Log that ``provider`` could not be reached at ``url`` and why; returns the line logged."""
    line = f"{provider} injoignable à {url} : {failure_reason(error)}"
    logger.error(line)
    return line
