from django.contrib import admin

from accounts.admin_mixins import EstablishmentScopedAdmin

from .models import Detainee, VisitPermit


@admin.register(Detainee)
class DetaineeAdmin(EstablishmentScopedAdmin):
    establishment_path = "establishment"
    list_display = ("ecrou", "family_name", "first_name", "birth_date", "establishment", "status",
                    "may_receive_money")
    list_filter = ("status", "may_receive_money", "establishment")
    search_fields = ("ecrou", "family_name", "first_name")
    list_select_related = ("establishment",)


@admin.register(VisitPermit)
class VisitPermitAdmin(EstablishmentScopedAdmin):
    establishment_path = "detainee__establishment"
    list_display = ("number", "detainee", "holder_family_name", "holder_first_names", "kind", "status",
                    "valid_from", "valid_until")
    list_filter = ("status", "kind", "transfers_authorized", "detainee__establishment")
    search_fields = ("number", "holder_family_name", "holder_first_names", "detainee__ecrou",
                     "detainee__family_name")
    list_select_related = ("detainee", "detainee__establishment")
    autocomplete_fields = ("detainee",)
