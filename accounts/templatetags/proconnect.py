"""``{% proconnect_button next %}``: ProConnect's button on the staff login pages, when PROCONNECT_ISSUER is set."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("includes/proconnect_button.html", takes_context=True)
def proconnect_button(context, next_url: str = "") -> dict:
    return {
        "enabled": bool(settings.PROCONNECT_ISSUER),
        "next_url": next_url or "",
        "csrf_token": context.get("csrf_token"),
    }
