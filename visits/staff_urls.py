"""The visit office's pages, inside the back office (/gestion/parloirs/): behind the back office's own login and
role check, like the reconciliation's pages."""

from django.contrib import admin
from django.urls import path

from . import staff_views as views

app_name = "visits_staff"


def _staff(view):
    """The back office's login, second factor and role check (PortalAdminSite.has_permission)."""
    return admin.site.admin_view(view)


urlpatterns = [
    path("", _staff(views.planning), name="planning"),
    path("imprimer/", _staff(views.print_list), name="print"),
    path("export.csv", _staff(views.export_csv), name="export_csv"),
    path("rendez-vous/<int:visit_id>/arrivee/", _staff(views.record_arrival), name="arrival"),
    path("rendez-vous/<int:visit_id>/annuler/", _staff(views.cancel_visit), name="cancel_visit"),
    path("creneaux/<int:session_id>/annuler/", _staff(views.cancel_session), name="cancel_session"),
    path("suspendre/", _staff(views.block), name="block"),
    path("reserver/", _staff(views.book), name="book"),
]
