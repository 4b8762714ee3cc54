"""The error of a refused reconciliation action, raised by the services and the cashier file reader."""

from __future__ import annotations


class ReconciliationError(Exception):
    """An action refused; ``messages`` are French, for the staff member or the operator."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]
