"""IBAN and BIC validation (schwifty), shared by models and forms."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException


def normalize_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_iban(value: str) -> None:
    try:
        IBAN(normalize_iban(value))
    except (SchwiftyException, ValueError) as exc:
        raise ValidationError(_("IBAN invalide : vérifiez sa longueur et sa clé."), code="invalid_iban") from exc


def validate_bic(value: str) -> None:
    try:
        BIC("".join((value or "").split()).upper())
    except (SchwiftyException, ValueError) as exc:
        raise ValidationError(_("BIC invalide : 8 ou 11 caractères attendus."), code="invalid_bic") from exc
