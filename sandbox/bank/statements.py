"""The sandbox bank's statement of the day of an establishment's régie account, as ``manage.py
sandbox_statement`` writes it and as the back office's import page fetches it (embedded default only)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .camt import build_statement


class SandboxStatementError(ValueError):
    """No statement can be written; the message is French."""


def statement_of_day(*, establishment, day: datetime.date | None = None) -> bytes:
    """The camt.053.001.08 statement of ``establishment``'s régie account for ``day`` (today)."""
    if not establishment.regie_iban:
        raise SandboxStatementError(
            _("L'établissement %(code)s n'a pas de compte de régie.") % {"code": establishment.code}
        )
    return build_statement(
        iban=establishment.regie_iban, holder=establishment.regie_holder, day=day or timezone.localdate()
    )


def statement_file_name(*, establishment, day: datetime.date | None = None) -> str:
    return f"releve-banque-demonstration-{establishment.code}-{(day or timezone.localdate()).isoformat()}.xml"
