"""The monitoring's refusals: a French message for the staff member, and a stable code for the code."""

from __future__ import annotations


class MonitoringError(Exception):
    """A monitoring action refused; ``message`` is French (shown to the staff member), ``code`` is stable."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
