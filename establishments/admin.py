from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, HistoryReadOnlyAdmin

from .constants import CAP_FIELDS
from .models import Bank, Establishment, NationalCeiling
from .selectors import ceiling_conflicts, may_edit_establishment_identity, national_ceiling_is_set

CAPS = tuple(name for name, _label in CAP_FIELDS)


@admin.register(Establishment)
class EstablishmentAdmin(EstablishmentScopedAdmin):
    establishment_path = "pk"
    list_display = ("code", "name", "kind", "disp", "city", "transfers_enabled")
    list_filter = ("kind", "disp", "transfers_enabled")
    search_fields = ("code", "name", "city")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "disp")}),
        (_("Adresse"), {"fields": ("address_line", "postal_code", "city")}),
        (_("Régie des comptes nominatifs"), {"fields": ("regie_holder", "regie_iban", "regie_bic")}),
        (_("Virements et plafonds"), {"fields": ("transfers_enabled", *CAPS)}),
    )

    def get_readonly_fields(self, request, obj=None):
        """Régie staff change the caps only; the rest is the national administrators'."""
        if obj is not None and not may_edit_establishment_identity(request.user):
            return tuple(f for f in flatten_fieldsets(self.fieldsets) if f not in CAPS)
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
    list_display = ("name", "bic", "api_base_url", "enabled")
    list_filter = ("enabled",)
    search_fields = ("name", "bic")
