"""The flows pages' chart: the amounts of each of the last twelve months as bars, with the value above each bar,
a scale in euros and the months on the axis, server-rendered SVG (the CSP forbids inline scripts) with a title
and a description for screen readers, in the house style of ``reconciliation.charts``. The same figures are in
the table beside it (templates/monitoring/_flows.html)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.money import euro_sum, format_euros
from reconciliation.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    HEIGHT,
    LEFT,
    RIGHT,
    WIDTH,
    axes_lines,
    nice_scale,
    scale_label,
    scale_lines,
)

from .selectors import MonthTotal

# The report's frame (reconciliation.charts), a little more room on top for the value above the highest bar.
TOP, BOTTOM = 28, 56


def monthly_amounts_svg(months: list[MonthTotal], *, who: str, chart_id: str = "flows-chart") -> SafeString:
    """``months``: oldest first. ``who`` names the payer or the detainee in the title."""
    count = max(len(months), 1)
    step, top = nice_scale(max([m.amount for m in months], default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count

    def y(value) -> float:
        return TOP + plot_h - float(value) / float(top) * plot_h

    title = _("Montants des virements par mois : %(who)s") % {"who": who}
    desc = _("Histogramme des montants envoyés chaque mois sur les %(count)d derniers mois ; échelle de 0 à "
             "%(top)s ; total %(total)s. Les mêmes chiffres sont dans le tableau qui suit.") % {
        "count": len(months), "top": scale_label(top), "total": format_euros(euro_sum(m.amount for m in months)),
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" class="flows-chart" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    parts += scale_lines(step=step, top=top, y=y)
    for index, month in enumerate(months):
        x = LEFT + index * slot
        name = date_format(month.month, "F Y")
        label = escape(_("%(month)s : %(amount)s (%(count)d virement(s))") % {
            "month": name, "amount": format_euros(month.amount), "count": month.count,
        })
        bar_y = y(month.amount)
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{bar_y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{TOP + plot_h - bar_y:.1f}" fill="{BAR_COLOUR}"><title>{label}</title></rect>'
        )
        if month.amount:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{bar_y - 6:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{AXIS_COLOUR}" class="chart-value">{escape(scale_label(month.amount))}</text>'
            )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" font-size="12" '
            f'fill="{AXIS_COLOUR}" class="chart-month">{escape(date_format(month.month, "m/y"))}</text>'
        )
    parts += axes_lines(top=TOP, plot_h=plot_h, x_title=_("Mois"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
