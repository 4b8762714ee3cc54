"""The parloir's settings in the back office (/gestion/visits/…): visiting areas with their weekly sessions,
booking rules, closures, a detainee's blocked dates; the sessions and the visits read only (they change through
the visit office's pages, /gestion/parloirs/). Every list and page is scoped to the user's establishments.

Saving a weekly session or the booking rules opens the sessions they make (``services.open_sessions``); a
closure or a blocked detainee is created by its service, which cancels the visits it covers and tells the
visitors: the admin never writes those rows itself."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin, ReadOnlyAdminMixin
from establishments.selectors import scope_queryset

from . import services
from .admin_forms import BookingRulesForm, ClosureForm, DetaineeVisitBlockForm, SessionTemplateForm
from .models import (
    BookingRules,
    Closure,
    DetaineeVisitBlock,
    SessionTemplate,
    Visit,
    VisitCompanion,
    VisitingArea,
    VisitSession,
)


class VisitsScopedAdmin(EstablishmentScopedAdmin):
    """The establishment scoping, and the visiting areas offered only from the user's establishments."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.remote_field.model is VisitingArea:
            kwargs["queryset"] = scope_queryset(
                VisitingArea.objects.select_related("establishment"), request.user, "establishment"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _sessions_opened(request, establishment) -> None:
    """Open the sessions the settings make now, and say how many."""
    created = services.open_sessions(establishment=establishment)
    if created:
        messages.info(request, _("%(n)s créneau(x) ouvert(s) à la réservation.") % {"n": created})


class SessionTemplateInline(admin.TabularInline):
    model = SessionTemplate
    form = SessionTemplateForm
    extra = 0
    fields = ("weekday", "start_time", "duration_minutes", "capacity", "valid_from", "valid_until")
    show_change_link = True


@admin.register(VisitingArea)
class VisitingAreaAdmin(VisitsScopedAdmin):
    establishment_path = "establishment"
    list_display = ("name", "kind", "capacity", "establishment", "location", "is_active")
    list_filter = ("kind", "is_active", ("establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "location")
    list_select_related = ("establishment",)
    inlines = [SessionTemplateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets) or form.has_changed():
            _sessions_opened(request, form.instance.establishment)


@admin.register(SessionTemplate)
class SessionTemplateAdmin(VisitsScopedAdmin):
    establishment_path = "area__establishment"
    form = SessionTemplateForm
    list_display = ("area", "weekday", "start_time", "duration_minutes", "capacity", "valid_from", "valid_until")
    list_filter = ("weekday", "area__kind", ("area__establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("area__name",)
    list_select_related = ("area", "area__establishment")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _sessions_opened(request, obj.area.establishment)


@admin.register(BookingRules)
class BookingRulesAdmin(VisitsScopedAdmin):
    establishment_path = "establishment"
    form = BookingRulesForm
    list_display = ("establishment", "minimum_notice_hours", "booking_horizon_days", "cancellation_notice_hours",
                    "max_visits_per_week_prevenu", "max_visits_per_week_condamne")
    list_select_related = ("establishment",)
    fieldsets = (
        (None, {"fields": ("establishment",)}),
        (_("Fenêtre de réservation"), {"fields": ("minimum_notice_hours", "booking_horizon_days",
                                                  "cancellation_notice_hours")}),
        (_("Limites"), {"fields": ("max_visits_per_week_prevenu", "max_visits_per_week_condamne",
                                   "max_adults_per_visit", "max_minors_per_visit")}),
        (_("Ce que lit le visiteur"), {"fields": ("arrival_minutes_before", "what_to_bring")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _sessions_opened(request, obj.establishment)


class CreatedByServiceAdmin(VisitsScopedAdmin):
    """Rows created through a service (which cancels the visits they cover and e-mails the visitors), never
    changed afterwards: their history keeps what was decided."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def create(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        created = self.create(request, obj)
        obj.pk = created.pk
        messages.info(request, _("%(n)s rendez-vous annulé(s) ; chaque visiteur est prévenu par courriel.")
                      % {"n": getattr(created, "cancelled_visits", 0)})

    def save_related(self, request, form, formsets, change):
        """Nothing else to save: the service wrote the row and its history."""


@admin.register(Closure)
class ClosureAdmin(CreatedByServiceAdmin):
    establishment_path = "establishment"
    form = ClosureForm
    list_display = ("establishment", "area", "start_date", "end_date", "reason")
    list_filter = (("establishment", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("reason", "area__name")
    list_select_related = ("establishment", "area")
    date_hierarchy = "start_date"

    def create(self, request, obj):
        return services.create_closure(
            establishment=obj.establishment, area=obj.area, start_date=obj.start_date, end_date=obj.end_date,
            reason=obj.reason, actor=request.user,
        )


@admin.register(DetaineeVisitBlock)
class DetaineeVisitBlockAdmin(CreatedByServiceAdmin):
    establishment_path = "detainee__establishment"
    form = DetaineeVisitBlockForm
    list_display = ("detainee", "start_date", "end_date", "reason")
    list_filter = (("detainee__establishment", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("detainee__ecrou", "detainee__family_name", "reason")
    list_select_related = ("detainee", "detainee__establishment")
    autocomplete_fields = ("detainee",)

    def create(self, request, obj):
        return services.block_detainee(
            detainee=obj.detainee, start_date=obj.start_date, end_date=obj.end_date, reason=obj.reason,
            actor=request.user,
        )


@admin.register(VisitSession)
class VisitSessionAdmin(ReadOnlyAdminMixin, VisitsScopedAdmin):
    """The sessions opened from the weekly templates; cancelled from the day's planning page."""

    establishment_path = "area__establishment"
    list_display = ("starts_at_display", "area", "capacity", "status", "planning_link")
    list_filter = ("status", "area__kind", ("area__establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("area__name",)
    list_select_related = ("area", "area__establishment")
    date_hierarchy = "starts_at"
    readonly_fields = ("area", "template", "starts_at", "ends_at", "capacity", "status", "cancellation_reason",
                       "cancelled_at", "planning_link")

    @admin.display(description=_("créneau"), ordering="starts_at")
    def starts_at_display(self, obj):
        start, end = localtime(obj.starts_at), localtime(obj.ends_at)
        return f"{date_format(start, 'd/m/Y')} {start:%H:%M}–{end:%H:%M}"

    @admin.display(description=_("planning du jour"))
    def planning_link(self, obj):
        url = reverse("visits_staff:planning")
        return format_html('<a href="{}?etablissement={}&amp;jour={}">{}</a>', url, obj.area.establishment_id,
                           localtime(obj.starts_at).date().isoformat(), _("Voir le planning"))


class VisitCompanionInline(admin.TabularInline):
    model = VisitCompanion
    extra = 0
    fields = ("permit",)
    readonly_fields = ("permit",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, VisitsScopedAdmin):
    """The visits, read only: arrivals, cancellations and bookings by phone go through the planning's pages."""

    establishment_path = "session__area__establishment"
    list_display = ("session_display", "area", "detainee", "booker", "minors", "channel", "status")
    list_filter = ("status", "channel", ("session__area__establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("detainee__ecrou", "detainee__family_name", "permit__number", "permit__holder_family_name")
    list_select_related = ("session__area", "detainee", "permit")
    date_hierarchy = "session__starts_at"
    inlines = [VisitCompanionInline]
    fields = ("reference", "session_display", "area", "detainee", "permit", "companions_list", "relative", "channel",
              "contact_email", "minors", "status", "status_reason", "booked_at", "booked_by", "cancelled_at",
              "arrival_recorded_at")
    readonly_fields = fields

    @admin.display(description=_("créneau"), ordering="session__starts_at")
    def session_display(self, obj):
        start = localtime(obj.session.starts_at)
        return f"{date_format(start, 'd/m/Y')} {start:%H:%M}"

    @admin.display(description=_("espace de visite"), ordering="session__area__name")
    def area(self, obj):
        return obj.session.area.name

    @admin.display(description=_("visiteur"), ordering="permit__holder_family_name")
    def booker(self, obj):
        return f"{obj.permit.holder_family_name.upper()} {obj.permit.holder_first_names} ({obj.permit.number})"

    @admin.display(description=_("accompagnants"))
    def companions_list(self, obj):
        companions = list(obj.companions.select_related("permit"))
        if not companions:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} ({})</li>", (
            (str(companion), companion.permit.number) for companion in companions
        )))
