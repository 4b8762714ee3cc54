"""The back office's establishment scoping, shared by every admin class whose rows belong to an
establishment: querysets, object pages, history pages, form choices, exports and imports."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from establishments.selectors import establishment_id_of, may_see_establishment, scope_queryset


class EstablishmentScopedAdmin(SimpleHistoryAdmin):
    """Staff see and change only the rows of their establishments (national roles see all).

    ``establishment_path`` leads from the model to its establishment: ``"establishment"``,
    ``"detainee__establishment"``, or ``"pk"`` for the Establishment model itself.
    """

    establishment_path = "establishment"
    list_per_page = 50

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.establishment_path)

    def in_scope(self, request, obj) -> bool:
        if obj is None:
            return True
        return may_see_establishment(request.user, establishment_id_of(obj, self.establishment_path))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Only the establishments (and their detainees) the user may see are offered."""
        related = db_field.remote_field.model
        if related._meta.label == "establishments.Establishment":
            kwargs["queryset"] = scope_queryset(related._default_manager.all(), request.user, "pk")
        elif related._meta.label == "permits.Detainee":
            kwargs["queryset"] = scope_queryset(
                related._default_manager.select_related("establishment"), request.user, "establishment"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.empty_value_display = "—"
