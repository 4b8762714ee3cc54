"""The session's end said to the user (RGAA 13.1):

- ``{% session_warning %}`` (public pages) and ``{% session_warning "gestion" %}`` (the back office): the
  dialog "Votre session va bientôt prendre fin" with "Prolonger ma session" and "Me déconnecter", given the
  seconds left by its data attributes; static/js/session-warning.js opens it SESSION_WARNING_SECONDS before
  the end. Nothing for an anonymous visitor.
- ``{% session_ended_notice %}``: on the page after a session ended for inactivity, the notice that says so."""

from django import template
from django.urls import reverse

from accounts.constants import SESSION_WARNING_SECONDS
from accounts.middleware import idle_ended_message
from accounts.selectors import session_seconds_left
from accounts.services import take_session_ended_notice

register = template.Library()


@register.inclusion_tag("includes/session_warning.html", takes_context=True)
def session_warning(context, variant: str = "portail") -> dict:
    request = context.get("request")
    seconds_left = session_seconds_left(request) if request is not None else None
    if seconds_left is None:
        return {"enabled": False}
    is_relative = hasattr(request.user, "relative")
    return {
        "enabled": True,
        "variant": variant,
        "seconds_left": seconds_left,
        "warning_seconds": SESSION_WARNING_SECONDS,
        "extend_url": reverse("accounts:extend_session"),
        "logout_url": reverse("accounts:logout") if is_relative else reverse("admin:logout"),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("includes/session_ended.html", takes_context=True)
def session_ended_notice(context) -> dict:
    request = context.get("request")
    idle = take_session_ended_notice(request=request) if request is not None else None
    return {"message": idle_ended_message(idle) if idle else ""}
