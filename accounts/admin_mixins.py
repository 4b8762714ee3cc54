"""The back office's establishment scoping, shared by every admin class whose rows belong to an
establishment: querysets, object pages, history pages, form choices, exports and imports."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.history_display import PortalHistoryContextHelper
from core.admin_money import EurosAdminMixin
from establishments.selectors import (
    establishment_id_of,
    history_in_scope,
    may_see_establishment,
    only_establishment,
    scope_queryset,
)


class HistoryReadOnlyAdmin(EurosAdminMixin, SimpleHistoryAdmin):
    """simple-history's admin, with its history pages read only: a version page never saves (revert is
    disabled, and simple-history would otherwise save a POST on that page for anyone who may view).
    Amounts read as 1 234,50 € in its lists and read-only pages (core.admin_money)."""

    def history_view_title(self, request, obj):
        # simple-history's French reads "Historique de vue" for a read-only history.
        return _("Historique des modifications : %s") % obj

    def get_historical_record_context_helper(self, request, historical_record):
        return PortalHistoryContextHelper(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The author of each change, with their relative's name when the author is a relative.
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related(
            "history_user__relative"
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class EstablishmentScopedAdmin(HistoryReadOnlyAdmin):
    """Staff see and change only the rows of their establishments (national roles see all).

    ``establishment_path`` leads from the model to its establishment: ``"establishment"``,
    ``"detainee__establishment"``, or ``"pk"`` for the Establishment model itself. An object outside
    the user's establishments answers 404, as if it did not exist; so does its history, even once
    the object is deleted.
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

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Django redirects to the index when the object is missing (or outside the scoped queryset):
        answer 404 instead, the same for both."""
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the last historical record when the object is not in the
        # queryset: check the scope of the object, or of its last state once deleted, first.
        if not history_in_scope(request.user, self.model, unquote(object_id), self.establishment_path):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not history_in_scope(
            request.user, self.model, unquote(object_id), self.establishment_path, unquote(version_id)
        ):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Only the establishments (and their detainees) the user may see are offered."""
        related = db_field.remote_field.model
        if related._meta.label == "establishments.Establishment":
            kwargs["queryset"] = scope_queryset(related._default_manager.all(), request.user, "pk")
            only = only_establishment(request.user)
            if only is not None:  # the user's only establishment, preselected
                kwargs.setdefault("initial", only.pk)
        elif related._meta.label == "permits.Detainee":
            kwargs["queryset"] = scope_queryset(
                related._default_manager.select_related("establishment"), request.user, "establishment"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """An admin list and object pages that add, change and delete nothing: these rows change only
    through the services (put it first among the bases)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
