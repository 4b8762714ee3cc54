"""The stand-in FranceConnect's endpoints: discovery, authorize (a page to pick a test identity), token,
userinfo (a signed JWT), jwks and session/end (sandbox.oidc). It follows FranceConnect v2's rules: ``state``
and ``nonce`` required, ``acr_values=eidas1``, single-use codes, client authentication at the token
endpoint."""

from __future__ import annotations

from sandbox import oidc

from .identities import IDENTITIES, SCOPE_CLAIMS

# The stand-in's registered client: the portal's embedded default (config.settings).
CLIENT_ID = "portail-des-proches-sandbox"
CLIENT_SECRET = "sandbox-secret-not-for-production"

PROVIDER = oidc.StandinProvider(
    name="franceconnect",
    title="FranceConnect (simulation)",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    identities=IDENTITIES,
    scope_claims=SCOPE_CLAIMS,
    supported_acr=("eidas1",),
    template="sandbox/franceconnect_authorize.html",
)
