from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, HistoryReadOnlyAdmin
from transfers.caps import cap_ceiling_errors, ceiling_conflicts

from .constants import CAP_FIELDS, DEFAULT_CASHIER_CUTOFFS
from .models import Bank, Establishment, NationalCeiling
from .selectors import may_edit_establishment_identity, national_ceiling_is_set
from .validators import parse_cashier_cutoffs

CAPS = tuple(name for name, _label in CAP_FIELDS)
REGIE_FIELDS = (*CAPS, "cashier_cutoffs")


class EstablishmentForm(forms.ModelForm):
    """The establishment's page: its caps never above the national ceilings (a rule of transfers.caps, which
    reads the ceilings; the model's clean does not); its cashier cut-offs typed as « 10:00, 14:00, 17:00 »
    (read by ``parse_cashier_cutoffs``: sorted, no two alike, a French error otherwise)."""

    cashier_cutoffs = forms.CharField(
        label=_("Heures de passage à la caisse"), max_length=200, required=False,
        help_text=_("Chaque jour, à chacune de ces heures, les virements reçus partent vers la caisse. "
                    "Séparez-les par des virgules, par exemple 10:00, 14:00, 17:00."),
    )

    class Meta:
        model = Establishment
        fields = ("transfers_enabled", *CAPS, "cashier_cutoffs")  # the admin passes its own fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cashier_cutoffs" in self.fields and not self.is_bound:
            self.initial["cashier_cutoffs"] = ", ".join(
                self.instance.cashier_cutoffs if self.instance.pk else DEFAULT_CASHIER_CUTOFFS
            )

    def clean_cashier_cutoffs(self) -> list[str]:
        return parse_cashier_cutoffs(self.cleaned_data["cashier_cutoffs"])  # empty: « Indiquez au moins une heure »

    def clean(self):
        cleaned = super().clean()
        caps = {name: cleaned[name] if name in cleaned else getattr(self.instance, name) for name in CAPS}
        for field, messages_ in cap_ceiling_errors(caps).items():
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Establishment)
class EstablishmentAdmin(EstablishmentScopedAdmin):
    establishment_path = "pk"
    form = EstablishmentForm
    list_display = ("code", "name", "kind", "disp", "city", "transfers_enabled")
    list_filter = ("kind", "disp", "transfers_enabled")
    search_fields = ("code", "name", "city")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "disp")}),
        (_("Adresse"), {"fields": ("address_line", "postal_code", "city")}),
        (_("Régie des comptes nominatifs"), {"fields": ("regie_holder", "regie_iban", "regie_bic")}),
        (_("Virements et plafonds"), {"fields": ("transfers_enabled", *CAPS)}),
        (_("Passages à la caisse"), {"fields": ("cashier_cutoffs",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        """Régie staff change the caps and the cashier cut-offs only; the rest is the national administrators'."""
        if obj is not None and not may_edit_establishment_identity(request.user):
            return tuple(f for f in flatten_fieldsets(self.fieldsets) if f not in REGIE_FIELDS)
        return super().get_readonly_fields(request, obj)


@admin.register(NationalCeiling)
class NationalCeilingAdmin(HistoryReadOnlyAdmin):
    list_display = ("__str__", *CAPS)
    fields = CAPS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not national_ceiling_is_set()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bounded = ceiling_conflicts(obj)
        if bounded:
            messages.warning(
                request,
                _("Ces établissements ont un plafond au-dessus du plafond national, qui s'applique donc : %s")
                % ", ".join(str(e) for e in bounded),
            )


@admin.register(Bank)
class BankAdmin(HistoryReadOnlyAdmin):
    list_display = ("name", "bic", "api_base_url", "enabled", "instant_payments")
    list_filter = ("enabled", "instant_payments")
    search_fields = ("name", "bic")
