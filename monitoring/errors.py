"""The monitoring's refusals: a French message for the person, a code for the tests and the logs."""

from __future__ import annotations


class MonitoringError(Exception):
    """A rule, an alert or a pair that cannot change as asked; ``message`` is French and shown as is."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
