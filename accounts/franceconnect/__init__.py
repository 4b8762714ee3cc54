"""The FranceConnect OIDC client (authorization code flow, FranceConnect v2 rules).

It relies only on the OpenID Connect standard: discovery, JWKS, signed id_token and userinfo. The same code
talks to FranceConnect and to the stand-in of sandbox/franceconnect/."""

from .client import SCOPES, FranceConnectClient, FranceConnectError, LoginRequest

__all__ = ["SCOPES", "FranceConnectClient", "FranceConnectError", "LoginRequest"]
