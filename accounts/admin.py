from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import admin_lockouts  # noqa: F401  (the staff login lockouts' admin)
from .admin_mixins import HistoryReadOnlyAdmin
from .models import Relative, User
from .selectors import may_manage_account


@admin.register(User)
class UserAdmin(HistoryReadOnlyAdmin, DjangoUserAdmin):
    """Staff accounts. Neither superuser status nor individual permissions are offered: rights come from
    the role groups; and only a superuser changes a superuser."""

    list_display = ("username", "last_name", "first_name", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups", "establishments")
    filter_horizontal = ("groups", "establishments")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "email")}),
        (_("Rôles et établissements"), {"fields": ("is_active", "is_staff", "groups", "establishments")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        """The back office manages staff accounts; relatives are listed with their identity."""
        return super().get_queryset(request).filter(relative__isnull=True)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_manage_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_manage_account(request.user, obj)


@admin.register(Relative)
class RelativeAdmin(HistoryReadOnlyAdmin):
    list_display = ("family_name", "given_name", "birthdate", "email", "last_login_at")
    search_fields = ("family_name", "given_name", "email")
    readonly_fields = tuple(f.name for f in Relative._meta.fields)

    def has_add_permission(self, request):
        return False
