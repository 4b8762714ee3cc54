"""Does the name a payer's bank gives (camt ``Dbtr/Nm``) fit a relative's FranceConnect identity?

Banks write the account holder's name their own way: upper case, without accents, family name first or
last, with a civility, « M OU MME » for a joint account, « EPOUSE » / « NEE », initials for the other first
names, cut at 70 or 140 characters. The rule: once civilities and joint-account words are set aside, the
family name (or the usage name) must be there, and every other word must be one of the relative's first
names, the initial of one, or — the holder's last word, cut by the bank — the first letters (at least 3)
of one."""

from __future__ import annotations

import re

from core.text import fold

# Words that say nothing of who holds the account (folded): civilities, joint-account and marriage words.
IGNORED_WORDS = frozenset({
    "m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "ou", "et", "epouse", "ep", "nee", "ne",
})
# A truncated first name keeps at least this many letters to be recognised.
MIN_PREFIX = 3

_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


def _words(value: str) -> list[str]:
    """``"Le Gall-d'Arc"`` → ``["le", "gall", "d", "arc"]``: folded, split on anything but letters and digits."""
    return [word for word in _NOT_LETTERS.split(fold(value)) if word]


def _remove_name(words: list[str], name: str) -> list[str] | None:
    """``words`` without the run of consecutive words spelling ``name`` (spaces, hyphens and apostrophes
    ignored: « LE GALL » is « LEGALL »), or None when ``name`` is not there."""
    target = "".join(_words(name))
    if not target:
        return None
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += words[end]
            if joined == target:
                return words[:start] + words[end + 1:]
            if not target.startswith(joined):
                break
    return None


def holder_matches(holder_name: str, *, given_names: str, family_name: str, usage_name: str = "") -> bool:
    """True when ``holder_name`` may be the relative (``given_names`` « Angela Claire Louise »,
    ``family_name`` the birth name, ``usage_name`` FranceConnect's ``preferred_username``). An empty holder
    name gives nothing to compare: it matches (no alert on a missing name)."""
    words = [word for word in _words(holder_name) if word not in IGNORED_WORDS]
    if not words:
        return True
    found = False
    # The usage name first: it often contains the birth name (« DUBOIS-MARTIN »).
    for name in (usage_name, family_name):
        if not name:
            continue
        rest = _remove_name(words, name)
        if rest is not None:
            words, found = rest, True
    if not found:
        return False
    first_names = set(_words(given_names))
    last = len(words) - 1
    for position, word in enumerate(words):
        if word in first_names:
            continue
        if len(word) == 1 and any(name.startswith(word) for name in first_names):
            continue
        if position == last and len(word) >= MIN_PREFIX and any(name.startswith(word) for name in first_names):
            continue
        return False
    return True
