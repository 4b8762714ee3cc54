from django import forms
from django.utils.translation import gettext_lazy as _

from permits.registration import (
    FAMILY_NAME_MAX_LENGTH,
    FAMILY_NAME_RE,
    PERMIT_NUMBER_MAX_LENGTH,
    PERMIT_NUMBER_RE,
    normalize_permit_number,
)


class EmailPreferencesForm(forms.Form):
    """« Mes préférences de courriel »: a box left unchecked (or absent from the POST) means no e-mail."""

    notify_credited = forms.BooleanField(
        label=_("Recevoir un courriel quand un virement est versé sur le pécule"), required=False,
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
        # Not the relative's own data (RGAA 11.13 does not apply): no autofill from their browser.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    detainee_family_name = forms.CharField(
        label=_("Nom de famille de la personne détenue"),
        max_length=FAMILY_NAME_MAX_LENGTH,
        error_messages={
            "required": _("Saisissez le nom de famille de la personne détenue."),
            "max_length": _("Le nom compte au plus %(limit_value)d caractères."),
        },
        # The detainee's name, not the relative's: their browser must not offer their own family name.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
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


class TotpCodeForm(forms.Form):
    """The six-digit code of the staff member's authentication application (enrolment and login)."""

    code = forms.RegexField(
        label=_("Code à 6 chiffres"),
        help_text=_("Le code affiché par votre application d'authentification, par exemple 123456."),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=12,
        error_messages={
            "required": _("Saisissez le code à 6 chiffres de votre application d'authentification."),
            "invalid": _("Le code compte 6 chiffres, par exemple 123456."),
            "max_length": _("Le code compte 6 chiffres, par exemple 123456."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": r"[0-9 ]*", "autofocus": True, "spellcheck": "false"}),
    )


class RecoveryCodeForm(forms.Form):
    """One of the ten recovery codes given at enrolment."""

    code = forms.RegexField(
        label=_("Code de secours"),
        help_text=_("Un des dix codes de secours remis à l'activation, par exemple abcd2345. "
                    "Chacun ne sert qu'une fois."),
        regex=r"^\s*[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4}\s*$",
        max_length=20,
        error_messages={
            "required": _("Saisissez un de vos codes de secours."),
            "invalid": _("Un code de secours compte 8 lettres et chiffres, par exemple abcd2345."),
            "max_length": _("Un code de secours compte 8 lettres et chiffres, par exemple abcd2345."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "autofocus": True, "spellcheck": "false"}),
    )


class SecondFactorResetForm(forms.Form):
    """The national role's reset of a staff account's second factor: its reason, kept in the history."""

    reason = forms.CharField(
        label=_("Motif de la réinitialisation"),
        help_text=_("Par exemple : téléphone perdu, demande de l'agent du 12/03. "
                    "Il est inscrit dans l'historique du compte."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Indiquez le motif de la réinitialisation."),
            "max_length": _("Le motif compte au plus %(limit_value)d caractères."),
        },
    )
