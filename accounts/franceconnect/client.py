"""The FranceConnect client: the portal's OpenID Connect client (accounts.oidc) with FranceConnect v2's
scopes, level (``acr_values=eidas1``) and routes."""

from __future__ import annotations

from accounts.oidc.client import LoginRequest, LoginResult, OIDCClient, OIDCError, random_token

SCOPES = "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username"
ACR_VALUES = "eidas1"
# Levels of assurance at least as strong as the one asked for.
ACCEPTED_ACR = frozenset({"eidas1", "eidas2", "eidas3"})

__all__ = ["ACR_VALUES", "SCOPES", "FranceConnectClient", "FranceConnectError", "LoginRequest", "LoginResult",
           "random_token"]


class FranceConnectError(OIDCError):
    """A FranceConnect login that cannot go on; ``message`` is shown to the user (French), ``detail`` is logged."""


class FranceConnectClient(OIDCClient):
    provider_name = "FranceConnect"
    settings_prefix = "FRANCECONNECT"
    error_class = FranceConnectError
    scopes = SCOPES
    accepted_acr = ACCEPTED_ACR
    callback_url_name = "accounts:franceconnect_callback"
    logout_callback_url_name = "accounts:logout_callback"

    def authorization_params(self) -> dict[str, str]:
        return {"acr_values": ACR_VALUES}
