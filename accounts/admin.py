from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from . import (
    admin_lockouts,  # noqa: F401  (the staff login lockouts' admin)
    services,
)
from .admin_mixins import HistoryReadOnlyAdmin
from .forms import SecondFactorResetForm
from .models import ProConnectAccount, Relative, User
from .selectors import may_manage_account, may_reset_second_factor, second_factor_devices
from .services import unlink_proconnect


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
        (_("Second facteur"), {"fields": ("second_factor",)}),
    )
    readonly_fields = ("last_login", "date_joined", "second_factor")
    change_form_template = "admin/accounts/user/change_form.html"

    @admin.display(description=_("Dispositifs de second facteur"))
    def second_factor(self, obj):
        """The account's second-factor devices, never their secrets."""
        devices = second_factor_devices(obj) if obj and obj.pk else []
        if not devices:
            return _t("Aucun : le second facteur sera activé à la prochaine connexion.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", (
            (" — ".join(part for part in (
                device.kind, device.detail,
                _t("ajouté le %s") % device.created_at.strftime("%d/%m/%Y") if device.created_at else "",
                _t("dernière utilisation le %s") % timezone.localtime(device.last_used_at).strftime("%d/%m/%Y %H:%M")
                if device.last_used_at else _t("jamais utilisé"),
            ) if part),)
            for device in devices
        )))

    def get_urls(self):
        return [
            path("<path:object_id>/second-facteur/reinitialiser/",
                 self.admin_site.admin_view(self.reset_second_factor_view), name="accounts_user_reset_second_factor"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}),
                         "may_reset_second_factor": obj is not None and may_reset_second_factor(request.user, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def reset_second_factor_view(self, request, object_id):
        """"Réinitialiser le second facteur": the national role deletes a staff account's devices, with a
        reason kept in the account's history; the staff member enrols again at their next login."""
        target = self.get_object(request, unquote(object_id))
        if target is None:
            raise Http404
        if not may_reset_second_factor(request.user, target):
            raise PermissionDenied
        form = SecondFactorResetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = services.reset_second_factor(actor=request.user, target=target,
                                                     reason=form.cleaned_data["reason"])
            except services.SecondFactorError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _t(
                    "Le second facteur de %(user)s est réinitialisé (%(count)d dispositif(s) supprimé(s)) : "
                    "il l'activera de nouveau à sa prochaine connexion.") % {"user": target, "count": count})
                return redirect(reverse("admin:accounts_user_change", args=[target.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _t("Réinitialiser le second facteur de %s") % target,
            "opts": self.opts, "original": target, "form": form, "devices": second_factor_devices(target),
        }
        return TemplateResponse(request, "admin/accounts/user/reset_second_factor.html", context)

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


@admin.register(ProConnectAccount)
class ProConnectAccountAdmin(HistoryReadOnlyAdmin):
    """The staff accounts' ProConnect identities: read only; removing one lets its agent's next ProConnect login
    (matched by e-mail) remember a new identity (a change of identity provider changes it)."""

    list_display = ("user", "email", "idp_id", "linked_at", "last_login_at", "last_acr")
    search_fields = ("user__username", "email")
    readonly_fields = tuple(f.name for f in ProConnectAccount._meta.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or may_manage_account(request.user, obj.user)
        )

    def delete_model(self, request, obj):
        unlink_proconnect(link=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for link in queryset:
            unlink_proconnect(link=link, actor=request.user)
