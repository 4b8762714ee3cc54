"""IBAN and BIC validation (schwifty), the régie's holder name as a bank holds it, shared by models and forms."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .constants import MAX_CASHIER_CUTOFFS


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


# The SEPA character set (EPC's basic Latin subset): what a bank holds as an account holder's name and what an
# instant transfer's payee check compares the payer's word with.
_SEPA_NAME = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]*$")
HOLDER_MAX_LENGTH = 70


def validate_regie_holder(value: str) -> None:
    """The régie's account holder name exactly as its bank holds it: SEPA characters only (letters without
    accents, digits, space and / - ? : ( ) . , ' +), 70 characters at most, no space at either end. It is sent to
    the payer's bank unchanged and shown to the payer before they choose their bank."""
    value = value or ""
    if len(value) > HOLDER_MAX_LENGTH:
        raise ValidationError(
            _("Le nom du titulaire compte %(n)s caractères : 70 au plus, comme la banque le tient."),
            params={"n": len(value)}, code="holder_too_long",
        )
    if value != value.strip():
        raise ValidationError(
            _("Le nom du titulaire ne doit commencer ni finir par une espace."), code="holder_spaces",
        )
    if not _SEPA_NAME.match(value):
        wrong = sorted({char for char in value if not _SEPA_NAME.match(char)})
        raise ValidationError(
            _("Le nom du titulaire contient des caractères que les virements SEPA n'acceptent pas (%(chars)s) : "
              "écrivez-le exactement comme la banque le tient, en lettres sans accents, chiffres, espaces et "
              "/ - ? : ( ) . , ' +."),
            params={"chars": " ".join(f"« {char} »" for char in wrong)}, code="holder_characters",
        )


_CUTOFF = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*$")


def parse_cashier_cutoffs(value) -> list[str]:
    """The cashier's cut-off times as stored (sorted "HH:MM" strings, no two alike), from a list of strings or
    a text as staff type it (« 10:00, 14:00, 17:00 », « 10h ; 14 h 30 »). ValidationError (French) otherwise."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,;\s]+(?=\d)", value.strip()) if p.strip()]
    elif isinstance(value, (list, tuple)):
        parts = [str(p) for p in value]
    else:
        raise ValidationError(_("Indiquez les heures de passage à la caisse, par exemple 10:00, 14:00, 17:00."),
                              code="invalid_cutoffs")
    times = set()
    for part in parts:
        match = _CUTOFF.match(part)
        hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 0)
        if hour > 23 or minute > 59:
            raise ValidationError(
                _("« %(value)s » n'est pas une heure : écrivez-la comme 10:00 ou 14h30."),
                params={"value": part.strip()}, code="invalid_cutoff",
            )
        times.add(f"{hour:02d}:{minute:02d}")
    if not times:
        raise ValidationError(_("Indiquez au moins une heure de passage à la caisse."), code="no_cutoff")
    if len(times) > MAX_CASHIER_CUTOFFS:
        raise ValidationError(_("Au plus %(n)s heures de passage à la caisse par jour."),
                              params={"n": MAX_CASHIER_CUTOFFS}, code="too_many_cutoffs")
    return sorted(times)


def validate_cashier_cutoffs(value) -> None:
    if not isinstance(value, list) or parse_cashier_cutoffs(value) != value:
        parse_cashier_cutoffs(value)  # the French error when it cannot be read at all
        raise ValidationError(_("Les heures de passage à la caisse doivent être rangées dans l'ordre, sans doublon."),
                              code="unsorted_cutoffs")
