"""The monitoring listens to the transfers (``transfers.signals``): the rules run at each reservation and
at each statement's receipt, inside the transaction that made the change."""

from __future__ import annotations

from transfers.signals import transfer_reserved, transfers_received

from .services.screening import screen_received, screen_reserved


def on_transfer_reserved(sender, *, transfer, user=None, **kwargs) -> None:
    screen_reserved(transfer=transfer, user=user)


def on_transfers_received(sender, *, transfer_ids, user=None, **kwargs) -> None:
    screen_received(transfer_ids=list(transfer_ids), user=user)


def connect() -> None:
    transfer_reserved.connect(on_transfer_reserved, dispatch_uid="monitoring.screen_reserved")
    transfers_received.connect(on_transfers_received, dispatch_uid="monitoring.screen_received")
