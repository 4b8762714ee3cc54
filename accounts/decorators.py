"""Access decorators of the relatives' pages, shared by the apps that serve them (accounts, transfers)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .constants import SESSION_ENDED_KEY


def relative_required(view):
    """Only a logged-in relative; anyone else goes to the home page, where the FranceConnect button is."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and hasattr(user, "relative")):
            if SESSION_ENDED_KEY not in request.session:  # else the page says that the session ended
                messages.info(request, _("Identifiez-vous avec FranceConnect pour accéder à votre espace."))
            return redirect("home")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)
