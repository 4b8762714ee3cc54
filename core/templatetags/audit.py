from django import template

from core.audit import reason_label

register = template.Library()


@register.filter
def audit_reason_label(stored: str | None) -> str:
    """A stored audit reason (a code, maybe with a detail) in words:
    ``{{ record.history_change_reason|audit_reason_label }}``."""
    return reason_label(stored)
