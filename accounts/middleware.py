"""Session lifetimes and the staff's second factor. A relative's session ends after
RELATIVE_SESSION_IDLE_SECONDS without a request (30 minutes). A staff session ends after
STAFF_SESSION_IDLE_SECONDS without a request (30 minutes) and STAFF_SESSION_MAX_SECONDS after its login
(12 hours), its cookie ends with the browser, and it reaches /gestion/ and /cms/ only after its second
factor."""

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
from django.utils.translation import ngettext

from .constants import (
    LAST_ACTIVITY_KEY,
    RELATIVE_SESSION_MARK_COOKIE,
    SESSION_ENDED_KEY,
    SESSION_MARK_GRACE_SECONDS,
    STAFF_LAST_ACTIVITY_KEY,
    STAFF_LOGIN_AT_KEY,
)
from .second_factor import has_second_factor
from .selectors import is_staff_account

__all__ = ["LAST_ACTIVITY_KEY", "STAFF_LAST_ACTIVITY_KEY", "STAFF_LOGIN_AT_KEY", "TOUCH_INTERVAL_SECONDS"]
# The activity timestamp (and the session's expiry with it) is rewritten at most this often: a write on
# every request would cost a database write and commit per page. The idle timeout is thus between
# the idle setting - TOUCH_INTERVAL_SECONDS and the idle setting.
TOUCH_INTERVAL_SECONDS = 60


def start_staff_session(request: HttpRequest, user) -> None:
    """At a staff login, whatever its path (receiver of ``user_logged_in``): the session's start, for the
    absolute limit, and a cookie that ends with the browser."""
    if request is None or not hasattr(request, "session") or not is_staff_account(user):
        return
    now = int(time.time())
    request.session[STAFF_LOGIN_AT_KEY] = now
    request.session[STAFF_LAST_ACTIVITY_KEY] = now
    request.session.set_expiry(0)


def idle_ended_message(idle_seconds: int) -> str:
    """What the next page says after a session ended for inactivity (RGAA 13.1)."""
    return _("Votre session a pris fin après %(idle)s d'inactivité. Reconnectez-vous pour continuer.") % {
        "idle": duration_in_words(idle_seconds)
    }


class RelativeSessionMiddleware:
    """Logs a relative out after the idle timeout and refreshes the timestamp (at most once a minute) on
    every other request.

    The next page after an idle timeout says so: when the server ends the session here, and when the browser
    already dropped the session's cookie (its max-age is the idle limit), which the activity mark cookie
    (RELATIVE_SESSION_MARK_COOKIE) tells. Both leave SESSION_ENDED_KEY on the new anonymous session; a
    logout deletes the mark.

    Staff sessions are StaffSessionMiddleware's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        idle = settings.RELATIVE_SESSION_IDLE_SECONDS
        now = int(time.time())
        if user is not None and user.is_authenticated and hasattr(user, "relative"):
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - int(last) > idle:
                logout(request)
                request.session[SESSION_ENDED_KEY] = idle
                response = redirect("home")
                self._forget_mark(response)
                return response
            if last is None or now - int(last) >= TOUCH_INTERVAL_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(idle)
            response = self.get_response(request)
            self._after_relative_request(request, response, stamp_before=last)
            return response
        mark = request.COOKIES.get(RELATIVE_SESSION_MARK_COOKIE)
        if mark is None:
            return self.get_response(request)
        stamp = self._mark_stamp(request)
        if stamp is not None and now - stamp >= idle - TOUCH_INTERVAL_SECONDS:
            request.session[SESSION_ENDED_KEY] = idle
        response = self.get_response(request)
        # A login in this request (FranceConnect's callback) writes its new mark, else the mark goes.
        self._after_relative_request(request, response, stamp_before=None)
        return response

    @classmethod
    def _after_relative_request(cls, request: HttpRequest, response: HttpResponse, *, stamp_before) -> None:
        """The mark follows the activity stamp (this request's, or "Prolonger ma session"'s); a logout in
        this request deletes it."""
        if not is_relative(getattr(request, "user", None)):
            cls._forget_mark(response)
            return
        stamp = request.session.get(LAST_ACTIVITY_KEY)
        if stamp is not None and (stamp != stamp_before or RELATIVE_SESSION_MARK_COOKIE not in request.COOKIES):
            # stamp_before is None after a login in this request: the old mark is replaced.
            response.set_signed_cookie(
                RELATIVE_SESSION_MARK_COOKIE, str(stamp), salt=RELATIVE_SESSION_MARK_COOKIE,
                max_age=settings.RELATIVE_SESSION_IDLE_SECONDS + SESSION_MARK_GRACE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )

    @staticmethod
    def _mark_stamp(request: HttpRequest) -> int | None:
        value = request.get_signed_cookie(RELATIVE_SESSION_MARK_COOKIE, default=None, salt=RELATIVE_SESSION_MARK_COOKIE)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    @staticmethod
    def _forget_mark(response: HttpResponse) -> None:
        response.delete_cookie(RELATIVE_SESSION_MARK_COOKIE, samesite="Lax")


def is_relative(user) -> bool:
    return bool(user is not None and user.is_authenticated and hasattr(user, "relative"))


class StaffSessionMiddleware:
    """Logs a staff member out after the idle timeout or the absolute limit, and sends them to the login
    page of where they were (/cms/ or /gestion/) with a message; refreshes the activity timestamp at most
    once a minute. A session seen without its start (opened before this middleware) starts now.

    After the view, a staff session whose cookie would outlive the browser (Wagtail's "remember me" asks
    for SESSION_COOKIE_AGE) is put back to a browser-session cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_staff_account(getattr(request, "user", None)):
            expired = self._expired(request)
            if expired:
                return self._send_to_login(request, expired)
        response = self.get_response(request)
        if is_staff_account(getattr(request, "user", None)) and not request.session.get_expire_at_browser_close():
            request.session.set_expiry(0)
        return response

    @staticmethod
    def _expired(request: HttpRequest) -> str | None:
        now = int(time.time())
        session = request.session
        started, last = session.get(STAFF_LOGIN_AT_KEY), session.get(STAFF_LAST_ACTIVITY_KEY)
        if started is None or last is None:
            session[STAFF_LOGIN_AT_KEY] = started if started is not None else now
            session[STAFF_LAST_ACTIVITY_KEY] = now
            return None
        if now - int(started) > settings.STAFF_SESSION_MAX_SECONDS:
            return _("Votre session a atteint sa durée maximale de %(limit)s. Veuillez vous reconnecter.") % {
                "limit": duration_in_words(settings.STAFF_SESSION_MAX_SECONDS)
            }
        if now - int(last) > settings.STAFF_SESSION_IDLE_SECONDS:
            return idle_ended_message(settings.STAFF_SESSION_IDLE_SECONDS)
        if now - int(last) >= TOUCH_INTERVAL_SECONDS:
            session[STAFF_LAST_ACTIVITY_KEY] = now
        return None

    @staticmethod
    def _send_to_login(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.warning(request, message)
        cms_prefix = reverse("wagtailadmin_home")
        login_url = reverse("wagtailadmin_login") if request.path.startswith(cms_prefix) else settings.LOGIN_URL
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login_url)


def duration_in_words(seconds: int) -> str:
    """``30 minutes``, ``12 heures``, ``1 heure 30 minutes``, in French."""
    hours, minutes = divmod(seconds // 60, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d heure", "%(count)d heures", hours) % {"count": hours})
    if minutes or not hours:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


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
            user = getattr(request, "user", None)
            if user is not None and is_staff_account(user) and not has_second_factor(request):
                target = reverse("second_factor:verify")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path.startswith(SECOND_FACTOR_OPEN_PATHS) or path.startswith(reverse("second_factor:verify"))
