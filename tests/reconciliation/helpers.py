"""Common ground of the reconciliation tests: an establishment, received transfers, their statement."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from reconciliation.services.statements import import_statement
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import TransferFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import build, credit, write

IBAN_A = "FR7610071750000000100012302"


def establishment(code: str = "ETABA", iban: str = IBAN_A):
    return EstablishmentFactory(code=code, regie_iban=iban)


def executed_transfer(est, amount: str = "50.00", detainee=None) -> Transfer:
    detainee = detainee or DetaineeFactory(establishment=est)
    permit = VisitPermitFactory(detainee=detainee)
    return TransferFactory(
        permit=permit, amount=Decimal(amount), status=TransferStatus.EXECUTED, executed_at=timezone.now()
    )


def receive(tmp_path, est, transfers: list[Transfer], *, extra=(), msg_id: str = "MSG-R", user=None):
    """Import a statement paying each transfer (and ``extra`` entries): they become received. Each relative pays
    from an account of their own, in their own name (the monitoring holds a payer of another name)."""
    entries = [
        credit(f"{t.amount:.2f}", t.reference, debtor=payer_name(t.relative), debtor_iban=payer_iban(t.relative))
        for t in transfers
    ] + list(extra)
    content = build(iban=est.regie_iban, entries=entries, msg_id=msg_id, day=today().isoformat())
    return import_statement(path=write(tmp_path, content, f"{msg_id}.xml"), user=user)


def payer_name(relative) -> str:
    """The holder's name as a bank writes it: « DURAND MARIE »."""
    return f"{relative.family_name} {relative.given_name}".upper()


def payer_iban(relative) -> str:
    """An account of the relative's own (one per relative: no account shared by relatives)."""
    return f"FR76{relative.pk:023d}"


def today() -> datetime.date:
    return timezone.localdate()
