"""Receivers of the login signals: a staff session's start (every login path sends ``user_logged_in``),
and django-axes' lockouts recorded for the auditors."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import start_staff_session
from .services import record_staff_lockout


@receiver(user_logged_in, dispatch_uid="accounts.start_staff_session")
def _start_staff_session(sender, request, user, **kwargs) -> None:
    start_staff_session(request, user)


@receiver(user_locked_out, dispatch_uid="accounts.record_staff_lockout")
def _record_staff_lockout(sender, request, username=None, ip_address=None, **kwargs) -> None:
    record_staff_lockout(
        username=username, ip_address=ip_address, path=getattr(request, "path", ""),
        failures=getattr(request, "axes_failures_since_start", None),
    )
