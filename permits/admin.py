from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import EstablishmentScopedAdmin
from establishments.selectors import scope_queryset

from .constants import DECISION_NOTE_MAX_LENGTH, RefusalReason, RegistrationStatus
from .forms import GenesisImportExportMixin
from .imports.resources import DetaineeResource, VisitPermitResource
from .models import Detainee, RegisteredPermit, VisitPermit
from .selectors import other_registrations_of, registrations_for_review
from .services import RegistrationDecisionError, confirm_registration, refuse_registration


@admin.register(Detainee)
class DetaineeAdmin(GenesisImportExportMixin, EstablishmentScopedAdmin):
    establishment_path = "establishment"
    resource_classes = [DetaineeResource]
    list_display = ("ecrou", "family_name", "first_name", "birth_date", "establishment", "status",
                    "may_receive_money")
    list_filter = ("status", "may_receive_money", ("establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("ecrou", "family_name", "first_name")
    list_select_related = ("establishment",)


@admin.register(VisitPermit)
class VisitPermitAdmin(GenesisImportExportMixin, EstablishmentScopedAdmin):
    establishment_path = "detainee__establishment"
    resource_classes = [VisitPermitResource]
    list_display = ("number", "detainee", "holder_family_name", "holder_first_names", "kind", "status",
                    "valid_from", "valid_until")
    list_filter = ("status", "kind", "transfers_authorized",
                   ("detainee__establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("number", "holder_family_name", "holder_first_names", "detainee__ecrou",
                     "detainee__family_name")
    list_select_related = ("detainee", "detainee__establishment")
    autocomplete_fields = ("detainee",)


@admin.register(RegisteredPermit)
class RegisteredPermitAdmin(EstablishmentScopedAdmin):
    """The greffe's queue of registrations to check: a relative whose FranceConnect birth date is
    incomplete (01 for an unknown day, 01-01 for an unknown day and month) claimed a permit of the
    establishment. The page shows the relative's identity beside the permit holder's; « Confirmer » and
    « Refuser » call permits.services. Nothing else is changed here: no add, no edit, no delete."""

    establishment_path = "permit__detainee__establishment"
    change_form_template = "admin/permits/registeredpermit/change_form.html"
    list_display = ("permit", "detainee", "relative_name", "relative_birthdate", "holder_birth_date", "status",
                    "match", "created_at")
    list_filter = ("status", "match", ("permit__detainee__establishment", admin.RelatedOnlyFieldListFilter))
    search_fields = ("permit__number", "relative__family_name", "relative__given_name",
                     "permit__detainee__family_name", "permit__detainee__ecrou")
    list_select_related = ("relative", "permit__detainee__establishment")
    # The queue: pending registrations first, the oldest first.
    ordering = (Case(When(status=RegistrationStatus.PENDING, then=0), default=1).asc(), "created_at", "pk")
    fieldsets = (
        (_("Demande"), {"fields": ("permit", "detainee", "establishment", "status", "match", "created_at")}),
        (_("Identités à comparer"), {"fields": ("identity_comparison",)}),
        (_("Décision du greffe"), {"fields": ("decided_by", "decided_at", "refusal_reason", "decision_note")}),
        (_("Le même permis chez d'autres proches"), {"fields": ("other_registrations",)}),
    )

    def get_queryset(self, request):
        return scope_queryset(registrations_for_review(), request.user, self.establishment_path)

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/confirmer/", wrap(self.confirm_view), name=f"{name}_confirm"),
            path("<path:object_id>/refuser/", wrap(self.refuse_view), name=f"{name}_refuse"),
            *super().get_urls(),
        ]

    # Pages
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "GET":  # decisions go through « Confirmer » / « Refuser » only
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        may_decide = obj is not None and self.has_change_permission(request, obj)
        extra_context = {
            **(extra_context or {}),
            "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False,
            "show_delete": False,
            "may_confirm": may_decide and obj.status != RegistrationStatus.ACCEPTED,
            "may_refuse": may_decide and obj.status == RegistrationStatus.PENDING,
            "refusal_reasons": RefusalReason.choices,
            "note_max_length": DECISION_NOTE_MAX_LENGTH,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _decide(self, request, object_id, decide) -> HttpResponseRedirect:
        if request.method != "POST":
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:permits_registeredpermit_change", args=[obj.pk])
        try:
            registration = decide(obj)
        except RegistrationDecisionError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(change_url)
        if registration.status == RegistrationStatus.ACCEPTED:
            text = _("L'enregistrement du permis %(number)s par %(relative)s est confirmé ; le proche est prévenu "
                     "par courriel.")
        else:
            text = _("L'enregistrement du permis %(number)s par %(relative)s est refusé ; le proche est prévenu "
                     "par courriel.")
        messages.success(request, text % {"number": registration.permit.number, "relative": registration.relative})
        return HttpResponseRedirect(reverse("admin:permits_registeredpermit_changelist"))

    def confirm_view(self, request, object_id):
        return self._decide(request, object_id, lambda obj: confirm_registration(
            registration_id=obj.pk, actor=request.user, note=request.POST.get("note", ""),
        ))

    def refuse_view(self, request, object_id):
        return self._decide(request, object_id, lambda obj: refuse_registration(
            registration_id=obj.pk, actor=request.user, reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        ))

    # Columns and read-only fields
    @admin.display(description=_("personne détenue"), ordering="permit__detainee__family_name")
    def detainee(self, obj):
        return obj.permit.detainee

    @admin.display(description=_("établissement"))
    def establishment(self, obj):
        return obj.permit.detainee.establishment

    @admin.display(description=_("proche"), ordering="relative__family_name")
    def relative_name(self, obj):
        return obj.relative

    @admin.display(description=_("né(e) le (FranceConnect)"))
    def relative_birthdate(self, obj):
        return date_format(obj.relative.birthdate, "d/m/Y")

    @admin.display(description=_("titulaire né(e) le"))
    def holder_birth_date(self, obj):
        return date_format(obj.permit.holder_birth_date, "d/m/Y")

    @admin.display(description=_("identité FranceConnect du proche et titulaire du permis"))
    def identity_comparison(self, obj):
        relative, permit = obj.relative, obj.permit
        rows = [
            (_("Nom de naissance"), relative.family_name, permit.holder_family_name),
            (_("Nom d'usage"), relative.preferred_username or "—", "—"),
            (_("Prénoms"), relative.given_name, permit.holder_first_names),
            (_("Date de naissance"), date_format(relative.birthdate, "d/m/Y"),
             date_format(permit.holder_birth_date, "d/m/Y")),
            (_("Sexe"), relative.get_gender_display() or "—", "—"),
            (_("Lieu de naissance (code INSEE)"), relative.birthplace or "—", "—"),
            (_("Pays de naissance (code INSEE)"), relative.birthcountry or "—", "—"),
            (_("Lien avec la personne détenue"), "—", permit.relationship or "—"),
        ]
        return format_html(
            '<table class="portail-identity"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("Comparez l'identité transmise par FranceConnect à celle du titulaire du permis."),
            _("Donnée"), _("Proche (FranceConnect)"), _("Titulaire du permis"),
            format_html_join("", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', rows),
        )

    @admin.display(description=_("autres proches"))
    def other_registrations(self, obj):
        others = list(other_registrations_of(obj))
        if not others:
            return _("Aucun autre proche n'a enregistré ce permis.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} — {} {} — {}</li>",
                ((other.relative, _("né(e) le"), date_format(other.relative.birthdate, "d/m/Y"),
                  other.get_status_display()) for other in others),
            ),
        )
