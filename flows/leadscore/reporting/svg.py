"""Building blocks of the report's charts: inline SVG strings, drawn in Python so the page needs
no JavaScript and fetches nothing. Values are laid out (scaled to pixels) here; the figures come
from the warehouse.

A chart is `<svg class="chart" data-chart="...">` with an accessible label; its marks are
`rect.bar` and `path.line` (each with a <title> tooltip where it says more), which is what the
page's tests count. Text given to `text` is escaped HTML already (it may hold tspans); every
other argument is plain text and escaped here.

Why not Vega-Lite (Altair, rendered to SVG by vl-convert): its SVG has neither the classes,
tooltips (<title>) nor mixed-style labels (tspans) the page and its tests read, and vl-convert
brings an 84 MB engine; see issue 18.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from typing import Any

PALETTE = {
    "bar": "#3b82f6",
    "small": "#d1d5db",
    "won": "#1e3a8a",
    "small_won": "#6b7280",
    "mql": "#f97316",
    "converted": "#2563eb",
    "not_converted": "#cbd5e1",
    "precision": "#2563eb",
    "recall": "#f59e0b",
    "f1": "#9ca3af",
    "recommended": "#16a34a",
    "current": "#dc2626",
    "volume": "#93c5fd",
    "rate": "#1e3a8a",
    "grid": "#e5e7eb",
    "target": "#f97316",
}

Point = tuple[float, float]


def escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * (1 - 1e-9))


def axis_ticks(largest: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least `largest`, about `count` steps; the last is the top."""
    step = nice_step(largest / count) if largest > 0 else 1.0
    steps = max(1, math.ceil(largest / step - 1e-9))
    return [step * index for index in range(steps + 1)]


def scale(value: float, top: float, pixels: float) -> float:
    return 0.0 if top == 0 else value / top * pixels


def chart(name: str, width: int, height: int, label: str, body: Iterable[str]) -> str:
    """The chart `name` (its data-chart), `label` its accessible name."""
    return (
        f'<svg class="chart" data-chart="{escape(name)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        + "".join(body)
        + "</svg>"
    )


def has_marks(chart: str | None) -> bool:
    """A chart with at least one bar or line: the page never shows an empty chart."""
    return chart is not None and ('<rect class="bar"' in chart or '<path class="line"' in chart)


def text(x: float, y: float, content: str, anchor: str = "start", css: str = "", rotate: float = 0) -> str:
    """An SVG text; `content` is already escaped (it may hold tspans)."""
    klass = f' class="{css}"' if css else ""
    turn = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{turn}>{content}</text>'


def line(x1: float, y1: float, x2: float, y2: float, colour: str, dash: str = "", width: float = 1) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dashed}/>'
    )


def bar(x: float, y: float, width: float, height: float, colour: str, tooltip: str, extra: str = "") -> str:
    """A bar mark; `extra` is more attributes, already escaped."""
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.5):.1f}" height="{max(height, 0.5):.1f}" '
        f'fill="{colour}" rx="2"{extra}><title>{escape(tooltip)}</title></rect>'
    )


def path(points: list[Point | None], colour: str, series: str, dash: str = "", width: float = 2) -> str:
    """One line mark; None points break the line (a value the table leaves null); nothing when
    every point is None."""
    commands, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    if not commands:
        return ""
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="line" data-series="{escape(series)}" d="{" ".join(commands)}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"{dashed}/>'
    )


def legend(x: float, y: float, items: list[tuple[str, str, str]]) -> str:
    """Swatches and labels in a row: (label, colour, 'box' or 'line' or 'dash')."""
    parts = []
    for label, colour, kind in items:
        if kind == "box":
            parts.append(
                f'<rect class="swatch" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" fill="{colour}"/>'
            )
        else:
            parts.append(line(x, y - 4, x + 12, y - 4, colour, "4 3" if kind == "dash" else "", 2))
        parts.append(text(x + 16, y, escape(label)))
        x += 28 + 6.2 * len(label)
    return "".join(parts)


def value_axis(
    left: float, width: float, top: float, height: float, ticks: list[float], label: Callable[[float], str]
) -> list[str]:
    """Horizontal grid lines at `ticks` (from the bottom up), labelled on the left."""
    parts = []
    for tick in ticks:
        y = top + height - scale(tick, ticks[-1], height)
        parts.append(line(left, y, left + width, y, PALETTE["grid"]))
        parts.append(text(left - 6, y + 4, escape(label(tick)), "end", "muted"))
    return parts
