"""Staff logged in by a test as they would be after the login page and its second factor."""

from __future__ import annotations

from django.test import Client

from accounts.second_factor import SECOND_FACTOR_SESSION_KEY, SecondFactorMethod


def login_staff(client: Client, user, *, method: SecondFactorMethod = SecondFactorMethod.TOTP) -> Client:
    """Log ``user`` in on ``client`` with their second factor passed (by ``method``); returns the client."""
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = SecondFactorMethod(method).value
    session.save()
    return client


def client_for(user, *, method: SecondFactorMethod = SecondFactorMethod.TOTP) -> Client:
    """A new client with ``user`` logged in and their second factor passed."""
    return login_staff(Client(), user, method=method)
