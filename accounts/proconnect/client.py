"""The ProConnect client: the portal's OpenID Connect client (accounts.oidc) with ProConnect's scopes, its
request for two factors and its routes."""

from __future__ import annotations

import json

from django.conf import settings

from accounts.oidc.client import OIDCClient, OIDCError

# ProConnect's identity (given_name, usual_name, email, uid, siret) and the identity provider used (idp_id).
SCOPES = "openid email given_name usual_name uid siret idp_id"


class ProConnectError(OIDCError):
    """A ProConnect login that cannot go on; ``message`` is shown to the agent (French), ``detail`` is logged."""


def two_factor_acr() -> list[str]:
    """The id_token ``acr`` values that count as two factors (PROCONNECT_TWO_FACTOR_ACR)."""
    return list(settings.PROCONNECT_TWO_FACTOR_ACR)


def is_two_factor(acr: object) -> bool:
    return isinstance(acr, str) and acr in two_factor_acr()


class ProConnectClient(OIDCClient):
    provider_name = "ProConnect"
    settings_prefix = "PROCONNECT"
    error_class = ProConnectError
    scopes = SCOPES
    # Any level is let in: one without two factors logs the agent in without the second-factor mark.
    accepted_acr = None
    callback_url_name = "accounts:proconnect_callback"
    logout_callback_url_name = "accounts:proconnect_logout_callback"

    def authorization_params(self) -> dict[str, str]:
        """Two factors asked for: ``acr_values`` and, where the provider takes the ``claims`` parameter (ProConnect
        does), an essential ``acr`` among the two-factor levels, which makes ProConnect require them."""
        levels = two_factor_acr()
        params = {"acr_values": " ".join(levels)}
        if self.metadata().get("claims_parameter_supported"):
            params["claims"] = json.dumps(
                {"id_token": {"acr": {"essential": True, "values": levels}, "amr": None}}, separators=(",", ":")
            )
        return params
