"""French amount formats: parsing what a relative types, and showing euros (``1 000,00 €``)."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .constants import MAX_AMOUNT_DIGITS

THOUSANDS_SEPARATOR = "\u202f"
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


def format_euros(value: Decimal) -> str:
    """``Decimal("1000.5")`` → ``1 000,50 €`` (narrow no-break space between thousands)."""
    quantized = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if quantized < 0 else ""
    integer, _dot, cents = f"{abs(quantized):.2f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}{THOUSANDS_SEPARATOR.join(groups)},{cents}\u00a0€"


def format_reference(reference: str) -> str:
    """A transfer's reference in readable groups, for display only (the stored reference, which is also
    the bank's EndToEndId, never changes): ``PDP4F7K9Q2M…`` → ``PDP 4F7K 9Q2M …`` (the prefix, then
    groups of four)."""
    from .constants import REFERENCE_PREFIX

    text = (reference or "").strip()
    head, rest = (REFERENCE_PREFIX, text[len(REFERENCE_PREFIX):]) if text.startswith(REFERENCE_PREFIX) else ("", text)
    groups = [rest[i:i + 4] for i in range(0, len(rest), 4)]
    return " ".join(part for part in [head, *groups] if part)


_SPACE_BEFORE = re.compile(r"[ \u00a0\u202f]+([:;!?»])")
_SPACE_AFTER = re.compile(r"«[ \u00a0\u202f]+")


def french_spacing(text: str) -> str:
    """French typography for the sentences the portal builds: a no-break space before « : » and inside
    guillemets, a narrow no-break space before « ; », « ! » and « ? », so that a line never starts with
    the sign (``il reste 200 € ; …`` wrapped on a phone)."""
    text = _SPACE_BEFORE.sub(lambda m: ("\u00a0" if m[1] in ":»" else "\u202f") + m[1], str(text))
    return _SPACE_AFTER.sub("«\u00a0", text)
