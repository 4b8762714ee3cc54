"""The régie's back-office pages (/gestion/rapprochement/): statement upload with a progress bar, the
exceptions queue, transfers not seen on a statement, cashier batches and acknowledgements, refunds
(four eyes), the daily report with its chart and exports. Thin: services change, selectors read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.dates import parse_day
from establishments.selectors import establishments_for, may_see_establishment, require_establishment

from . import charts, exports, jobs, selectors, tasks
from .constants import JobKind, JobStatus, RefundFileStatus
from .errors import ReconciliationError
from .forms import AckUploadForm, AssignForm, EstablishmentDayForm, EstablishmentForm, ReasonForm, StatementUploadForm
from .models import CashierBatch, ReconciliationJob, RefundFile, StatementEntry
from .services.cashier import apply_acknowledgement
from .services.exceptions import assign_entry, dismiss_entry, mark_entry_for_refund
from .services.refunds import approve_refund_file, mark_refund_file_sent, prepare_refund_file


def _need(request, codename: str) -> None:
    if not request.user.has_perm(f"reconciliation.{codename}"):
        raise PermissionDenied


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _errors(request, exc) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def index(request):
    _need(request, "view_statemententry")
    return render(request, "reconciliation/index.html", _context(
        request, _("Rapprochement"),
        exception_count=selectors.exceptions_queue(request.user).count(),
        unseen_count=selectors.unseen_transfers(request.user).count(),
        refund_count=selectors.pending_refunds(request.user).count(),
        jobs=ReconciliationJob.objects.filter(created_by=request.user)[:10],
        establishments=establishments_for(request.user).order_by("name"),
    ))


def import_statement(request):
    _need(request, "add_bankstatement")
    form = StatementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        job = jobs.create_import_job(path=jobs.store_upload(uploaded), file_name=uploaded.name, user=request.user)
        tasks.run_import_job.delay(job.pk)
        return redirect("reconciliation:job", job_id=job.pk)
    return render(request, "reconciliation/import.html", _context(
        request, _("Importer un relevé bancaire"), form=form,
        sandbox_form=EstablishmentForm(user=request.user) if settings.SANDBOX_ENABLED else None,
    ))


def _job(request, job_id: int) -> ReconciliationJob:
    job = get_object_or_404(ReconciliationJob, pk=job_id)
    if job.created_by_id != request.user.pk and not (
        job.establishment_id and may_see_establishment(request.user, job.establishment_id)
    ):
        raise Http404
    return job


def job(request, job_id: int):
    _need(request, "view_reconciliationjob")
    current = _job(request, job_id)
    return render(request, "reconciliation/job.html", _context(
        request, current.title, job=current, finished=current.finished_at is not None,
        next_batch=current.kind == JobKind.IMPORT and current.status == JobStatus.DONE
        and current.establishment_id is not None and request.user.has_perm("reconciliation.view_cashierbatch"),
    ))


@require_GET
def job_status(request, job_id: int):
    _need(request, "view_reconciliationjob")
    current = _job(request, job_id)
    return JsonResponse({
        "status": current.status, "status_label": current.get_status_display(), "title": current.title,
        "percent": current.percent,
        "messages": current.messages, "finished": current.finished_at is not None,
    })


def exceptions(request):
    _need(request, "view_statemententry")
    return render(request, "reconciliation/exceptions.html", _context(
        request, _("File des anomalies"), entries=selectors.exceptions_queue(request.user)[:500],
        assign_form=AssignForm(), reason_form=ReasonForm(),
        may_resolve=request.user.has_perm("reconciliation.change_statemententry"),
    ))


@require_POST
def resolve(request, entry_id: int, action: str):
    _need(request, "change_statemententry")
    try:
        if action == "attribuer":
            form = AssignForm(request.POST)
            if not form.is_valid():
                raise ReconciliationError(_("Indiquez la référence du virement."))
            assign_entry(entry_id=entry_id, reference=form.cleaned_data["reference"], user=request.user)
            messages.success(request, _("Écriture attribuée au virement."))
        elif action == "rembourser":
            mark_entry_for_refund(entry_id=entry_id, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("Écriture envoyée en remboursement."))
        elif action == "classer":
            dismiss_entry(entry_id=entry_id, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("Écriture classée."))
        else:
            raise Http404
    except StatementEntry.DoesNotExist as exc:
        raise Http404 from exc
    except ReconciliationError as exc:
        _errors(request, exc)
    return redirect("reconciliation:exceptions")


def unseen(request):
    _need(request, "view_statemententry")
    return render(request, "reconciliation/unseen.html", _context(
        request, _("Virements exécutés non vus sur un relevé depuis 3 jours ouvrés"),
        transfers=selectors.unseen_transfers(request.user)[:500],
    ))


def batches(request):
    _need(request, "view_cashierbatch")
    form = EstablishmentDayForm(request.POST or None, user=request.user, code=request.GET.get("etablissement"))
    if request.method == "POST":
        _need(request, "add_cashierbatch")
        if form.is_valid():
            job_row = jobs.create_batch_job(
                establishment=form.cleaned_data["establishment"], day=form.cleaned_data["day"], user=request.user
            )
            tasks.run_batch_job.delay(job_row.pk)
            return redirect("reconciliation:job", job_id=job_row.pk)
    return render(request, "reconciliation/batches.html", _context(
        request, _("Lots pour la caisse"), form=form, ack_form=AckUploadForm(),
        batches=selectors.batches(request.user)[:100], cashier_days=selectors.cashier_days(request.user),
    ))


@require_GET
def batch_file(request, batch_id: int):
    _need(request, "view_cashierbatch")
    batch = get_object_or_404(CashierBatch, pk=batch_id)
    require_establishment(request.user, batch.establishment_id, Http404())
    response = HttpResponse(batch.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = f"lot-{batch.establishment.code}-{batch.day}-{batch.cutoff:%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def upload_ack(request):
    _need(request, "change_cashierbatchline")
    form = AckUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reconciliation:batches")
    try:
        result = apply_acknowledgement(data=form.cleaned_data["file"].read(), user=request.user)
    except ReconciliationError as exc:
        messages.error(request, _("Accusé refusé, rien n'a été enregistré."))
        _errors(request, exc)
    else:
        messages.success(request, result.summary())
    return redirect("reconciliation:batches")


def refunds(request):
    _need(request, "view_refund")
    form = EstablishmentForm(request.POST or None, user=request.user, code=request.GET.get("etablissement"))
    if request.method == "POST":
        _need(request, "add_refundfile")
        if form.is_valid():
            try:
                refund_file = prepare_refund_file(
                    establishment_id=form.cleaned_data["establishment"].pk, user=request.user
                )
            except ReconciliationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Fichier %(m)s préparé : il doit être approuvé par une autre personne.")
                                 % {"m": refund_file.message_id})
            return redirect("reconciliation:refunds")
    return render(request, "reconciliation/refunds.html", _context(
        request, _("Remboursements"), form=form, refunds=selectors.pending_refunds(request.user)[:500],
        files=selectors.refund_files(request.user)[:100], Status=RefundFileStatus,
    ))


@require_POST
def refund_file_action(request, file_id: int, action: str):
    _need(request, "change_refundfile")
    actions = {"approuver": approve_refund_file, "envoye": mark_refund_file_sent}
    if action not in actions:
        raise Http404
    try:
        actions[action](file_id=file_id, user=request.user)
    except RefundFile.DoesNotExist as exc:
        raise Http404 from exc
    except ReconciliationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Fichier approuvé.") if action == "approuver" else _("Fichier marqué envoyé."))
    return redirect("reconciliation:refunds")


@require_GET
def refund_file_xml(request, file_id: int):
    _need(request, "view_refundfile")
    refund_file = get_object_or_404(RefundFile, pk=file_id)
    require_establishment(request.user, refund_file.establishment_id, Http404())
    if refund_file.status == RefundFileStatus.PREPARED:
        messages.error(request, _("Le fichier doit être approuvé avant d'être téléchargé."))
        return redirect("reconciliation:refunds")
    response = HttpResponse(refund_file.xml.encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{refund_file.message_id}.xml"'
    return response


def _report_args(request):
    establishments = establishments_for(request.user).order_by("name")
    code = request.GET.get("etablissement")
    establishment = establishments.filter(code=code).first() if code else establishments.first()
    if code and establishment is None:
        raise Http404
    # A day that is not one, or out of the portal's range (?jour=0001-01-01 overflowed 30 days back): today.
    day = parse_day(request.GET.get("jour")) or timezone.localdate()
    return establishments, establishment, day


def report(request):
    _need(request, "view_bankstatement")
    establishments, establishment, day = _report_args(request)
    context = {"establishments": establishments, "establishment": establishment, "day": day}
    if establishment is not None:
        series = selectors.last_days(establishment=establishment, day=day)
        delays = selectors.credit_delays(establishments=establishments, day=day)
        chosen = next(d for d in delays if d.establishment.pk == establishment.pk)
        context.update(report=selectors.daily_report(establishment=establishment, day=day),
                       chart=charts.daily_amounts_svg(series), series=series, delays=delays, delay=chosen,
                       delay_chart=charts.credit_delay_svg(chosen.series))
    return render(request, "reconciliation/report.html", _context(request, _("Rapprochement du jour"), **context))


def report_export(request, fmt: str):
    _need(request, "view_bankstatement")
    _establishments, establishment, day = _report_args(request)
    if establishment is None:
        raise Http404
    data = selectors.daily_report(establishment=establishment, day=day)
    series = selectors.last_days(establishment=establishment, day=day)
    [delay] = selectors.credit_delays(establishments=[establishment], day=day)
    if fmt == "csv":
        response = HttpResponse(exports.report_csv(data, series, delay), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(exports.report_xlsx(data, series, delay), content_type=exports.XLSX_CONTENT_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(data, fmt)}"'
    return response
