"""What the portal's two OpenID Connect clients share (FranceConnect for the relatives, ProConnect for the
staff): discovery, authorization URL, code exchange (authlib), id_token and signed userinfo verification
(joserfc), logout URL, and the pending logins kept in the browser's session."""

from .client import LoginRequest, LoginResult, OIDCClient, OIDCError, random_token
from .pending import remember_pending_login, take_pending_login

__all__ = [
    "LoginRequest", "LoginResult", "OIDCClient", "OIDCError", "random_token", "remember_pending_login",
    "take_pending_login",
]
