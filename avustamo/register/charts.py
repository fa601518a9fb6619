"""Charts of the register's statistics, drawn on the server as SVG: no JavaScript, nothing fetched.

Each chart is one image (role="img") named by its own <title> and <desc>; the page pairs it with a table of the
same figures, which is what assistive technology reads. Every text is escaped (format_html). Colours meet WCAG 2.1
AA on the white page: text 4.5:1 or more, bars and outlines 3:1 or more.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from avustamo.core.money import format_euros
from avustamo.core.templatetags.avustamo import number

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions" / "finland.json"

PAPER = "#ffffff"
INK = "#1a1a1a"
BAR = "#003479"
OUTLINE = "#1a1a1a"
HATCH = "#595959"
# Light to dark: the darker a region, the more it has; a hatched region has none.
SHADES = ("#deebf7", "#9ecae1", "#4a90c8", "#1c5a9e", "#0a2f63")

AMOUNT = "amount"
GRANTS = "grants"

WIDTH = 640
ROW_HEIGHT = 44
BAR_HEIGHT = 16
FONT_SIZE = 14
# Room right of the longest bar for its figure, and the longest label drawn whole (the table has every name).
FIGURE_ROOM = 150
LABEL_LENGTH = 80


@dataclass(frozen=True)
class Row:
    """One group of the statistics: a year, programme, agency or region, with its decisions and euros."""

    key: str
    label: str
    grants: int
    amount: Decimal

    def value(self, measure: str) -> Decimal:
        return Decimal(getattr(self, measure))


def figure(value, measure: str) -> str:
    return format_euros(value) if measure == AMOUNT else number(value)


def _svg_open(chart_id: str, width: int, height: int, title: str, description: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" viewBox="0 0 {w} {h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
    )


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else f"{label[: LABEL_LENGTH - 1]}…"


def bar_chart(rows: list[Row], *, chart_id: str, title: str, description: str, measure: str) -> SafeString:
    """Horizontal bars, one per row, each under its label and followed by its figure."""
    largest = max((row.value(measure) for row in rows), default=Decimal(0))
    room = WIDTH - FIGURE_ROOM
    parts = [_svg_open(chart_id, WIDTH, ROW_HEIGHT * len(rows) + 4, title, description)]
    parts.append(format_html('<g font-size="{}" fill="{}">', FONT_SIZE, INK))
    for index, row in enumerate(rows):
        top = ROW_HEIGHT * index + 4
        length = round(float(row.value(measure) / largest) * room, 1) if largest else 0
        parts.append(
            format_html(
                '<text x="0" y="{}">{}</text><rect x="0" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}">{}</text>',
                top + FONT_SIZE,
                _shortened(row.label),
                top + 20,
                length,
                BAR_HEIGHT,
                BAR,
                round(length + 6, 1),
                top + 20 + BAR_HEIGHT - 3,
                figure(row.value(measure), measure),
            )
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Shade:
    fill: str
    label: str
    swatch: SafeString


def _step(largest: Decimal) -> Decimal:
    """The smallest round whole width (1, 2, 2.5 or 5 times a power of ten) that needs no more than all shades."""
    width = max(largest / len(SHADES), Decimal(1))
    exponent = width.adjusted()
    for multiple in ("1", "2", "2.5", "5", "10"):
        step = Decimal(multiple).scaleb(exponent)
        if step >= width and step == step.to_integral_value():
            return step
    raise AssertionError("ten times the leading power of ten always suffices")


def _swatch(fill: str) -> SafeString:
    return format_html(
        '<svg class="swatch" viewBox="0 0 20 20" aria-hidden="true" focusable="false">'
        '<rect x="1" y="1" width="18" height="18" fill="{}" stroke="{}"/></svg>',
        fill,
        OUTLINE,
    )


@dataclass(frozen=True)
class Shading:
    """The map's classes: equal, round widths from zero up to the largest value, which is always darkest."""

    step: Decimal
    legend: list[Shade]

    def fill(self, value: Decimal) -> str:
        index = min(max(math.ceil(value / self.step) - 1, 0), len(self.legend) - 1)
        return self.legend[index].fill


def shading(largest: Decimal, measure: str) -> Shading:
    step = _step(largest)
    classes = max(math.ceil(largest / step), 1)
    legend = []
    for index, fill in enumerate(SHADES[-classes:]):
        low, high = figure(step * index, measure), figure(step * (index + 1), measure)
        label = _("at most %(high)s") % {"high": high} if index == 0 else f"{low} – {high}"
        legend.append(Shade(fill=fill, label=label, swatch=_swatch(fill)))
    return Shading(step=step, legend=legend)


@cache
def region_outlines() -> dict:
    return json.loads(REGIONS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class RegionMap:
    svg: SafeString
    legend: list[Shade]


def region_map(rows: list[Row], *, chart_id: str, title: str, description: str, measure: str) -> RegionMap:
    """Finland's regions shaded by their figure; regions without decisions hatched. Rows are keyed by region code."""
    outlines = region_outlines()
    by_code = {row.key: row for row in rows}
    shades = shading(max((row.value(measure) for row in rows), default=Decimal(0)), measure)
    no_data = f"{chart_id}-none"
    parts = [
        _svg_open(chart_id, outlines["width"], outlines["height"], title, description),
        format_html(
            '<defs><pattern id="{}" width="8" height="8" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="8" height="8" fill="{}"/>'
            '<line x1="0" y1="0" x2="0" y2="8" stroke="{}" stroke-width="3"/></pattern></defs>',
            no_data,
            PAPER,
            HATCH,
        ),
        format_html('<g stroke="{}" stroke-width="1" stroke-linejoin="round">', OUTLINE),
    ]
    for code, path in outlines["regions"].items():
        row = by_code.get(code)
        if row is None or not row.grants:
            fill = f"url(#{no_data})"
            name = _("%(region)s: no decisions") % {"region": row.label if row else code}
        else:
            fill = shades.fill(row.value(measure))
            name = f"{row.label}: {figure(row.value(measure), measure)}"
        parts.append(
            format_html(
                '<path id="{}-{}" d="{}" fill="{}"><title>{}</title></path>', chart_id, code, path, fill, name
            )
        )
    parts.append("</g></svg>")
    no_data_swatch = Shade(
        fill=f"url(#{no_data})", label=_("no decisions"), swatch=_swatch(f"url(#{no_data})")
    )
    return RegionMap(svg=mark_safe("".join(parts)), legend=[*shades.legend, no_data_swatch])
