"""The authentication backend: Django's model backend, behind django-axes' lockout check, whose session
user comes with the relative's profile in the same query (every page of "Mon espace" reads both)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(AxesStandaloneBackend, ModelBackend):
    """Username and password for staff (Django's checks, permissions and all), refused while django-axes
    holds the account or the address locked out; FranceConnect logins attach to it by name
    (accounts.views) and never pass through ``authenticate``; ``get_user`` joins the relative profile."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # A request is what a lockout is counted on: every login page passes it. Without one (a test
        # client's login(), a shell) there is no address to count, and nothing comes from the web.
        if request is not None:
            AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("relative")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
