"""A stand-in FranceConnect: a small but real OpenID Connect provider (sandbox only)."""
