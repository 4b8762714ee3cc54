"""The visit office's pages (/gestion/parloirs/): the day's planning per area and session, arrivals, cancelling a
visit or a whole session, the printable list for the visit hall and its CSV, a detainee's blocked dates, and
bookings taken by phone or at the counter.

Who does what follows the role's rights (accounts.roles): whoever may view visits reads the planning (the
greffe, national administrators, auditors), only the visit office acts (``visits.change_visit`` and the like).
Every establishment, visit and session named in an address or a form is checked against the user's
establishments; services change, selectors read."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.dates import parse_day
from core.spreadsheets import escaped_row
from core.text import ascii_number
from establishments.selectors import establishments_for, require_establishment
from permits.selectors import detainees_by_ecrou, permits_by_number

from . import selectors, services
from .constants import BookingChannel, SessionStatus, VisitStatus
from .errors import BookingError
from .forms_staff import BlockForm, PermitLookupForm, ReasonForm, StaffBookingForm
from .models import Visit, VisitSession
from .rules import end_text
from .services import CompanionInput

CSV_COLUMNS = ("Date", "Heure", "Fin", "Espace", "Personne détenue", "Écrou", "Visiteurs", "Permis", "Mineurs",
               "Prise de rendez-vous", "Statut")


def _need(request, codename: str) -> None:
    if not request.user.has_perm(f"visits.{codename}"):
        raise PermissionDenied


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _establishment(request):
    """The establishments the user may see, and the one asked for (``?etablissement=`` its id or its code), else
    the first of them (the only one of most staff). One the user may not see: 404."""
    establishments = establishments_for(request.user).order_by("name")
    raw = (request.GET.get("etablissement") or "").strip()
    if not raw:
        return establishments, establishments.first()
    chosen = None
    if (pk := ascii_number(raw, max_length=11)) is not None:
        chosen = establishments.filter(pk=pk).first()
    if chosen is None and len(raw) <= 20:
        chosen = establishments.filter(code=raw).first()
    if chosen is None:
        raise Http404
    return establishments, chosen


def _day(request) -> datetime.date:
    return parse_day(request.GET.get("jour")) or timezone.localdate()


def _planning_url(establishment_id: int, day: datetime.date) -> str:
    return reverse("visits_staff:planning") + "?" + urlencode(
        {"etablissement": establishment_id, "jour": day.strftime("%d/%m/%Y")}
    )


def _visit(request, visit_id: int) -> Visit:
    visit = get_object_or_404(
        Visit.objects.select_related("session__area__establishment", "detainee", "permit"), pk=visit_id
    )
    require_establishment(request.user, visit.session.area.establishment_id, Http404())
    return visit


def _session(request, session_id: int) -> VisitSession:
    session = get_object_or_404(VisitSession.objects.select_related("area__establishment"), pk=session_id)
    require_establishment(request.user, session.area.establishment_id, Http404())
    return session


def _visitors(visit) -> list:
    """The booker's permit, then the companions' permits."""
    return [visit.permit, *(companion.permit for companion in visit.companions.all())]


def _rows(plannings) -> list[dict]:
    """Each session of the day with its visits (those holding a place, then the cancelled ones with their reason,
    as ``selectors.day_planning`` separates them) and the visitors of each visit."""
    rows = []
    for planning in plannings:
        holding = [{"visit": visit, "visitors": _visitors(visit), "holds": True} for visit in planning.visits]
        cancelled = [{"visit": visit, "visitors": _visitors(visit), "holds": False} for visit in planning.cancelled]
        rows.append({"session": planning.session, "area": planning.area, "visits": holding + cancelled,
                     "taken": len(planning.visits), "people": planning.people, "holding": holding,
                     "cancelled": planning.session.status == SessionStatus.CANCELLED})
    return rows


def _day_data(request):
    _need(request, "view_visit")
    establishments, establishment = _establishment(request)
    day = _day(request)
    rows = _rows(selectors.day_planning(establishment, day)) if establishment is not None else []
    return establishments, establishment, day, rows


@require_GET
def planning(request):
    establishments, establishment, day, rows = _day_data(request)
    may_act = request.user.has_perm("visits.change_visit")
    query = {"etablissement": establishment.pk, "jour": day.isoformat()} if establishment else {}
    return render(request, "visits/staff/planning.html", _context(
        request, _("Planning des parloirs"),
        establishments=establishments, establishment=establishment, day=day, rows=rows, may_act=may_act,
        may_block=request.user.has_perm("visits.add_detaineevisitblock"),
        may_book=request.user.has_perm("visits.add_visit"),
        previous_day=day - datetime.timedelta(days=1), next_day=day + datetime.timedelta(days=1),
        query=urlencode(query), today=timezone.localdate(),
    ))


@require_GET
def print_list(request):
    _establishments, establishment, day, rows = _day_data(request)
    if establishment is None:
        raise Http404
    return render(request, "visits/staff/print.html", {
        "title": _("Liste des parloirs du %(day)s") % {"day": date_format(day, "d/m/Y")},
        "establishment": establishment, "day": day, "rows": rows, "printed_at": timezone.localtime(),
    })


@require_GET
def export_csv(request):
    _establishments, establishment, day, rows = _day_data(request)
    if establishment is None:
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        session = row["session"]
        start = timezone.localtime(session.starts_at)
        for item in row["visits"]:
            visit = item["visit"]
            writer.writerow(escaped_row([
                date_format(start, "d/m/Y"), f"{start:%H:%M}", end_text(session.starts_at, session.ends_at),
                row["area"].name,
                f"{visit.detainee.family_name.upper()} {visit.detainee.first_name}", visit.detainee.ecrou,
                ", ".join(f"{p.holder_family_name.upper()} {p.holder_first_names}" for p in item["visitors"]),
                ", ".join(p.number for p in item["visitors"]), visit.minors, visit.get_channel_display(),
                visit.get_status_display(),
            ]))
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parloirs-{establishment.code}-{day.isoformat()}.csv"'
    return response


@require_POST
def record_arrival(request, visit_id: int):
    _need(request, "change_visit")
    visit = _visit(request, visit_id)
    arrived = request.POST.get("arrive") == "oui"
    try:
        services.record_arrival(visit=visit, actor=request.user, arrived=arrived)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        holder = f"{visit.permit.holder_family_name.upper()} {visit.permit.holder_first_names}"
        messages.success(request, (_("%(who)s : arrivée enregistrée.") if arrived
                                   else _("%(who)s : absence enregistrée.")) % {"who": holder})
    day = timezone.localtime(visit.session.starts_at).date()
    return redirect(_planning_url(visit.session.area.establishment_id, day))


def cancel_visit(request, visit_id: int):
    _need(request, "view_visit")
    visit = _visit(request, visit_id)
    if request.method == "POST":
        _need(request, "change_visit")
    day = timezone.localtime(visit.session.starts_at).date()
    back = _planning_url(visit.session.area.establishment_id, day)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_visit_by_staff(visit=visit, actor=request.user, reason=form.cleaned_data["reason"])
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Le rendez-vous est annulé ; le visiteur est prévenu par courriel."))
            return redirect(back)
    return render(request, "visits/staff/cancel_visit.html", _context(
        request, _("Annuler un rendez-vous"), visit=visit, visitors=_visitors(visit), form=form, back=back,
        may_act=request.user.has_perm("visits.change_visit") and visit.status == VisitStatus.BOOKED,
    ))


def cancel_session(request, session_id: int):
    _need(request, "view_visitsession")
    session = _session(request, session_id)
    if request.method == "POST":
        _need(request, "change_visitsession")
    day = timezone.localtime(session.starts_at).date()
    back = _planning_url(session.area.establishment_id, day)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.cancel_session(session=session, actor=request.user, reason=form.cleaned_data["reason"])
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _(
                "Le créneau est annulé : %(n)s rendez-vous annulé(s), chaque visiteur est prévenu par courriel."
            ) % {"n": count})
            return redirect(back)
    booked = session.visits.filter(status=VisitStatus.BOOKED).count()
    return render(request, "visits/staff/cancel_session.html", _context(
        request, _("Annuler le créneau"), session=session, booked=booked, form=form, back=back,
        may_act=request.user.has_perm("visits.change_visitsession") and session.status == SessionStatus.OPEN,
    ))


def block(request):
    _need(request, "view_detaineevisitblock")
    establishments, establishment = _establishment(request)
    if request.method == "POST":
        _need(request, "add_detaineevisitblock")
        if establishment is None:
            raise Http404
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        detainee = detainees_by_ecrou(establishment.pk, [data["ecrou"]]).get(data["ecrou"])
        if detainee is None:
            form.add_error("ecrou", _("Aucune personne détenue de cet établissement n'a ce numéro d'écrou."))
        else:
            try:
                created = services.block_detainee(
                    detainee=detainee, start_date=data["start_date"], end_date=data["end_date"],
                    reason=data["reason"], actor=request.user,
                )
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                count = getattr(created, "cancelled_visits", None)
                name = f"{detainee.family_name.upper()} {detainee.first_name}"
                if count is None:
                    text = _("Parloirs de %(name)s suspendus du %(start)s au %(end)s ; les rendez-vous concernés "
                             "sont annulés et les visiteurs prévenus par courriel.")
                else:
                    text = _("Parloirs de %(name)s suspendus du %(start)s au %(end)s : %(n)s rendez-vous "
                             "annulé(s), chaque visiteur est prévenu par courriel.")
                messages.success(request, text % {
                    "name": name, "start": date_format(data["start_date"], "d/m/Y"),
                    "end": date_format(data["end_date"], "d/m/Y"), "n": count,
                })
                return redirect(reverse("visits_staff:block") + "?" + urlencode({"etablissement": establishment.pk}))
    return render(request, "visits/staff/block.html", _context(
        request, _("Suspendre les parloirs d'une personne détenue"), establishments=establishments,
        establishment=establishment, form=form,
        may_act=request.user.has_perm("visits.add_detaineevisitblock") and establishment is not None,
    ))


def _permit_of(establishment, number: str):
    """The permit ``number`` of a detainee of ``establishment``, else None."""
    permit = permits_by_number([number]).get(number)
    if permit is None or permit.establishment_pk != establishment.pk:
        return None
    return permit


def _session_choices(permit) -> list[tuple[str, list[tuple[int, str]]]]:
    """The bookable sessions grouped by day (one heading per day, the day's sessions under it), as the radio
    buttons of the booking form."""
    choices = []
    for bookable_day in selectors.bookable_days(permit):
        sessions = [
            (item.session.pk, _("%(start)s – %(end)s, %(area)s (%(n)s place(s))") % {
                "start": f"{timezone.localtime(item.starts_at):%H:%M}", "end": end_text(item.starts_at, item.ends_at),
                "area": item.area.name, "n": item.places_left,
            })
            for item in bookable_day.sessions
        ]
        choices.append((date_format(bookable_day.date, "l j F Y").capitalize(), sessions))
    return choices


def book(request):
    _need(request, "view_visit")
    establishments, establishment = _establishment(request)
    may_act = request.user.has_perm("visits.add_visit") and establishment is not None
    if request.method == "POST" and not may_act:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET if "permit_number" in request.GET else None)
    lookup = PermitLookupForm(data)
    permit = booking = refusal = None
    if may_act and lookup.is_valid():
        permit = _permit_of(establishment, lookup.cleaned_data["permit_number"])
        if permit is None:
            lookup.add_error("permit_number", _(
                "Aucun permis de visite de ce numéro pour une personne détenue de cet établissement."
            ))
        else:
            may_book = selectors.permit_may_book(permit)
            if may_book.allowed:
                booking = StaffBookingForm(request.POST if request.method == "POST" else None,
                                           session_choices=_session_choices(permit))
            else:
                refusal = may_book.as_error().message
    if request.method == "POST" and booking is not None and booking.is_valid():
        cleaned = booking.cleaned_data
        try:
            visit = services.book_visit(
                session_id=cleaned["session"], permit=permit, relative=None,
                companions=[CompanionInput(permit_number=number, family_name=family, first_names=first)
                            for number, family, first in cleaned["companions"]],
                minors=cleaned["minors"], actor=request.user, channel=BookingChannel(cleaned["channel"]),
                contact_email=cleaned["contact_email"],
            )
        except BookingError as error:
            booking.add_error(None, error.message)
        else:
            messages.success(request, _(
                "Rendez-vous réservé pour %(who)s le %(day)s à %(time)s%(mail)s."
            ) % {
                "who": f"{permit.holder_family_name.upper()} {permit.holder_first_names}",
                "day": date_format(timezone.localtime(visit.session.starts_at), "d/m/Y"),
                "time": f"{timezone.localtime(visit.session.starts_at):%H:%M}",
                "mail": _(" ; la confirmation est envoyée par courriel") if cleaned["contact_email"] else "",
            })
            return redirect(_planning_url(establishment.pk, timezone.localtime(visit.session.starts_at).date()))
    return render(request, "visits/staff/book.html", _context(
        request, _("Réserver pour un visiteur"), establishments=establishments, establishment=establishment,
        lookup=lookup, permit=permit, booking=booking, refusal=refusal, may_act=may_act,
    ))
