"""The rules' rows, one per ``RuleCode``, made with their defaults when missing: after every migrate (the
migration 0002 seeded the first ones) and after a flush (a transactional test empties every table, then Django
sends post_migrate again), like the role groups of ``accounts.roles``. A rule that exists keeps its thresholds."""

from __future__ import annotations

from django.db import connections

from core.audit import audit_reason

from .constants import RULE_DEFAULTS, MonitoringAuditReason
from .models import Rule


def seed_rules(using: str = "default", **kwargs) -> None:
    """post_migrate's receiver. The live model rather than the migration state's, so that each row gets its
    history; nothing while the table is not there (migrated back before monitoring 0001)."""
    if Rule._meta.db_table not in connections[using].introspection.table_names():
        return
    existing = set(Rule.objects.using(using).values_list("code", flat=True))
    for code, default in RULE_DEFAULTS.items():
        if code in existing:
            continue
        rule = Rule(code=code, threshold=default.threshold, window_days=default.window_days,
                    margin_percent=default.margin_percent)
        rule._change_reason = audit_reason(MonitoringAuditReason.RULE_SEEDED)
        rule.save(using=using)
