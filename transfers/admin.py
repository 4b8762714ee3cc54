from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, ReadOnlyAdminMixin

from .constants import staff_status_choices, staff_status_label
from .models import Transfer


class StaffStatusFilter(admin.SimpleListFilter):
    """The status filter in the staff's words (``?status__exact=…`` as Django's own filter)."""

    title = _("statut")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return staff_status_choices()

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, EstablishmentScopedAdmin):
    """Read only for everyone: amounts and statuses change through transfers.services only."""

    establishment_path = "establishment"
    list_display = (
        "reference", "created_at", "establishment", "detainee", "relative", "amount", "staff_status", "bank",
    )
    list_filter = (
        StaffStatusFilter,
        ("created_at", admin.DateFieldListFilter),
        ("establishment", admin.RelatedOnlyFieldListFilter),  # only the establishments in the scoped rows
    )
    search_fields = ("reference", "detainee__family_name", "detainee__ecrou", "relative__family_name")
    date_hierarchy = "created_at"
    list_select_related = ("establishment", "detainee", "relative", "bank")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("reference", "staff_status", "amount", "failure_reason")}),
        (_("Parties"), {"fields": ("relative", "permit", "detainee", "establishment", "bank")}),
        (_("Banque"), {"fields": ("payment_request_id", "bank_status", "poll_attempts", "next_poll_at")}),
        (
            _("Étapes"),
            {
                "fields": (
                    "created_at", "initiated_at", "authorized_at", "executed_at", "rejected_at", "expired_at",
                    "received_at", "credited_at", "to_refund_at", "refunded_at",
                )
            },
        ),
    )

    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])

    @admin.display(description=_("statut"), ordering="status")
    def staff_status(self, obj: Transfer) -> str:
        return staff_status_label(obj.status)
