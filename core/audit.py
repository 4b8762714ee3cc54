"""Why a change was made, as the audit stores it: a code, never a sentence.

Each app declares its reasons as a subclass of ``AuditReason`` (a ``TextChoices``: a stable code and its
French label) in its ``constants.py``, for example::

    class TransferAuditReason(AuditReason):
        EXPIRED = "transfer_expired", _("Délai de 30 minutes dépassé")

A service writes ``obj._change_reason = audit_reason(TransferAuditReason.EXPIRED)``, or with a detail that
is data, not prose (a bank's status code, an entry number, a staff member's own note):
``audit_reason(TransferAuditReason.BANK_REFUSED, "AC04")`` is stored as ``"transfer_bank_refused:AC04"``.
The history pages show ``reason_label(stored)``: the label in the reader's language, then the detail. So the
audit does not depend on the language of whoever made the change, and a label can be reworded without
rewriting history. A stored value that is no known code (history written before the codes) is shown as
it is."""

from __future__ import annotations

from django.db import models

SEPARATOR = ":"


class AuditReason(models.TextChoices):
    """The base of every app's audit reasons; codes are unique across apps (prefix them with the app's noun)."""


def audit_reason(reason: AuditReason, detail: object = "") -> str:
    """The value to store in ``history_change_reason``: the code, then ``:detail`` when there is one."""
    detail = str(detail or "").strip()
    return f"{reason.value}{SEPARATOR}{detail}" if detail else reason.value


def _known_reasons() -> dict[str, str]:
    found: dict[str, str] = {}
    pending = list(AuditReason.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        for member in choices:
            found[member.value] = member.label
    return found


def reason_label(stored: str | None) -> str:
    """``"transfer_bank_refused:AC04"`` → ``"Demande refusée par la banque : AC04"``; empty for nothing."""
    if not stored:
        return ""
    code, _separator, detail = stored.partition(SEPARATOR)
    label = _known_reasons().get(code)
    if label is None:
        return stored
    return f"{label} : {detail}" if detail else str(label)
