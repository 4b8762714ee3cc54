"""A transfer's public reference, in one place: unguessable, also the SEPA EndToEndId (≤ 35 characters,
A–Z and 0–9 only), found again in a statement's remittance text and shown to people in groups.

``PDP`` then 20 characters of an alphabet without I, O, 0 and 1 (easy to read out): 100 bits."""

from __future__ import annotations

import re
import secrets

PREFIX = "PDP"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RANDOM_LENGTH = 20
LENGTH = len(PREFIX) + RANDOM_LENGTH
# Shown as the prefix, then groups of this many characters.
GROUP_SIZE = 4

# A reference as the portal writes it, wherever it stands in a text (a statement's remittance).
REFERENCE_PATTERN = re.compile(re.escape(PREFIX) + "[" + re.escape(ALPHABET) + "]{" + str(RANDOM_LENGTH) + "}")


def new_reference() -> str:
    """An unguessable public reference, valid as a SEPA EndToEndId."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


def format_reference(reference: str) -> str:
    """A transfer's reference in readable groups, for display only (the stored reference, which is also
    the bank's EndToEndId, never changes): ``PDP4F7K9Q2M…`` → ``PDP 4F7K 9Q2M …`` (the prefix, then
    groups of four)."""
    text = (reference or "").strip()
    head, rest = (PREFIX, text[len(PREFIX):]) if text.startswith(PREFIX) else ("", text)
    groups = [rest[i:i + GROUP_SIZE] for i in range(0, len(rest), GROUP_SIZE)]
    return " ".join(part for part in [head, *groups] if part)
