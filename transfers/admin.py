from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin

from .models import Transfer


@admin.register(Transfer)
class TransferAdmin(EstablishmentScopedAdmin):
    """Read only for everyone: amounts and statuses change through transfers.services only."""

    establishment_path = "establishment"
    list_display = ("reference", "created_at", "establishment", "detainee", "relative", "amount", "status", "bank")
    list_filter = (
        "status",
        ("created_at", admin.DateFieldListFilter),
        ("establishment", admin.RelatedOnlyFieldListFilter),  # only the establishments in the scoped rows
    )
    search_fields = ("reference", "detainee__family_name", "detainee__ecrou", "relative__family_name")
    date_hierarchy = "created_at"
    list_select_related = ("establishment", "detainee", "relative", "bank")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("reference", "status", "amount", "failure_reason")}),
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

    def get_readonly_fields(self, request, obj=None):
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
