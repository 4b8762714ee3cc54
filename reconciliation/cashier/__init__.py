"""The in-house cashier system (GENESIS, comptes nominatifs), behind a small interface.

``CashierSystem`` renders a batch of credits and reads an acknowledgement; the real implementation is
file based (``files.FileCashier``: the CSV files of DESIGN.md, exchanged by download/upload or by the
``cashier_batch`` / ``cashier_ack`` commands). The sandbox cashier (``sandbox/cashier``) answers a
batch with its acknowledgement, for the embedded default and the tests. ``CASHIER_BACKEND`` (a
dotted path) chooses the implementation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class BatchItem:
    establishment_code: str
    ecrou: str
    family_name: str
    first_name: str
    amount: Decimal
    currency: str
    reference: str
    payer_name: str
    received_on: datetime.date

    @classmethod
    def from_transfer(cls, transfer, payer_name: str = "") -> BatchItem:
        relative = transfer.relative
        return cls(
            establishment_code=transfer.establishment.code,
            ecrou=transfer.detainee.ecrou,
            family_name=transfer.detainee.family_name.upper(),
            first_name=transfer.detainee.first_name,
            amount=transfer.amount,
            currency="EUR",
            reference=transfer.reference,
            payer_name=payer_name or f"{relative.given_name} {relative.family_name}".strip(),
            received_on=timezone.localtime(transfer.received_at).date(),
        )


@dataclass(frozen=True)
class AckItem:
    line_number: int
    reference: str
    status: str  # AckStatus.CREDITED or AckStatus.REJECTED
    operation_id: str
    reason: str
    amount: Decimal | None = None


class CashierSystem(Protocol):
    def render_batch(self, items: list[BatchItem]) -> str:
        """The batch file handed to the cashier system."""

    def read_acknowledgement(self, data: bytes) -> list[AckItem]:
        """The cashier's answer; raises ReconciliationError (French) when it cannot be read."""


def get_cashier() -> CashierSystem:
    return import_string(getattr(settings, "CASHIER_BACKEND", "reconciliation.cashier.files.FileCashier"))()
