"""A stand-in ProConnect: a small but real OpenID Connect provider for the staff (sandbox only)."""
