"""The relatives' languages: which texts are theirs, their catalogs (``locale/<lang>/LC_MESSAGES/django.po``) and
the check that none of them is missing a translation.

The convention (docs/architecture.md): French is the source. Every text a relative can read is marked for
translation with its French wording as the msgid (``gettext("Envoyer de l'argent")``, ``{% translate %}``); a
language's catalog gives each one its translation. Staff pages stay French: their files are not read into the
catalogs (``STAFF_ONLY``), so a text marked in them (a model's ``verbose_name``) simply shows its French msgid.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages

# Never read into the catalogs: the staff's pages and tools, the stand-ins of the outside world (they speak their
# own language: French), the tests, benchmarks and scripts, and what is not the portal's code.
STAFF_ONLY = (
    "reconciliation/*", "monitoring/*", "sandbox/*",
    "templates/reconciliation/*", "templates/monitoring/*", "templates/sandbox/*", "templates/admin/*",
    "templates/simple_history/*", "templates/wagtailadmin/*", "templates/visits/staff/*",
    "templates/accounts/second_factor/*", "templates/accounts/lockout*", "templates/accounts/proconnect_error.html",
    "templates/includes/proconnect_button.html",
    "*/admin.py", "*/admin_*.py", "*/forms_staff.py", "*/staff_views.py", "*/staff_urls.py",
    "accounts/second_factor*", "accounts/passkey_views.py", "accounts/proconnect/*", "accounts/password_reset.py",
    "accounts/lockouts.py", "permits/imports/*", "*/management/*", "*/migrations/*",
)
NOT_CODE = (
    "locale", ".venv", "node_modules", "tests", "bench", "scripts", "build", "artifacts", "docs", "static",
    "staticfiles", "media", ".git",
)
IGNORED = STAFF_ONLY + NOT_CODE


def translated_languages() -> list[str]:
    """The relatives' languages other than the source (French): those that have a catalog."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog_path(locale_dir: Path, language: str) -> Path:
    return Path(locale_dir) / language / "LC_MESSAGES" / "django.po"


@contextmanager
def _in_project():
    here = os.getcwd()
    os.chdir(settings.BASE_DIR)
    try:
        yield
    finally:
        os.chdir(here)


class _Makemessages(makemessages.Command):
    """Django's makemessages writing every text into one locale folder, ``target`` (makemessages would pick the
    project's locale/ for the project's files, even when LOCALE_PATHS names another: the check extracts into a
    copy)."""

    def __init__(self, target: Path):
        super().__init__()
        self.target = str(target)

    def find_files(self, root):
        self.locale_paths, self.default_locale_path = [self.target], self.target
        files = super().find_files(root)
        self.locale_paths = [self.target]
        for found in files:
            found.locale_dir = self.target
        return files


def extract(locale_dir: Path | None = None, languages: list[str] | None = None) -> None:
    """Reads the relatives' texts into each language's catalog (new texts added untranslated, gone ones
    dropped, the translations kept): Django's makemessages over the portal's files but ``IGNORED``."""
    locale_dir = Path(locale_dir or settings.LOCALE_PATHS[0])
    with _in_project():
        call_command(
            _Makemessages(locale_dir), locale=languages or translated_languages(), domain="django",
            ignore_patterns=list(IGNORED), no_obsolete=True, add_location="file", verbosity=0,
        )


@dataclass
class CatalogProblems:
    language: str
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    invalid: str = ""

    def __bool__(self) -> bool:
        return bool(self.untranslated or self.fuzzy or self.invalid)


def _msgids(po_text: str) -> list[str]:
    """The msgids of a .po text (header left out), each as one line."""
    ids, current, reading = [], [], False
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            current, reading = [line[6:]], True
        elif reading and line.startswith('"'):
            current.append(line)
        else:
            if reading:
                text = "".join(part.strip()[1:-1] for part in current)
                if text:
                    ids.append(text)
            reading = False
    return ids


def _msgattrib(po: Path, *flags: str) -> list[str]:
    out = subprocess.run(["msgattrib", "--no-obsolete", *flags, str(po)], capture_output=True, text=True, check=True)
    return _msgids(out.stdout)


def check() -> list[CatalogProblems]:
    """Each language's problems, on a fresh reading of the relatives' texts (in a copy of ``locale/``): a text
    that its catalog lacks or leaves untranslated, a fuzzy translation, a catalog that msgfmt refuses (a
    placeholder such as ``%(amount)s`` lost or changed). Empty when every catalog is complete."""
    source = Path(settings.LOCALE_PATHS[0])
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "locale"
        shutil.copytree(source, copy)
        extract(copy)
        for language in translated_languages():
            po = catalog_path(copy, language)
            found = CatalogProblems(language)
            found.untranslated = _msgattrib(po, "--untranslated")
            found.fuzzy = _msgattrib(po, "--only-fuzzy")
            result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(catalog_path(source, language))],
                                    capture_output=True, text=True)
            found.invalid = result.stderr.strip() if result.returncode else ""
            problems.append(found)
    return [found for found in problems if found]
