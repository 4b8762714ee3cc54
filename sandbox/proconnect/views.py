"""The stand-in ProConnect's endpoints: discovery, authorize (a page to pick a test agent and a level of
authentication), token, userinfo (a signed JWT), jwks and session/end (sandbox.oidc). As ProConnect
(``/api/v2``): ``state`` and ``nonce`` required, the ``claims`` parameter taken, single-use codes, client
authentication at the token endpoint."""

from __future__ import annotations

from django.http import HttpRequest

from sandbox import oidc

from .identities import ACR_CHOICES, IDENTITIES, SCOPE_CLAIMS

# The stand-in's registered client: the portal's embedded default (config.settings).
CLIENT_ID = "portail-des-proches-agents"
CLIENT_SECRET = "sandbox-agents-secret-not-for-production"


def _chosen_acr(request: HttpRequest, provider: oidc.StandinProvider) -> str | None:
    return request.POST.get("acr")


PROVIDER = oidc.StandinProvider(
    name="proconnect",
    title="ProConnect (simulation)",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    identities=IDENTITIES,
    scope_claims=SCOPE_CLAIMS,
    supported_acr=tuple(ACR_CHOICES),
    template="sandbox/proconnect_authorize.html",
    chosen_acr=_chosen_acr,
    claims_parameter_supported=True,
    acr_labels=ACR_CHOICES,
)
