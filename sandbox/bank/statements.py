"""The sandbox bank's statement of the day of an establishment's régie account, and its intraday notice of the
instant payments so far, as ``manage.py sandbox_statement [--notice]`` writes them and as the back office's import
page fetches them (embedded default only)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .camt import build_notice, build_statement


class SandboxStatementError(ValueError):
    """No statement can be written; the message is French."""


def _check_account(establishment) -> None:
    if not establishment.regie_iban:
        raise SandboxStatementError(
            _("L'établissement %(code)s n'a pas de compte de régie.") % {"code": establishment.code}
        )


def statement_of_day(*, establishment, day: datetime.date | None = None) -> bytes:
    """The camt.053.001.08 statement of ``establishment``'s régie account for ``day`` (today)."""
    _check_account(establishment)
    return build_statement(
        iban=establishment.regie_iban, holder=establishment.regie_holder, day=day or timezone.localdate()
    )


def statement_file_name(*, establishment, day: datetime.date | None = None) -> str:
    return f"releve-banque-demonstration-{establishment.code}-{(day or timezone.localdate()).isoformat()}.xml"


def notice_of_day(
    *, establishment, day: datetime.date | None = None, now: datetime.datetime | None = None
) -> bytes:
    """The camt.054.001.08 notice of the instant payments executed to ``establishment``'s régie account on ``day``
    (today) up to ``now``."""
    _check_account(establishment)
    return build_notice(
        iban=establishment.regie_iban, holder=establishment.regie_holder, day=day or timezone.localdate(), now=now
    )


def notice_file_name(*, establishment, now: datetime.datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now())
    return f"avis-banque-demonstration-{establishment.code}-{stamp:%Y-%m-%d-%Hh%M%S}.xml"
