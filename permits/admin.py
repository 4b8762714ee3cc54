from django.contrib import admin

from accounts.admin_mixins import EstablishmentScopedAdmin

from .forms import GenesisImportExportMixin
from .models import Detainee, VisitPermit
from .resources import DetaineeResource, VisitPermitResource


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
