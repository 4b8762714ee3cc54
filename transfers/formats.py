"""What a relative types as an amount (``parse_amount``); a transfer's reference is shown by
``transfers.references.format_reference`` and euros by ``core.money.format_euros``."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .constants import MAX_AMOUNT_DIGITS

_AMOUNT = re.compile(r"^(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](?P<dec>\d+))?$")


class AmountError(ValueError):
    """The amount typed cannot be read; the message is French."""


def parse_amount(raw: str) -> Decimal:
    """``50``, ``50,00``, ``50,5``, ``50.50``, ``1 000,00`` → Decimal with 2 places."""
    text = (raw or "").strip().removesuffix("€").strip()
    if not text:
        raise AmountError(_("Indiquez le montant du virement."))
    if text.startswith("-"):
        raise AmountError(_("Le montant doit être positif."))
    match = _AMOUNT.match(text)
    if not match:
        raise AmountError(
            _("Le montant doit être un nombre en euros, par exemple 50 ou 50,00.")
        )
    digits = re.sub(r"\D", "", match["int"])
    decimals = match["dec"] or ""
    if len(decimals) > 2:
        raise AmountError(_("Le montant ne peut avoir plus de deux chiffres après la virgule."))
    if len(digits.lstrip("0")) > MAX_AMOUNT_DIGITS - 2:
        raise AmountError(_("Le montant est trop élevé."))
    try:
        amount = Decimal(f"{digits}.{decimals or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise AmountError(_("Le montant doit être un nombre en euros, par exemple 50 ou 50,00.")) from exc
    if amount <= 0:
        raise AmountError(_("Le montant doit être supérieur à zéro."))
    return amount
