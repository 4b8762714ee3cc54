from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .formats import AmountError, parse_amount


class AmountForm(forms.Form):
    """The grey box ("l'encadré gris"): the amount in French format; ``key`` makes the form idempotent."""

    amount = forms.CharField(
        label=_("Montant du virement (en euros)"),
        max_length=20,
        help_text=_("Par exemple : 50 ou 50,00"),
        error_messages={
            "required": _("Saisissez le montant du virement, par exemple 50 ou 50,00."),
            "max_length": _("Le montant compte au plus %(limit_value)d caractères, par exemple 50,00."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}),
    )
    key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("Le formulaire est incomplet : rechargez la page, puis saisissez à nouveau le montant."),
        "invalid": _("Le formulaire est incomplet : rechargez la page, puis saisissez à nouveau le montant."),
    })

    @staticmethod
    def as_typed(amount: Decimal) -> str:
        """An amount as the relative would type it: ``Decimal("50")`` → ``50,00``."""
        return f"{amount:.2f}".replace(".", ",")

    def clean_amount(self) -> Decimal:
        try:
            return parse_amount(self.cleaned_data["amount"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc), code="amount") from exc


class BankSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher votre banque"), max_length=100, required=False,
        error_messages={"max_length": _("Le nom de la banque compte au plus %(limit_value)d caractères.")},
    )
