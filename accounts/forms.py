from django import forms
from django.utils.translation import gettext_lazy as _

from permits.registration import (
    FAMILY_NAME_MAX_LENGTH,
    FAMILY_NAME_RE,
    PERMIT_NUMBER_MAX_LENGTH,
    PERMIT_NUMBER_RE,
    normalize_permit_number,
)


class AddPermitForm(forms.Form):
    """"Ajouter un permis de visite": the permit number and the detainee's family name."""

    permit_number = forms.CharField(
        label=_("Numéro du permis de visite"),
        help_text=_("Tel qu'il figure sur votre permis, par exemple PV-2026-000123."),
        max_length=PERMIT_NUMBER_MAX_LENGTH,
        error_messages={
            "required": _("Saisissez le numéro du permis de visite."),
            "max_length": _("Le numéro du permis compte au plus %(limit_value)d caractères."),
        },
    )
    detainee_family_name = forms.CharField(
        label=_("Nom de famille de la personne détenue"),
        max_length=FAMILY_NAME_MAX_LENGTH,
        error_messages={
            "required": _("Saisissez le nom de famille de la personne détenue."),
            "max_length": _("Le nom compte au plus %(limit_value)d caractères."),
        },
    )

    def clean_permit_number(self) -> str:
        number = normalize_permit_number(self.cleaned_data["permit_number"])
        if not PERMIT_NUMBER_RE.match(number):
            raise forms.ValidationError(
                _("Le numéro du permis ne contient que des lettres, des chiffres et des tirets."), code="invalid"
            )
        return number

    def clean_detainee_family_name(self) -> str:
        name = self.cleaned_data["detainee_family_name"].strip()
        if not FAMILY_NAME_RE.match(name):
            raise forms.ValidationError(
                _("Le nom ne contient que des lettres, des espaces, des tirets et des apostrophes."), code="invalid"
            )
        return name
