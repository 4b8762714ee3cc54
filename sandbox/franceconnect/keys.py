"""The stand-in's signing key: an RSA key (RS256), generated and stored in the database on first use."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from joserfc.jwk import RSAKey

from sandbox.models import FranceConnectKey

KEY_NAME = "franceconnect"
ALGORITHM = "RS256"
_imported: dict[str, RSAKey] = {}


def signing_key() -> tuple[RSAKey, str]:
    stored = FranceConnectKey.objects.filter(name=KEY_NAME).first()
    if stored is None:
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True)
        try:
            with transaction.atomic():
                stored = FranceConnectKey.objects.create(
                    name=KEY_NAME, kid=key.kid, algorithm=ALGORITHM, private_jwk=key.as_dict(private=True)
                )
        except IntegrityError:  # generated meanwhile by another request
            stored = FranceConnectKey.objects.get(name=KEY_NAME)
    key = _imported.get(stored.kid)
    if key is None:  # importing a private RSA key checks it, which takes ~0.1 s: once per process
        key = _imported[stored.kid] = RSAKey.import_key(stored.private_jwk)
    return key, stored.kid


def public_jwks() -> dict:
    key, kid = signing_key()
    public = key.as_dict(private=False)
    public.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": [public]}
