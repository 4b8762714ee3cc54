from django.template import Context, Template
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason, audit_reason, reason_label


class ExampleAuditReason(AuditReason):
    CHECKED = "example_checked", _("Vérifié par l'établissement")


def test_a_reason_is_stored_as_its_code_and_shown_as_its_label():
    stored = audit_reason(ExampleAuditReason.CHECKED)
    assert stored == "example_checked"
    assert reason_label(stored) == "Vérifié par l'établissement"


def test_a_detail_is_stored_after_the_code_and_shown_after_the_label():
    stored = audit_reason(ExampleAuditReason.CHECKED, "AC04")
    assert stored == "example_checked:AC04"
    assert reason_label(stored) == "Vérifié par l'établissement : AC04"
    assert audit_reason(ExampleAuditReason.CHECKED, "  ") == "example_checked"


def test_text_that_is_no_code_is_shown_as_it_is():
    assert reason_label("Modifié à la main") == "Modifié à la main"
    assert reason_label("") == ""
    assert reason_label(None) == ""


def test_the_history_pages_filter():
    rendered = Template("{% load audit %}{{ stored|audit_reason_label|default:'—' }}").render(
        Context({"stored": "example_checked:n° 12"})
    )
    assert rendered == "Vérifié par l&#x27;établissement : n° 12"
    empty = Template("{% load audit %}{{ stored|audit_reason_label|default:'—' }}").render(Context({"stored": None}))
    assert empty == "—"
