"""The security review's pages, inside the back office (/gestion/securite/): behind the back office's own login,
second factor and role check, like the reconciliation's and the visit office's pages."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "monitoring"


def _staff(view):
    """The back office's login, second factor and role check (PortalAdminSite.has_permission)."""
    return admin.site.admin_view(view)


urlpatterns = [
    path("", _staff(views.queue), name="queue"),
    path("export/", _staff(views.export), name="export"),
    path("alertes/<int:alert_id>/", _staff(views.alert), name="alert"),
    path("alertes/<int:alert_id>/prendre/", _staff(views.assign), name="assign"),
    path("alertes/<int:alert_id>/decision/", _staff(views.decide), name="decide"),
    path("payeurs/<int:relative_id>/", _staff(views.payer), name="payer"),
    path("personnes-detenues/<int:detainee_id>/", _staff(views.detainee), name="detainee"),
    path("paires/", _staff(views.pairs), name="pairs"),
    path("paires/<int:pair_id>/retirer/", _staff(views.revoke), name="revoke_pair"),
]
