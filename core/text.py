"""Text rules shared by every app: one fold for comparing names, one cleaner for SEPA's character set.

- ``fold``: what two spellings of a name have in common for a comparison (no case, no accents):
  ``Hélène`` and ``HELENE`` fold to ``helene``. Used to match a FranceConnect identity with a permit
  (``permits.registration``), to read GENESIS values (``permits.imports``), to search the FAQ.
- ``french_spacing``: French typography for the sentences the portal builds (no-break spaces).
- ``sepa_text``: free text in the SEPA / STET restricted Latin set (``a-z A-Z 0-9 / - ? : ( ) . , ' +``
  and space), accents dropped, other characters replaced by a space, spaces collapsed, cut to a length.
  Used for the payment request's remittance and names (``transfers.psd2``) and the refunds' pain.001
  (``reconciliation.sepa``).
"""

from __future__ import annotations

import re
import unicodedata

SEPA_DISALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def fold(value: str | None) -> str:
    """``"Hélène"`` → ``"helene"``: case folded, accents and other combining marks removed."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def sepa_text(value: str | None, max_length: int) -> str:
    """``value`` in SEPA's allowed characters, spaces collapsed, cut to ``max_length`` (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode("ascii")
    cleaned = SEPA_DISALLOWED.sub(" ", ascii_text)
    return " ".join(cleaned.split())[:max_length].strip()


_SPACE_BEFORE = re.compile(r"[ \u00a0\u202f]+([:;!?»])")
_SPACE_AFTER = re.compile(r"«[ \u00a0\u202f]+")


def french_spacing(text: str) -> str:
    """French typography for the sentences the portal builds: a no-break space before « : » and inside
    guillemets, a narrow no-break space before « ; », « ! » and « ? », so that a line never starts with
    the sign (``il reste 200 € ; …`` wrapped on a phone)."""
    text = _SPACE_BEFORE.sub(lambda m: ("\u00a0" if m[1] in ":»" else "\u202f") + m[1], str(text))
    return _SPACE_AFTER.sub("«\u00a0", text)


def ascii_number(raw: object, *, max_length: int) -> int | None:
    """``raw`` (an id from a URL or a form, a count in a file) as a non-negative integer when it is ASCII digits only,
    at most ``max_length`` of them; else None. ``str.isdigit()`` alone also accepts « ¹ » (which ``int()`` refuses:
    a 500) or « ٣ », and a long run of digits exceeds ``int()``'s limit."""
    text = "" if raw is None else str(raw)
    if not text or len(text) > max_length or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
