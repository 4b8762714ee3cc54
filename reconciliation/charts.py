"""The daily report's chart: the amounts received (bars) and credited (points) of the last 30 days, as a
server-rendered SVG (no script: the CSP forbids inline ones), with its axes, a scale in euros, a margin
round the plot so that no point is cut off, and a title and description for screen readers. The same
figures are in the table beside it (templates/reconciliation/report.html)."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.money import euro_sum, format_euros

from .selectors import duration_words

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 96, 24, 24, 56  # room for the scale, the day labels, the axis titles, the points
TICKS = 5
POINT_RADIUS = 4
BAR_COLOUR, POINT_COLOUR, AXIS_COLOUR, GRID_COLOUR = "#000091", "#18753c", "#161616", "#dddddd"


def nice_scale(peak: Decimal, ticks: int = TICKS) -> tuple[Decimal, Decimal]:
    """A round step (1, 2 or 5 × 10ⁿ euros) and the top of the scale (a multiple of it ≥ ``peak``)."""
    if peak <= 0:
        return Decimal(10), Decimal(10) * ticks
    raw = float(peak) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step_dec = Decimal(str(step)) if step >= 1 else Decimal(1)
    top = step_dec * math.ceil(peak / step_dec)
    return step_dec, max(top, step_dec)


def scale_label(value: Decimal) -> str:
    """``1000`` → ``1 000 €`` (no cents on the scale's round values)."""
    text = format_euros(value)
    return text.replace(",00\u00a0€", "\u00a0€")


def scale_lines(
    *, step: Decimal, top: Decimal, y: Callable[[Decimal], float], label: Callable[[Decimal], str] = scale_label
) -> list[str]:
    """The scale: a grid line and its value at each step, from 0 to ``top``; ``y`` places a value, ``label`` writes
    it (euros by default)."""
    parts = []
    for index in range(int(top / step) + 1):
        value = step * index
        ty = y(value)
        parts.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="{GRID_COLOUR}"/>')
        parts.append(
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="12" fill="{AXIS_COLOUR}" '
            f'class="chart-tick">{escape(label(value))}</text>'
        )
    return parts


def axes_lines(*, top: int, plot_h: float, x_title: str, y_title: str | None = None) -> list[str]:
    """The two axes from ``top`` down ``plot_h``, the x axis titled ``x_title``, the y axis ``y_title`` (by default
    « Montant en euros »)."""
    plot_w = WIDTH - LEFT - RIGHT
    return [
        f'<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}" class="chart-axis"/>',
        f'<line x1="{LEFT}" y1="{top + plot_h}" x2="{WIDTH - RIGHT}" y2="{top + plot_h}" stroke="{AXIS_COLOUR}" '
        f'class="chart-axis"/>',
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="12" '
        f'fill="{AXIS_COLOUR}" class="chart-axis-title">{escape(x_title)}</text>',
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="{AXIS_COLOUR}" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})" class="chart-axis-title">'
        f'{escape(y_title or _("Montant en euros"))}</text>',
    ]


def daily_amounts_svg(series: list[dict], *, title_id: str = "chart-title", desc_id: str = "chart-desc") -> SafeString:
    """``series``: one dict a day, ``day``, ``received``, ``credited`` (Decimal euros), oldest first."""
    count = max(len(series), 1)
    peak = max([p["received"] for p in series] + [p["credited"] for p in series] + [Decimal(0)])
    step, top = nice_scale(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count

    def y(value: Decimal) -> float:
        return TOP + plot_h - float(value) / float(top) * plot_h

    received = euro_sum(p["received"] for p in series)
    credited = euro_sum(p["credited"] for p in series)
    first, last = (series[0]["day"], series[-1]["day"]) if series else (None, None)
    title = _("Montants reçus et versés par jour, du %(first)s au %(last)s") % {
        "first": f"{first:%d/%m/%Y}" if first else "—", "last": f"{last:%d/%m/%Y}" if last else "—",
    }
    desc = _(
        "Histogramme des montants reçus (crédits des relevés) et points des montants versés sur les pécules, "
        "jour par jour ; échelle de 0 à %(top)s. Total reçu : %(received)s ; total versé : %(credited)s. "
        "Les mêmes chiffres sont dans le tableau qui suit."
    ) % {"top": scale_label(top), "received": format_euros(received), "credited": format_euros(credited)}

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" class="report-chart" '
        f'role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    parts += scale_lines(step=step, top=top, y=y)
    # The bars (received) and points (credited), each with its figures as a tooltip.
    for index, point in enumerate(series):
        x = LEFT + index * slot
        label = escape(
            _("%(day)s : reçu %(received)s, versé %(credited)s") % {
                "day": f"{point['day']:%d/%m}", "received": format_euros(point["received"]),
                "credited": format_euros(point["credited"]),
            }
        )
        bar_y = y(point["received"])
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{bar_y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{TOP + plot_h - bar_y:.1f}" fill="{BAR_COLOUR}"><title>{label}</title></rect>'
        )
        parts.append(
            f'<circle cx="{x + slot / 2:.1f}" cy="{y(point["credited"]):.1f}" r="{POINT_RADIUS}" fill="{POINT_COLOUR}" '
            f'stroke="#ffffff" stroke-width="1.5" class="chart-point"><title>{label}</title></circle>'
        )
        if index % 5 == 0 or index == len(series) - 1:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" font-size="12" '
                f'fill="{AXIS_COLOUR}" class="chart-day">{point["day"]:%d/%m}</text>'
            )
    parts += axes_lines(top=TOP, plot_h=plot_h, x_title=_("Jour"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


MEDIAN_COLOUR, P90_COLOUR = "#000091", "#b34000"


def credit_delay_svg(series: list[dict], *, title_id: str = "delay-chart-title",
                     desc_id: str = "delay-chart-desc") -> SafeString:
    """The time from payment to credit, day by day: the median (blue circles, joined) and the 90th percentile
    (orange squares, joined by a dashed line); a day with no transfer credited has no point. ``series``: one dict a
    day, ``day``, ``count``, ``median``, ``p90`` (seconds or None), oldest first. The scale is in minutes, read as
    « 1 h 30 »; the same figures are in the table that follows it (templates/reconciliation/report.html)."""
    count = max(len(series), 1)
    peak_minutes = max([(p["p90"] or 0) / 60 for p in series] + [(p["median"] or 0) / 60 for p in series] + [0])
    step, top = nice_scale(Decimal(str(round(peak_minutes, 2))))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / count

    def y(minutes) -> float:
        return TOP + plot_h - float(minutes) / float(top) * plot_h

    first, last = (series[0]["day"], series[-1]["day"]) if series else (None, None)
    title = _("Délai entre le paiement et le versement, jour par jour, du %(first)s au %(last)s") % {
        "first": f"{first:%d/%m/%Y}" if first else "—", "last": f"{last:%d/%m/%Y}" if last else "—",
    }
    days_with = sum(1 for p in series if p["count"])
    desc = _(
        "Courbe du délai médian (ronds bleus) et du délai en dessous duquel sont versés 9 virements sur 10 "
        "(carrés orange, trait pointillé), pour les %(n)s jours où des virements ont été versés ; échelle de 0 à "
        "%(top)s. Les mêmes chiffres sont dans le tableau qui suit."
    ) % {"n": days_with, "top": duration_words(float(top) * 60)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" class="report-chart" '
        f'role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    parts += scale_lines(step=step, top=top, y=y, label=lambda value: duration_words(float(value) * 60))
    for key, colour, dash in (("median", MEDIAN_COLOUR, ""), ("p90", P90_COLOUR, ' stroke-dasharray="6 4"')):
        points = [(LEFT + i * slot + slot / 2, y(p[key] / 60)) for i, p in enumerate(series) if p[key] is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    for index, point in enumerate(series):
        if not point["count"]:
            continue
        cx = LEFT + index * slot + slot / 2
        label = escape(_("%(day)s : médiane %(median)s, 9 sur 10 en moins de %(p90)s (%(n)s virement(s))") % {
            "day": f"{point['day']:%d/%m}", "median": duration_words(point["median"]),
            "p90": duration_words(point["p90"]), "n": point["count"],
        })
        my, py = y(point["median"] / 60), y(point["p90"] / 60)
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{my:.1f}" r="{POINT_RADIUS}" fill="{MEDIAN_COLOUR}" stroke="#ffffff" '
            f'stroke-width="1.5" class="chart-point chart-median"><title>{label}</title></circle>'
        )
        parts.append(
            f'<rect x="{cx - POINT_RADIUS:.1f}" y="{py - POINT_RADIUS:.1f}" width="{2 * POINT_RADIUS}" '
            f'height="{2 * POINT_RADIUS}" fill="{P90_COLOUR}" stroke="#ffffff" stroke-width="1.5" '
            f'class="chart-point chart-p90"><title>{label}</title></rect>'
        )
    for index, point in enumerate(series):
        if index % 5 == 0 or index == len(series) - 1:
            parts.append(
                f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
                f'font-size="12" fill="{AXIS_COLOUR}" class="chart-day">{point["day"]:%d/%m}</text>'
            )
    parts += axes_lines(top=TOP, plot_h=plot_h, x_title=_("Jour"), y_title=_("Délai"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
