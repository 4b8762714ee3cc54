"""The relative's parloir pages, under /mon-espace/. Thin: ``visits.selectors`` reads (every query scoped to the
logged-in relative: another's registration or visit answers 404), ``visits.services`` books and cancels."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import relative_required
from core.formats import clock_format
from core.text import ascii_number
from permits.registration import registered_permit_for
from permits.selectors import permit_cards

from . import calendar, selectors, services
from .constants import VisitStatus
from .errors import BookingError
from .forms import WhoComesForm


def _crumbs(current: str, *links: tuple[str, str]) -> dict:
    """The DSFR breadcrumb: Mon espace, then ``links`` (url, title), then the page."""
    trail = [{"url": reverse("accounts:mon_espace"), "title": _("Mon espace")}]
    trail += [{"url": url, "title": title} for url, title in links]
    return {"links": trail, "current": current}


def _my_visits_crumb() -> tuple[str, str]:
    return reverse("visits:my_visits"), _("Mes rendez-vous")


def _registration(request: HttpRequest, registration_id: int):
    registration = registered_permit_for(request.user.relative, registration_id)
    if registration is None:
        raise Http404
    return registration


def _visit(request: HttpRequest, reference: str):
    """The relative's own visit by its reference; anything else (another's, not a reference) is a 404."""
    return selectors.visit_of_relative(request.user.relative, reference)


def _when(moment: datetime.datetime) -> str:
    """« mardi 8 décembre 2026 à 9 h 00 » (« Tuesday 8 December 2026 at 9:00 »), in the establishment's time zone
    (Europe/Paris)."""
    local = timezone.localtime(moment)
    return _("%(day)s à %(time)s") % {"day": date_format(local, "l j F Y"), "time": date_format(local, clock_format())}


def _refused(request: HttpRequest, registration, answer, *, status: int) -> HttpResponse:
    """A permit that may not book a parloir now: why, and whom to ask; no session offered."""
    title = _("Prendre un rendez-vous parloir")
    return render(
        request, "visits/refused.html",
        {"title": title, "registration": registration, "permit": registration.permit, "answer": answer,
         "breadcrumb_data": _crumbs(title), "tab": "accueil"},
        status=status,
    )


@relative_required
@require_GET
def sessions(request: HttpRequest, registration_id: int) -> HttpResponse:
    """"Prendre un rendez-vous parloir": the sessions open to this permit, day by day, with the places left."""
    registration = _registration(request, registration_id)
    answer = selectors.permit_may_book(registration)
    if not answer.allowed:
        return _refused(request, registration, answer, status=200)
    permit = registration.permit
    title = _("Prendre un rendez-vous parloir")
    weeks = selectors.bookable_weeks(selectors.bookable_days(permit, include_full=True))
    index = _week_index(request, weeks)
    return render(
        request, "visits/sessions.html",
        {"title": title, "registration": registration, "permit": permit,
         "rules": selectors.booking_rules(permit.detainee.establishment),
         "weeks": weeks, "week": weeks[index] if weeks else None, "week_index": index,
         "previous_week": index - 1 if index > 0 else None,
         "next_week": index + 1 if index + 1 < len(weeks) else None,
         "breadcrumb_data": _crumbs(title), "tab": "accueil"},
    )


def _week_index(request: HttpRequest, weeks: list) -> int:
    """The week asked for (``?semaine=N``, 0 the first); by default the first with a place left. A value that is
    not a week shown is the default, never an error."""
    asked = ascii_number(request.GET.get("semaine"), max_length=3)
    if asked is not None and asked < len(weeks):
        return asked
    return next((index for index, week in enumerate(weeks) if week.places_left), 0)


@relative_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, registration_id: int, session_id: str) -> HttpResponse:
    """"Qui vient ?" for the session chosen, then "Confirmer le rendez-vous"."""
    registration = _registration(request, registration_id)
    relative = request.user.relative
    answer = selectors.permit_may_book(registration)
    if not answer.allowed:
        return _refused(request, registration, answer, status=403 if request.method == "POST" else 200)
    permit = registration.permit
    sessions_url = reverse("visits:sessions", args=[registration.pk])
    try:
        session = selectors.session_for_booking(permit, session_id)
    except BookingError as error:
        unavailable = _("Ce créneau ne peut pas être réservé")
        return render(
            request, "visits/session_unavailable.html",
            {"title": unavailable, "message": error.message, "registration": registration,
             "sessions_url": sessions_url, "tab": "accueil",
             "breadcrumb_data": _crumbs(unavailable, (sessions_url, _("Prendre un rendez-vous parloir")))},
            status=409 if request.method == "POST" else 200,
        )
    title = _("Confirmer le rendez-vous parloir")
    crumbs = _crumbs(title, (sessions_url, _("Prendre un rendez-vous parloir")))
    rules = selectors.booking_rules(permit.detainee.establishment)
    form = WhoComesForm(request.POST or None, max_adults=rules.max_adults_per_visit,
                        max_minors=rules.max_minors_per_visit)
    booking_error = None
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.book_visit(
                session_id=session.pk, permit=permit, relative=relative, companions=form.companions(),
                minors=form.cleaned_data["minors"], actor=request.user, contact_email=relative.email or "",
            )
        except BookingError as error:
            booking_error = error.message
            form.add_error(None, error.message)
        else:
            return redirect("visits:booked", reference=str(visit.reference))
    return render(
        request, "visits/book.html",
        {"title": title, "registration": registration, "permit": permit, "relative": relative, "session": session,
         "rules": rules, "form": form, "booking_error": booking_error, "sessions_url": sessions_url,
         "breadcrumb_data": crumbs, "tab": "accueil"},
        status=400 if form.is_bound and form.errors else 200,
    )


def _visit_context(visit) -> dict:
    session = visit.session
    return {"visit": visit, "session": session, "area": session.area, "establishment": session.area.establishment,
            "rules": selectors.booking_rules(session.area.establishment), "arrive_at": selectors.arrival_time(visit),
            "may_cancel": selectors.may_cancel(visit), "deadline": selectors.cancellation_deadline(visit)}


@relative_required
@require_GET
def booked(request: HttpRequest, reference: str) -> HttpResponse:
    """"Votre rendez-vous parloir est réservé" just after booking; later, the visit's page (cancelled or not)."""
    visit = _visit(request, reference)
    context = _visit_context(visit)
    # The confirmation's words while the visit is booked and to come; a cancelled or past visit is named by its date.
    upcoming = visit.status == VisitStatus.BOOKED and visit.session.ends_at > timezone.now()
    title = (_("Votre rendez-vous parloir est réservé") if upcoming
             else _("Rendez-vous parloir du %(when)s") % {"when": _when(visit.session.starts_at)})
    context.update({"title": title, "upcoming": upcoming, "breadcrumb_data": _crumbs(title, _my_visits_crumb()),
                    "tab": "rendez_vous"})
    return render(request, "visits/booked.html", context)


@relative_required
@require_GET
def my_visits(request: HttpRequest) -> HttpResponse:
    """The tab "Mes rendez-vous": upcoming and past visits, each upcoming one cancellable until its deadline."""
    relative = request.user.relative
    upcoming, past = selectors.relative_visits(relative)
    rows = [{"visit": visit, "may_cancel": selectors.may_cancel(visit),
             "deadline": selectors.cancellation_deadline(visit)} for visit in upcoming]
    bookable = [card for card in permit_cards(relative) if card["allows_parloir"]]
    title = _("Mes rendez-vous")
    return render(
        request, "visits/my_visits.html",
        {"title": title, "upcoming": rows, "past": past, "bookable": bookable,
         "breadcrumb_data": _crumbs(title), "tab": "rendez_vous"},
    )


@relative_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """"Annuler le rendez-vous": a confirmation step, then the cancellation (until the deadline)."""
    visit = _visit(request, reference)
    if request.method == "POST":
        try:
            services.cancel_visit_by_relative(visit=visit, relative=request.user.relative)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Votre rendez-vous a été annulé. Un courriel de confirmation vous a été envoyé.")
            )
        return redirect("visits:my_visits")
    context = _visit_context(visit)
    if not context["may_cancel"]:
        messages.error(request, _("Ce rendez-vous ne peut plus être annulé en ligne."))
        return redirect("visits:my_visits")
    title = _("Annuler le rendez-vous du %(when)s ?") % {"when": _when(visit.session.starts_at)}
    context.update({"title": title, "breadcrumb_data": _crumbs(title, _my_visits_crumb()), "tab": "rendez_vous"})
    return render(request, "visits/cancel.html", context)


@relative_required
@require_GET
def ics(request: HttpRequest, reference: str) -> HttpResponse:
    """The visit as a calendar event (.ics), to add to the relative's own calendar."""
    visit = _visit(request, reference)
    response = HttpResponse(calendar.visit_ics(visit), content_type="text/calendar; charset=utf-8")
    day = timezone.localtime(visit.session.starts_at)
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-parloir-{day:%Y-%m-%d}.ics"'
    return response
