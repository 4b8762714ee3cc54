"""The security review's pages (/gestion/securite/): the queue with its filters and exports, one alert with its
rules and the decision, a payer's and a detainee's flows with their chart, the pairs accepted always. Reading
needs ``monitoring.view_alert`` (security staff, national, auditors), acting ``monitoring.change_alert`` or the
pairs' rights; every alert, payer, detainee or pair named in an address is checked against the user's
establishments (outside: 404). Thin: services change, selectors read."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.text import ascii_number

from . import charts, exports, selectors
from .constants import DECISION_REASONS, QUEUE_PAGE_SIZE, AlertStatus
from .errors import MonitoringError
from .forms import EXPORT_FORMATS, DecisionForm, QueueFilterForm
from .services.review import assign_alert, decide_alert, revoke_pair

# The decision's refusals (MonitoringError codes of services.review) shown beside the field they name.
DECISION_ERROR_FIELDS = {"decision": "decision", "reason": "reason", "note": "note", "pair": "always_accept_pair"}

# Ids in addresses: at most this many digits (a longer one is no row: 404, never an overflow).
ID_MAX_DIGITS = 18


def _need(request, codename: str) -> None:
    if not request.user.has_perm(f"monitoring.{codename}"):
        raise PermissionDenied


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _id(value: int) -> int:
    pk = ascii_number(value, max_length=ID_MAX_DIGITS)
    if pk is None:
        raise Http404
    return pk


def _alert(request, alert_id: int):
    alert = selectors.alert_for(request.user, _id(alert_id))
    if alert is None:
        raise Http404
    return alert


@require_GET
def queue(request):
    _need(request, "view_alert")
    form = QueueFilterForm(request.GET or None, user=request.user)
    alerts = selectors.alert_queue(request.user, form.filters())
    page = Paginator(alerts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = form.query()
    return render(request, "monitoring/queue.html", _context(
        request, _("Surveillance des flux — alertes à examiner"),
        form=form, page=page, query=urlencode(query), may_act=request.user.has_perm("monitoring.change_alert"),
    ))


@require_GET
def export(request):
    _need(request, "view_alert")
    extension = request.GET.get("format", "csv")
    if extension not in EXPORT_FORMATS:
        raise Http404
    form = QueueFilterForm(request.GET, user=request.user)
    alerts = selectors.alert_queue(request.user, form.filters()).iterator(chunk_size=500)
    if extension == "csv":
        response = HttpResponse(exports.queue_csv(alerts), content_type=exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(exports.queue_xlsx(alerts), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(extension)}"'
    return response


def _alert_page(request, alert, form: DecisionForm, status: int = 200):
    transfer = alert.transfer
    return render(request, "monitoring/alert.html", _context(
        request, _("Alerte sur le virement %(reference)s") % {"reference": transfer.reference},
        alert=alert, transfer=transfer, form=form, rules=selectors.rules_of(alert),
        entry=selectors.payer_entry(transfer), others=selectors.other_alerts(alert),
        history=selectors.alert_history(alert), transfer_history=selectors.transfer_history(transfer)[:50],
        may_act=request.user.has_perm("monitoring.change_alert") and alert.status == AlertStatus.OPEN,
        reasons_by_decision={decision: list(reasons) for decision, reasons in DECISION_REASONS.items()},
    ), status=status)


@require_GET
def alert(request, alert_id: int):
    _need(request, "view_alert")
    return _alert_page(request, _alert(request, alert_id), DecisionForm())


@require_POST
def assign(request, alert_id: int):
    _need(request, "change_alert")
    current = _alert(request, alert_id)
    try:
        assign_alert(alert_id=current.pk, user=request.user)
        messages.success(request, _("Vous avez pris en charge l'alerte."))
    except MonitoringError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("retour")
    if back == "file":
        return redirect("monitoring:queue")
    return redirect("monitoring:alert", alert_id=current.pk)


@require_POST
def decide(request, alert_id: int):
    _need(request, "change_alert")
    current = _alert(request, alert_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _alert_page(request, current, form, status=400)
    try:
        decide_alert(
            alert_id=current.pk, user=request.user, decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
            always_accept_pair=form.cleaned_data["always_accept_pair"],
        )
    except MonitoringError as exc:
        form.add_error(DECISION_ERROR_FIELDS.get(exc.code), exc.message)
        return _alert_page(request, current, form, status=400)
    messages.success(request, _("Décision enregistrée."))
    return redirect("monitoring:alert", alert_id=current.pk)


def _flows_page(request, template: str, title: str, subject, flows, who: str, **extra):
    return render(request, template, _context(
        request, title, subject=subject, flows=flows,
        chart=charts.monthly_amounts_svg(flows.months, who=who), **extra,
    ))


@require_GET
def payer(request, relative_id: int):
    _need(request, "view_alert")
    found = selectors.payer_flows(request.user, _id(relative_id))
    if found is None:
        raise Http404
    relative, flows = found
    who = f"{relative.family_name.upper()} {relative.given_name}"
    return _flows_page(request, "monitoring/payer.html", _("Payeur : %(who)s") % {"who": who}, relative, flows, who)


@require_GET
def detainee(request, detainee_id: int):
    _need(request, "view_alert")
    found = selectors.detainee_flows(request.user, _id(detainee_id))
    if found is None:
        raise Http404
    person, flows = found
    who = f"{person.family_name.upper()} {person.first_name}"
    return _flows_page(
        request, "monitoring/detainee.html", _("Personne détenue : %(who)s") % {"who": who}, person, flows, who,
    )


@require_GET
def pairs(request):
    _need(request, "view_allowedpair")
    page = Paginator(selectors.allowed_pairs(request.user), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/pairs.html", _context(
        request, _("Paires toujours acceptées"), page=page,
        may_revoke=request.user.has_perm("monitoring.change_allowedpair"),
    ))


@require_POST
def revoke(request, pair_id: int):
    _need(request, "change_allowedpair")
    pair = selectors.pair_for(request.user, _id(pair_id))
    if pair is None:
        raise Http404
    try:
        revoke_pair(pair_id=pair.pk, user=request.user)
        messages.success(request, _("La paire est retirée : les règles retiennent de nouveau ses virements."))
    except MonitoringError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("monitoring:pairs"))
