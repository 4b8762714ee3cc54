"""The monitoring in the back office's admin: the rules and their thresholds (the national role changes them,
through ``services.review.update_rule``, with history; the others read them, label and explanation included),
and the alerts and the pairs accepted always as read-only lists (they change on the review's pages,
/gestion/securite/)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, HistoryReadOnlyAdmin, ReadOnlyAdminMixin

from .errors import MonitoringError
from .forms import RuleForm
from .models import Alert, AllowedPair, Rule
from .services.review import update_rule


@admin.register(Rule)
class RuleAdmin(HistoryReadOnlyAdmin):
    form = RuleForm
    list_display = ("label", "enabled", "holds", "threshold", "window_days", "margin_percent", "updated_at")
    fields = ("code", "label", "explanation", "enabled", "holds", "threshold", "window_days", "margin_percent")
    readonly_fields = ("code", "label", "explanation")

    @admin.display(description=_("règle"))
    def label(self, obj: Rule) -> str:
        return obj.label

    @admin.display(description=_("explication (avec les seuils en vigueur)"))
    def explanation(self, obj: Rule) -> str:
        return obj.explanation

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The thresholds are the national role's: an establishment's staff read them.
        return super().has_change_permission(request, obj) and request.user.has_national_scope

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            update_rule(
                rule_id=obj.pk, user=request.user, enabled=data["enabled"], holds=data["holds"],
                threshold=data["threshold"], window_days=data["window_days"], margin_percent=data["margin_percent"],
            )
        except MonitoringError as exc:
            messages.error(request, exc.message)


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, EstablishmentScopedAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Alert)
class AlertAdmin(ReadOnlyScopedAdmin):
    list_display = ("created_at", "establishment", "transfer", "kind", "status", "assigned_to", "decided_by")
    list_filter = ("status", "kind", "establishment")
    list_select_related = ("establishment", "transfer", "assigned_to", "decided_by")
    search_fields = ("transfer__reference",)


@admin.register(AllowedPair)
class AllowedPairAdmin(ReadOnlyScopedAdmin):
    list_display = ("relative", "detainee", "establishment", "reason", "active", "created_by", "created_at",
                    "revoked_at")
    list_filter = ("active", "establishment")
    list_select_related = ("relative", "detainee", "establishment", "created_by")
