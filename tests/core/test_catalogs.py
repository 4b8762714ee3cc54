"""The relatives' catalogs (core.catalogs): every text a relative can read has its English and Arabic
translation, none fuzzy, each accepted by msgfmt (placeholders kept). This test is the CI's check."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from core import catalogs


def test_every_text_a_relative_can_read_is_translated():
    problems = catalogs.check()
    assert not problems, "\n".join(
        f"[{p.language}] non traduits : {p.untranslated[:10]} ; fuzzy : {p.fuzzy[:10]} ; msgfmt : {p.invalid}"
        for p in problems
    )


def _copy_locale(tmp_path: Path) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.LOCALE_PATHS[0]), copy)
    return copy


def _edit(po: Path, old: str, new: str) -> None:
    text = po.read_text()
    assert old in text
    po.write_text(text.replace(old, new, 1))


def test_a_missing_translation_fails_the_check_and_names_the_text(tmp_path, capsys):
    copy = _copy_locale(tmp_path)
    _edit(catalogs.catalog_path(copy, "en"), 'msgstr "This language is not available on the portal."',
          'msgstr ""')
    with override_settings(LOCALE_PATHS=[str(copy)]), pytest.raises(CommandError):
        call_command("catalogs", "check")
    out = capsys.readouterr().out
    assert "[en] non traduit : Cette langue n'est pas proposée sur le portail." in out
    assert "[ar]" not in out


def test_a_fuzzy_translation_fails_the_check(tmp_path):
    copy = _copy_locale(tmp_path)
    po = catalogs.catalog_path(copy, "ar")
    _edit(po, 'msgid "Cette langue n\'est pas proposée sur le portail."',
          '#, fuzzy\nmsgid "Cette langue n\'est pas proposée sur le portail."')
    with override_settings(LOCALE_PATHS=[str(copy)]):
        problems = catalogs.check()
    assert [(p.language, p.fuzzy) for p in problems] == [("ar", ["Cette langue n'est pas proposée sur le portail."])]


def test_a_translation_that_lost_its_placeholder_is_refused(tmp_path):
    copy = _copy_locale(tmp_path)
    po = catalogs.catalog_path(copy, "en")
    text = po.read_text()
    start = text.index('msgid "Bonjour %(name)s, vous êtes connecté(e)."')
    end = text.index("\n\n", start)
    entry = text[start:end]
    po.write_text(text[:start] + 'msgid "Bonjour %(name)s, vous êtes connecté(e)."\nmsgstr "Hello, you are signed in."'
                  + text[end:])
    assert "%(name)s" in entry
    with override_settings(LOCALE_PATHS=[str(copy)]):
        problems = catalogs.check()
    assert problems and problems[0].language == "en" and "name" in problems[0].invalid


def test_staff_pages_are_not_read_into_the_catalogs():
    text = catalogs.catalog_path(Path(settings.LOCALE_PATHS[0]), "en").read_text()
    assert "#: reconciliation/" not in text and "#: monitoring/" not in text and "#: sandbox/" not in text
    assert "#: templates/visits/staff/" not in text


def test_a_new_language_starts_with_its_catalog_and_is_refused_until_translated(tmp_path, capsys):
    copy = _copy_locale(tmp_path)
    with override_settings(LOCALE_PATHS=[str(copy)]):
        call_command("catalogs", "extract", "--add", "es")
    po = catalogs.catalog_path(copy, "es")
    assert po.exists() and 'msgid "Cette langue n\'est pas proposée sur le portail."' in po.read_text()
    with override_settings(LOCALE_PATHS=[str(copy)], LANGUAGES=[*settings.LANGUAGES, ("es", "español")]):
        problems = catalogs.check()
    assert [p.language for p in problems] == ["es"]


def test_an_unknown_language_code_is_refused(tmp_path):
    copy = _copy_locale(tmp_path)
    with override_settings(LOCALE_PATHS=[str(copy)]), pytest.raises(CommandError, match="Code de langue inconnu"):
        call_command("catalogs", "extract", "--add", "zz")
    assert not (copy / "zz").exists()
