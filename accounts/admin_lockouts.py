"""The staff login lockouts in the back office: every lockout, whether it is still on, and who lifted
it; the national administration (and superusers) lift one with the action "Débloquer"."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_mixins import HistoryReadOnlyAdmin, ReadOnlyAdminMixin
from .models import StaffLockout
from .selectors import may_unlock_staff_logins
from .services import unlock_staff_lockouts


@admin.register(StaffLockout)
class StaffLockoutAdmin(ReadOnlyAdminMixin, HistoryReadOnlyAdmin):
    list_display = ("username", "ip_address", "locked_at", "last_failure_at", "failures", "status")
    list_filter = ("unlocked_at",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "locked_at"
    readonly_fields = tuple(f.name for f in StaffLockout._meta.fields if f.name != "id") + ("status",)
    actions = ["unlock"]

    @admin.display(description=_("état"))
    def status(self, obj: StaffLockout) -> str:
        if obj.unlocked_at is not None:
            return _("Débloqué le %(date)s par %(user)s") % {
                "date": timezone.localtime(obj.unlocked_at).strftime("%d/%m/%Y %H:%M"),
                "user": obj.unlocked_by or "—",
            }
        if obj.is_active:
            return _("Bloqué jusqu'au %(date)s") % {
                "date": timezone.localtime(obj.cool_off_ends_at).strftime("%d/%m/%Y %H:%M")
            }
        return _("Levé à la fin du délai")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unlocked_by")

    def has_unlock_permission(self, request) -> bool:
        return may_unlock_staff_logins(request.user)

    @admin.action(description=_("Débloquer"), permissions=["unlock"])
    def unlock(self, request, queryset):
        lifted = unlock_staff_lockouts(lockout_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        if lifted:
            self.message_user(
                request,
                ngettext("%(count)d blocage levé.", "%(count)d blocages levés.", lifted) % {"count": lifted},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("Aucun blocage à lever : ils étaient déjà levés ou arrivés à la fin du délai."),
                messages.WARNING,
            )
