"""ProConnect, the State agents' identity federation: the staff's production login (OIDC ``/api/v2``, signed
userinfo, ``acr`` for two factors). The same client talks to ProConnect and to the stand-in of
sandbox/proconnect/."""
