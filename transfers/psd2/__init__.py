"""The STET PSD2 payment initiation client (PISP side): one implementation, which talks to real banks
and to the sandbox bank alike, over HTTP."""

from .client import PaymentRequestCreated, PaymentRequestStatus, StetClient
from .errors import Psd2BadResponse, Psd2Error, Psd2Refused, Psd2Unavailable, Psd2UnknownStatus

__all__ = [
    "PaymentRequestCreated",
    "PaymentRequestStatus",
    "Psd2BadResponse",
    "Psd2Error",
    "Psd2Refused",
    "Psd2Unavailable",
    "Psd2UnknownStatus",
    "StetClient",
]
