from django.contrib import admin
from django.urls import path

from . import views

app_name = "reconciliation"


def _staff(view):
    """The back office's own login and role check (PortalAdminSite.has_permission)."""
    return admin.site.admin_view(view)


urlpatterns = [
    path("", _staff(views.index), name="index"),
    path("releves/importer/", _staff(views.import_statement), name="import"),
    path("traitements/<int:job_id>/", _staff(views.job), name="job"),
    path("traitements/<int:job_id>/etat.json", _staff(views.job_status), name="job_status"),
    path("anomalies/", _staff(views.exceptions), name="exceptions"),
    path("anomalies/<int:entry_id>/<str:action>/", _staff(views.resolve), name="resolve"),
    path("non-vus/", _staff(views.unseen), name="unseen"),
    path("caisse/", _staff(views.batches), name="batches"),
    path("caisse/lots/<int:batch_id>.csv", _staff(views.batch_file), name="batch_file"),
    path("caisse/accuse/", _staff(views.upload_ack), name="upload_ack"),
    path("remboursements/", _staff(views.refunds), name="refunds"),
    path("remboursements/fichiers/<int:file_id>/<str:action>/", _staff(views.refund_file_action), name="refund_file"),
    path("remboursements/fichiers/<int:file_id>.xml", _staff(views.refund_file_xml), name="refund_file_xml"),
    path("rapport/", _staff(views.report), name="report"),
    path("rapport/export.<str:fmt>", _staff(views.report_export), name="report_export"),
]
