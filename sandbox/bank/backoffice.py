"""The back office's « Récupérer le relevé du jour » and « Récupérer l'avis des virements instantanés » of the
demonstration bank (embedded default only): the sandbox bank's statement of the day (camt.053), or its notice of the
instant payments so far (camt.054), of one of the user's establishments, imported as an uploaded file would be
(``manage.py sandbox_statement [--notice]`` then the import). It lives with the stand-ins, which may use the portal's
apps; the reconciliation never imports the stand-ins. Routed by config/urls.py beside the reconciliation's pages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reconciliation import jobs, tasks
from reconciliation.forms import EstablishmentForm

from .statements import (
    SandboxStatementError,
    notice_file_name,
    notice_of_day,
    statement_file_name,
    statement_of_day,
)

# The import form's two buttons (``name="file"``): the statement of the day, or the notice so far.
FILE_STATEMENT = "statement"
FILE_NOTICE = "notice"


@require_POST
def import_statement(request):
    if not settings.SANDBOX_ENABLED:
        raise Http404
    if not request.user.has_perm("reconciliation.add_bankstatement"):
        raise PermissionDenied
    form = EstablishmentForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choisissez un de vos établissements : rien n'a été importé."))
        return redirect("reconciliation:import")
    establishment = form.cleaned_data["establishment"]
    notice = request.POST.get("file") == FILE_NOTICE
    try:
        if notice:
            content = notice_of_day(establishment=establishment)
            file_name = notice_file_name(establishment=establishment)
        else:
            content = statement_of_day(establishment=establishment)
            file_name = statement_file_name(establishment=establishment)
    except SandboxStatementError as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return redirect("reconciliation:import")
    job = jobs.create_import_job(path=jobs.store_bytes(content), file_name=file_name, user=request.user)
    tasks.run_import_job.delay(job.pk)
    return redirect("reconciliation:job", job_id=job.pk)
