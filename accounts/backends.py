"""The authentication backend: Django's model backend, whose session user comes with the relative's
profile in the same query (every page of "Mon espace" reads both)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    """Username and password for staff (Django's checks, permissions and all), FranceConnect logins
    attach to it by name (accounts.views); ``get_user`` joins the relative profile."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("relative")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
