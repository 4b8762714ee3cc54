"""The six money-flow rules with their default thresholds (monitoring.constants.RULE_DEFAULTS, as they stood
when this migration was written: a migration stays frozen)."""

from django.db import migrations
from django.utils import timezone

RULES = {
    # code: (threshold, window_days, margin_percent)
    "payer_many_detainees": (1, 30, 0),
    "detainee_many_payers": (3, 7, 0),
    "frequent_pair": (3, 7, 0),
    "near_cap": (2, 30, 5),
    "shared_account": (1, 365, 0),
    "name_mismatch": (0, 0, 0),
}


def seed(apps, schema_editor):
    Rule = apps.get_model("monitoring", "Rule")
    HistoricalRule = apps.get_model("monitoring", "HistoricalRule")
    now = timezone.now()
    for code, (threshold, window_days, margin_percent) in RULES.items():
        rule, created = Rule.objects.get_or_create(
            code=code,
            defaults={"threshold": threshold, "window_days": window_days, "margin_percent": margin_percent},
        )
        if created:
            HistoricalRule.objects.create(
                id=rule.pk, code=rule.code, enabled=rule.enabled, holds=rule.holds, threshold=rule.threshold,
                window_days=rule.window_days, margin_percent=rule.margin_percent, updated_at=rule.updated_at,
                history_date=now, history_type="+", history_change_reason="monitoring_rule_seeded",
            )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
