import pytest
from django.core.management import call_command

from monitoring.constants import RULE_DEFAULTS, RuleCode
from monitoring.models import Rule
from monitoring.seed import seed_rules


@pytest.mark.django_db
def test_a_missing_rule_comes_back_with_its_defaults_and_its_history():
    Rule.objects.filter(code=RuleCode.NEAR_CAP).delete()
    seed_rules()
    rule = Rule.objects.get(code=RuleCode.NEAR_CAP)
    assert (rule.threshold, rule.window_days, rule.margin_percent) == (2, 30, 5)
    assert rule.history.latest().history_change_reason == "monitoring_rule_seeded"


@pytest.mark.django_db
def test_a_rule_the_national_role_changed_keeps_its_thresholds():
    Rule.objects.filter(code=RuleCode.FREQUENT_PAIR).update(threshold=9)
    seed_rules()
    assert Rule.objects.get(code=RuleCode.FREQUENT_PAIR).threshold == 9
    assert Rule.objects.count() == len(RULE_DEFAULTS)


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_every_rule_is_there_again():
    call_command("flush", "--noinput")
    assert set(Rule.objects.values_list("code", flat=True)) == set(RULE_DEFAULTS)
