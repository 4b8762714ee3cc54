"""A relative's session ends after RELATIVE_SESSION_IDLE_SECONDS without a request (30 minutes); a staff
session reaches /gestion/ and /cms/ only after its second factor."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "relative_last_activity"
# The activity timestamp (and the session's expiry with it) is rewritten at most this often: a write on
# every request would cost a database write and commit per page. The idle timeout is thus between
# RELATIVE_SESSION_IDLE_SECONDS - TOUCH_INTERVAL_SECONDS and RELATIVE_SESSION_IDLE_SECONDS.
TOUCH_INTERVAL_SECONDS = 60


class RelativeSessionMiddleware:
    """Logs a relative out after the idle timeout and refreshes the timestamp (at most once a minute) on
    every other request.

    Staff sessions are left to Django's own settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(user, "relative"):
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle = settings.RELATIVE_SESSION_IDLE_SECONDS
            if last is not None and now - int(last) > idle:
                logout(request)
                messages.info(
                    request,
                    _("Votre session a expiré après %(minutes)d minutes d'inactivité. Veuillez vous reconnecter.")
                    % {"minutes": idle // 60},
                )
                return redirect("home")
            if last is None or now - int(last) >= TOUCH_INTERVAL_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(idle)
        return self.get_response(request)


# The staff's pages behind the second factor, and what stays open inside them: the login and logout pages,
# and the second-factor step itself (its pages, its passkey endpoints). Static files are outside them.
SECOND_FACTOR_GATED_PREFIXES = ("/gestion/", "/cms/")
SECOND_FACTOR_OPEN_PATHS = ("/gestion/login/", "/gestion/logout/", "/cms/login/", "/cms/logout/",
                            "/cms/password_reset/")


class StaffSecondFactorMiddleware:
    """Sends a logged-in staff member who has not passed a second factor in this session to the
    second-factor step (enrolment when they have none yet), from any page of /gestion/ (reconciliation
    included) and /cms/. Relatives' pages are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(SECOND_FACTOR_GATED_PREFIXES) and not self._open(path):
            from .second_factor import has_second_factor
            from .selectors import is_staff_account

            user = getattr(request, "user", None)
            if user is not None and is_staff_account(user) and not has_second_factor(request):
                target = reverse("second_factor:verify")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path.startswith(SECOND_FACTOR_OPEN_PATHS) or path.startswith(reverse("second_factor:verify"))
