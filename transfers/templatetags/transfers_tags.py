
from django import template
from django.utils.translation import gettext as _

from core.templatetags.relative_formats import euros
from core.text import french_spacing as spaced
from transfers.constants import staff_status_label

register = template.Library()


# ``50`` → ``50,00 €`` in the active language (core's filter: one way of showing euros on every page).
register.filter("euros", euros)


@register.filter(is_safe=True)
def french_spacing(value) -> str:
    """No-break spaces before « : », « ; », « ? », « ! » (core.text.french_spacing); use it as
    ``{% filter french_spacing %}{% translate "…" %}{% endfilter %}``."""
    return spaced(value)


@register.filter
def staff_status(status: str) -> str:
    """A transfer's status code in the back office's words (a history row has no ``staff_status_label``)."""
    return staff_status_label(status)


@register.filter
def history_actor(record) -> str:
    """Who made a history row, as the staff read it: a staff member's login, « le proche » for the relative
    (their login is FranceConnect's opaque ``sub``), « le système » for a job or the bank."""
    user = record.history_user
    if user is None:
        return str(_("le système"))
    if user.is_staff:
        return user.get_username()
    return str(_("le proche"))
