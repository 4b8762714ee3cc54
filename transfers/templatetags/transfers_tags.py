from decimal import Decimal

from django import template

from transfers.formats import format_euros

register = template.Library()


@register.filter
def euros(value) -> str:
    """``50`` → ``50,00 €``."""
    if value is None or value == "":
        return ""
    return format_euros(Decimal(value))
