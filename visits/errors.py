"""The one error of the parloir's services and selectors: a refusal with a stable code and its French message,
shown as it is to the relative or the visit office. Nothing is written when it is raised."""

from __future__ import annotations


class BookingError(Exception):
    """A booking, a cancellation or a staff action refused; ``message`` is French, ``str(error) == message``."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code

    def __str__(self) -> str:
        return self.message
