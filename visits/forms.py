"""The relative's booking form: "Qui vient ?". The booker comes (fixed); up to ``max_adults - 1`` other adults,
each named by their permit's number and their names (optional rows, numbered fields), and the number of minors.
The form checks only what it can see (a row half filled, a number of minors out of bounds); whether a companion
holds a valid permit for the same detainee is ``visits.services.book_visit``'s rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from permits.registration import FAMILY_NAME_MAX_LENGTH, PERMIT_NUMBER_MAX_LENGTH, normalize_permit_number

from .services import CompanionInput

FIRST_NAMES_MAX_LENGTH = 250
ROW_FIELDS = ("permit_number", "family_name", "first_names")


class WhoComesForm(forms.Form):
    """The companions' rows (``companion_<n>_<field>``, n from 1) and the number of minors."""

    def __init__(self, *args, max_adults: int, max_minors: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.companion_rows = max(max_adults - 1, 0)
        self.max_minors = max_minors
        # Not the relative's own data: no autofill from their browser.
        no_autofill = {"autocomplete": "off", "spellcheck": "false"}
        for number in range(1, self.companion_rows + 1):
            self.fields[f"companion_{number}_permit_number"] = forms.CharField(
                label=_("Numéro du permis de visite"), required=False, max_length=PERMIT_NUMBER_MAX_LENGTH,
                help_text=_("Par exemple PV-2026-000124."),
                error_messages={"max_length": _("Le numéro du permis compte au plus %(limit_value)d caractères.")},
                widget=forms.TextInput(attrs={**no_autofill, "autocapitalize": "characters"}),
            )
            self.fields[f"companion_{number}_family_name"] = forms.CharField(
                label=_("Nom"), required=False, max_length=FAMILY_NAME_MAX_LENGTH,
                error_messages={"max_length": _("Le nom compte au plus %(limit_value)d caractères.")},
                widget=forms.TextInput(attrs=no_autofill),
            )
            self.fields[f"companion_{number}_first_names"] = forms.CharField(
                label=_("Prénoms"), required=False, max_length=FIRST_NAMES_MAX_LENGTH,
                error_messages={"max_length": _("Les prénoms comptent au plus %(limit_value)d caractères.")},
                widget=forms.TextInput(attrs=no_autofill),
            )
        self.fields["minors"] = forms.IntegerField(
            label=_("Nombre d'enfants mineurs"), min_value=0, max_value=max_minors, initial=0,
            help_text=_("De 0 à %(max)d.") % {"max": max_minors},
            error_messages={
                "required": _("Indiquez le nombre d'enfants mineurs (0 si aucun)."),
                "invalid": _("Indiquez le nombre d'enfants mineurs en chiffres, par exemple 0 ou 2."),
                "min_value": _("Le nombre d'enfants mineurs ne peut pas être négatif."),
                "max_value": _("Au plus %(limit_value)s enfants mineurs par visite dans cet établissement."),
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )

    def rows(self) -> list[dict]:
        """Each companion's row for the template: its number and its three bound fields."""
        return [
            {"number": number, **{name: self[f"companion_{number}_{name}"] for name in ROW_FIELDS}}
            for number in range(1, self.companion_rows + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        for number in range(1, self.companion_rows + 1):
            names = [f"companion_{number}_{name}" for name in ROW_FIELDS]
            if any(name in self.errors for name in names):
                continue
            values = [(cleaned.get(name) or "").strip() for name in names]
            if any(values) and not all(values):
                for name, value in zip(names, values, strict=True):
                    if not value:
                        self.add_error(name, _("Complétez ce champ pour l'adulte %(number)d, ou videz sa ligne.")
                                       % {"number": number})
        return cleaned

    def companions(self) -> list[CompanionInput]:
        """The filled rows, for ``services.book_visit``."""
        found = []
        for number in range(1, self.companion_rows + 1):
            permit_number, family_name, first_names = (
                (self.cleaned_data.get(f"companion_{number}_{name}") or "").strip() for name in ROW_FIELDS
            )
            if permit_number:
                found.append(CompanionInput(permit_number=normalize_permit_number(permit_number),
                                            family_name=family_name, first_names=first_names))
        return found
