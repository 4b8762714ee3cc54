"""Read-only lists of the reconciliation's rows (and their history, for auditors); every change goes
through the pages of reconciliation.views and the services."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, ReadOnlyAdminMixin

from .models import BankStatement, CashierBatch, CashierBatchLine, ReconciliationJob, Refund, RefundFile, StatementEntry


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, EstablishmentScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyScopedAdmin):
    list_display = ("statement_date", "kind", "establishment", "message_id", "file_name", "entry_count",
                    "opening_balance", "closing_balance", "imported_by", "imported_at")
    list_filter = ("kind", "establishment")
    search_fields = ("message_id", "iban", "file_name")
    list_select_related = ("establishment", "imported_by")


@admin.register(StatementEntry)
class StatementEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("statement", "entry_index", "credit_debit", "amount", "end_to_end_id", "debtor_name",
                    "outcome", "seen_in", "resolution", "transfer")
    list_filter = ("outcome", "resolution", "credit_debit", "establishment")
    search_fields = ("end_to_end_id", "remittance", "debtor_name", "transfer__reference", "transaction_key")
    list_select_related = ("statement", "transfer", "first_seen__statement")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "seen_in"]

    @admin.display(description=_("première lecture"))
    def seen_in(self, obj) -> str:
        """« Déjà lu dans <file> » for a transaction another file brought first (ALREADY_SEEN)."""
        if obj.first_seen_id is None:
            return ""
        first = obj.first_seen.statement
        return gettext("Déjà lu dans %(file)s (%(kind)s du %(day)s)") % {
            "file": first.file_name or first.message_id, "kind": first.kind, "day": f"{first.statement_date:%d/%m/%Y}"}


@admin.register(CashierBatch)
class CashierBatchAdmin(ReadOnlyScopedAdmin):
    list_display = ("day", "establishment", "line_count", "total", "created_by", "acknowledged_at")
    list_filter = ("establishment",)
    list_select_related = ("establishment", "created_by")


@admin.register(CashierBatchLine)
class CashierBatchLineAdmin(ReadOnlyScopedAdmin):
    establishment_path = "batch__establishment"
    list_display = ("transfer", "batch", "amount", "ack_status", "operation_id", "reason")
    list_filter = ("ack_status",)
    search_fields = ("transfer__reference", "operation_id")
    list_select_related = ("transfer", "batch__establishment")


@admin.register(Refund)
class RefundAdmin(ReadOnlyScopedAdmin):
    list_display = ("end_to_end_id", "establishment", "amount", "creditor_name", "status", "transfer", "file")
    list_filter = ("status", "establishment")
    search_fields = ("end_to_end_id", "creditor_name", "transfer__reference")
    list_select_related = ("establishment", "transfer", "file")


@admin.register(RefundFile)
class RefundFileAdmin(ReadOnlyScopedAdmin):
    list_display = ("message_id", "establishment", "refund_count", "total", "status", "prepared_by", "approved_by",
                    "sent_at")
    list_filter = ("status", "establishment")
    list_select_related = ("establishment", "prepared_by", "approved_by")
    exclude = ("xml",)

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "xml"]


@admin.register(ReconciliationJob)
class ReconciliationJobAdmin(ReadOnlyScopedAdmin):
    list_display = ("__str__", "establishment", "created_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("establishment", "created_by")
    verbose_name = _("traitement")
