from decimal import Decimal

from django import template

from core.money import format_euros
from core.text import french_spacing as spaced

register = template.Library()


@register.filter
def euros(value) -> str:
    """``50`` → ``50,00 €``."""
    if value is None or value == "":
        return ""
    return format_euros(Decimal(value))


@register.filter(is_safe=True)
def french_spacing(value) -> str:
    """No-break spaces before « : », « ; », « ? », « ! » (core.text.french_spacing); use it as
    ``{% filter french_spacing %}{% translate "…" %}{% endfilter %}``."""
    return spaced(value)
