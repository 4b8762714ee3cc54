"""The relative's parloir pages (being built: each answers 404 until its page is written)."""

from django.http import Http404


def my_visits(request):
    raise Http404


def sessions(request, registration_id):
    raise Http404


def book(request, registration_id, session_id):
    raise Http404


def booked(request, reference):
    raise Http404


def cancel(request, reference):
    raise Http404


def ics(request, reference):
    raise Http404
