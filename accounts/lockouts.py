"""The page a staff member sees when django-axes refuses their login (AXES_LOCKOUT_CALLABLE): in the
portal's design (DSFR) for the back office (/gestion/), in Wagtail's for the CMS (/cms/). Status 429."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .middleware import duration_in_words


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    in_cms = request.path.startswith(reverse("wagtailadmin_home"))
    context = {
        "title": _("Connexion bloquée"),
        "cool_off": duration_in_words(int(settings.AXES_COOLOFF_TIME.total_seconds())),
        "login_url": reverse("wagtailadmin_login") if in_cms else settings.LOGIN_URL,
    }
    template = "accounts/lockout_cms.html" if in_cms else "accounts/lockout.html"
    return render(request, template, context, status=429)
