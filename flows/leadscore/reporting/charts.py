"""The report's charts, one function each, from the rows the page reads (report_data.py): each
gives the chart's SVG (see svg.py), or None when there is nothing to draw.

    segment_chart       conversion by segment: lead->SQL and lead->won bars, MQL->SQL diamonds
    distribution_chart  score bands of past scores that converted vs not
    calibration_chart   precision, recall and F1 against the MQL threshold
    reliability_chart   predicted against observed conversion per score decile
    velocity_chart      weekly new MQLs and their MQL->SQL rate
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from leadscore.reporting import formatting as fmt
from leadscore.reporting import svg
from leadscore.reporting.report_data import Row, recommended_threshold

SEGMENTS_PER_CHART = 15


def segment_chart(dimension: str, rows: list[Row], target: float | None) -> str | None:
    """Horizontal bars of the lead->SQL rate per segment with the lead->won rate as the bar's dark
    part (won leads are SQLs too), the MQL->SQL rate as a diamond where the segment has MQLs, and
    figures beside each bar. Leads, SQLs and won need no MQL, so every segment with leads has a
    bar; None without segments."""
    rows = sorted(rows[:SEGMENTS_PER_CHART], key=_by_rate)
    if not rows:
        return None
    mql_rates = [float(row["mql_to_sql_rate"]) for row in rows if row["mql_to_sql_rate"] is not None]
    target = target if mql_rates else None  # a target MQL->SQL rate means nothing without MQLs
    rates = [float(row["lead_to_sql_rate"] or 0) for row in rows] + mql_rates + ([target] if target else [])
    label_width, bar_width, row_height, top = 130, 190, 22, 22
    width, height = label_width + bar_width + 300, top + row_height * len(rows) + 22
    ticks = svg.axis_ticks(max(rates))
    body = _rate_axis(label_width, bar_width, top, height - 20, ticks)
    for index, row in enumerate(rows):
        body.append(_segment_row(row, top + index * row_height, label_width, bar_width, ticks[-1]))
    if target:
        x = label_width + svg.scale(target, ticks[-1], bar_width)
        body.append(svg.line(x, top - 4, x, height - 20, svg.PALETTE["target"], "4 3", 1.5))
        body.append(svg.text(x, top - 8, f"MQL→SQL target {svg.escape(fmt.pct_tick(target))}", "middle", "target"))
    return svg.chart(f"conversion-{dimension}", width, height, f"Lead to SQL and won rates by {dimension}", body)


def _by_rate(row: Row) -> tuple[float, float, str]:
    """Highest lead->SQL rate first, then the highest lead->won rate."""
    return -float(row["lead_to_sql_rate"] or 0), -float(row["lead_to_won_rate"] or 0), str(row["segment_value"])


def _rate_axis(left: float, width: float, top: float, bottom: float, ticks: list[float]) -> list[str]:
    parts = []
    for tick in ticks:
        x = left + svg.scale(tick, ticks[-1], width)
        parts.append(svg.line(x, top - 2, x, bottom, svg.PALETTE["grid"]))
        parts.append(svg.text(x, bottom + 13, svg.escape(fmt.pct_tick(tick)), "middle", "muted"))
    return parts


def _segment_row(row: Row, y: float, label_width: float, bar_width: float, axis_top: float) -> str:
    value, small = str(row["segment_value"]), bool(row["is_small_segment"])
    sql_rate, won_rate, mql_rate = row["lead_to_sql_rate"], row["lead_to_won_rate"], row["mql_to_sql_rate"]
    counts = f"{fmt.plural(row['leads'], 'lead')}: {fmt.plural(row['sqls'], 'SQL')}, {fmt.count(row['won'])} won"
    days = (
        f"median days from creation: {fmt.days(row['median_days_lead_to_sql'])} to SQL, "
        f"{fmt.days(row['median_days_lead_to_won'])} to won"
    )
    mqls = f"{fmt.plural(row['mqls'], 'MQL')}, MQL→SQL {fmt.pct(mql_rate)}" if row["mqls"] else "no MQLs"
    parts = [f"<g><title>{svg.escape(value)}: {svg.escape(counts)}; {svg.escape(mqls)}; {svg.escape(days)}</title>"]
    parts.append(svg.text(label_width - 8, y + 14, svg.escape(fmt.short(value, 20)), "end", "muted" if small else ""))
    extra = f' data-small="{str(small).lower()}"'
    length = svg.scale(float(sql_rate or 0), axis_top, bar_width)
    colour = svg.PALETTE["small"] if small else svg.PALETTE["bar"]
    parts.append(
        svg.bar(label_width, y + 4, length, 14, colour, f"{value}: lead→SQL {fmt.pct(sql_rate)} ({counts})", extra)
    )
    if won_rate:
        won_length = svg.scale(float(won_rate), axis_top, bar_width)
        won_colour = svg.PALETTE["small_won"] if small else svg.PALETTE["won"]
        parts.append(
            svg.bar(label_width, y + 4, won_length, 14, won_colour, f"{value}: lead→won {fmt.pct(won_rate)}", extra)
        )
    if mql_rate is not None:
        x, middle = label_width + svg.scale(float(mql_rate), axis_top, bar_width), y + 11
        parts.append(
            f'<path class="marker" data-series="mql_to_sql_rate" d="M{x:.1f},{middle - 6:.1f} L{x + 5:.1f},{middle:.1f} '
            f'L{x:.1f},{middle + 6:.1f} L{x - 5:.1f},{middle:.1f} Z" fill="{svg.PALETTE["mql"]}" stroke="#fff">'
            f"<title>{svg.escape(value)}: MQL→SQL {svg.escape(fmt.pct(mql_rate))} ({svg.escape(fmt.plural(row['mqls'], 'MQL'))})</title></path>"
        )
    figure = (
        f'<tspan class="strong">{svg.escape(fmt.pct(sql_rate))}</tspan> SQL · {svg.escape(fmt.pct(won_rate))} won · '
        f"{svg.escape(fmt.plural(row['leads'], 'lead'))}"
    )
    if row["median_days_lead_to_sql"] is not None:
        figure += f" · {svg.escape(fmt.days(row['median_days_lead_to_sql']))} to SQL"
    if small:
        figure += '  <tspan class="tag">small</tspan>'
    parts.append(svg.text(label_width + bar_width + 10, y + 14, figure))
    return "".join(parts) + "</g>"


def distribution_chart(model_id: str, bands: list[Row]) -> str | None:
    """Score bands of observations that converted vs not, each series as a share of its total."""
    if not any(row["observations"] for row in bands):
        return None
    width, left, right, top, plot_height = 540, 44, 10, 40, 170
    plot_width = width - left - right
    group = plot_width / len(bands)
    rotate = group < 46  # band labels would touch: tilt them
    height = top + plot_height + (50 if rotate else 24)
    shares = [float(row[key] or 0) for row in bands for key in ("share_of_conversions", "share_of_non_conversions")]
    ticks = svg.axis_ticks(max(shares))
    body = svg.value_axis(left, plot_width, top, plot_height, ticks, fmt.pct_tick)
    for index, row in enumerate(bands):
        body.append(_band_group(row, left + index * group, group, top + plot_height, plot_height, ticks[-1], rotate))
    legend = [("converted", svg.PALETTE["converted"], "box"), ("not converted", svg.PALETTE["not_converted"], "box")]
    body.append(svg.legend(left, 14, legend))
    body.append(svg.text(width - right, 14, "above the bars: the band's conversion rate", "end", "muted"))
    return svg.chart(
        f"distribution-{model_id}", width, height, f"Score distribution of converted vs not, {model_id}", body
    )


def _band_group(
    row: Row, x: float, group: float, baseline: float, plot_height: float, axis_top: float, rotate: bool
) -> str:
    band, bar_width, middle = str(row["band_label"]), group * 0.36, x + group / 2
    converted = svg.scale(float(row["share_of_conversions"] or 0), axis_top, plot_height)
    other = svg.scale(float(row["share_of_non_conversions"] or 0), axis_top, plot_height)
    label = (
        svg.text(middle + 3, baseline + 12, svg.escape(band), "end", "", rotate=-40)
        if rotate
        else svg.text(middle, baseline + 15, svg.escape(band), "middle")
    )
    return "".join(
        [
            svg.bar(
                x + group * 0.12,
                baseline - converted,
                bar_width,
                converted,
                svg.PALETTE["converted"],
                f"{band}: {fmt.plural(row['conversions'], 'observation')} converted "
                f"({fmt.pct(row['share_of_conversions'])} of all converted)",
            ),
            svg.bar(
                x + group * 0.5,
                baseline - other,
                bar_width,
                other,
                svg.PALETTE["not_converted"],
                f"{band}: {fmt.plural(row['non_conversions'], 'observation')} not converted "
                f"({fmt.pct(row['share_of_non_conversions'])} of all not converted)",
            ),
            svg.text(
                middle,
                baseline - max(converted, other) - 5,
                svg.escape(fmt.pct(row["conversion_rate"])),
                "middle",
                "tiny muted",
            ),
            label,
        ]
    )


def calibration_chart(model_id: str, curve: list[Row]) -> str | None:
    """Precision, recall and F1 against the threshold, recommended and current thresholds marked."""
    if not curve:
        return None
    width, height, left, right, top, bottom = 540, 290, 44, 16, 52, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    low, high = float(curve[0]["threshold"]), float(curve[-1]["threshold"])
    if high == low:
        low, high = low - 5, high + 5
    x_of = lambda t: left + svg.scale(float(t) - low, high - low, plot_width)  # noqa: E731
    y_of = lambda v: top + plot_height - svg.scale(float(v), 1.0, plot_height)  # noqa: E731
    body = svg.value_axis(left, plot_width, top, plot_height, [0, 0.25, 0.5, 0.75, 1.0], fmt.pct_tick)
    body += [
        svg.text(x_of(t), top + plot_height + 16, svg.escape(fmt.score(t)), "middle", "muted")
        for t in _ticks(low, high)
    ]
    body.append(svg.text(left + plot_width, top + plot_height + 30, "score threshold", "end", "muted"))
    for series, dash in (("precision", ""), ("recall", ""), ("f1", "5 4")):
        points = [None if row[series] is None else (x_of(row["threshold"]), y_of(row[series])) for row in curve]
        body.append(svg.path(points, svg.PALETTE[series], series, dash))
    body += _threshold_markers(curve, x_of, low, high, top, top + plot_height)
    body.append(
        svg.legend(
            left,
            14,
            [
                ("precision (MQL→SQL rate)", svg.PALETTE["precision"], "line"),
                ("recall", svg.PALETTE["recall"], "line"),
                ("F1", svg.PALETTE["f1"], "dash"),
            ],
        )
    )
    return svg.chart(f"calibration-{model_id}", width, height, f"Threshold calibration, {model_id}", body)


def _ticks(low: float, high: float) -> list[float]:
    step = svg.nice_step((high - low) / 6)
    first = math.ceil(low / step) * step
    return [first + index * step for index in range(int((high - first) // step) + 1)]


def _threshold_markers(
    curve: list[Row], x_of: Callable[[Any], float], low: float, high: float, top: float, bottom: float
) -> list[str]:
    parts = []
    recommended = recommended_threshold(curve)
    current = curve[0]["current_mql_threshold"]
    if recommended is not None:
        x = x_of(recommended["threshold"])
        parts.append(svg.line(x, top - 14, x, bottom, svg.PALETTE["recommended"], "", 2))
        label = f"recommended {fmt.score(recommended['threshold'])}"
        parts.append(svg.text(x, top - 18, svg.escape(label), _anchor(x, x_of(low), x_of(high)), "recommended"))
    if current is not None and low <= float(current) <= high:
        x = x_of(current)
        parts.append(svg.line(x, top + 2, x, bottom, svg.PALETTE["current"], "5 4", 2))
        parts.append(
            svg.text(
                x, top - 2, svg.escape(f"current {fmt.score(current)}"), _anchor(x, x_of(low), x_of(high)), "current"
            )
        )
    return parts


def _anchor(x: float, left: float, right: float) -> str:
    """Keep a marker's label inside the plot near its edges."""
    if x - left < 60:
        return "start"
    return "end" if right - x < 60 else "middle"


def reliability_chart(model_id: str, deciles: list[Row]) -> str | None:
    """Predicted against observed conversion per score decile: the held-out prediction (learned
    without the decile's leads) as a solid line with dots, the in-sample one (the probability
    fct_lead_scores gives) dashed, and the diagonal where prediction and outcome agree."""
    if not deciles:
        return None
    width, height, left, right, top, bottom = 540, 330, 50, 16, 40, 42
    plot_width, plot_height = width - left - right, height - top - bottom
    keys = ("conversion_rate", "predicted_probability", "heldout_probability")
    values = [float(row[key]) for row in deciles for key in keys if row[key] is not None]
    ticks = svg.axis_ticks(max(values + [0.01]))
    x_of = lambda v: left + svg.scale(float(v), ticks[-1], plot_width)  # noqa: E731
    y_of = lambda v: top + plot_height - svg.scale(float(v), ticks[-1], plot_height)  # noqa: E731
    body = svg.value_axis(left, plot_width, top, plot_height, ticks, fmt.pct_tick)
    body += [
        svg.text(x_of(tick), top + plot_height + 16, svg.escape(fmt.pct_tick(tick)), "middle", "muted")
        for tick in ticks
    ]
    body.append(svg.text(left + plot_width, top + plot_height + 32, "predicted probability", "end", "muted"))
    body.append(svg.text(left - 38, top + plot_height / 2, "observed rate", "middle", "muted", rotate=-90))
    body.append(svg.line(x_of(0), y_of(0), x_of(ticks[-1]), y_of(ticks[-1]), svg.PALETTE["f1"], "3 4", 1))
    for series, key, colour, dash in (
        ("in_sample", "predicted_probability", svg.PALETTE["recall"], "5 4"),
        ("heldout", "heldout_probability", svg.PALETTE["precision"], ""),
    ):
        points = [None if row[key] is None else (x_of(row[key]), y_of(row["conversion_rate"])) for row in deciles]
        body.append(svg.path(points, colour, series, dash))
        if series == "heldout":
            body += [_reliability_dot(row, *point, colour) for row, point in zip(deciles, points) if point]
    legend = [
        ("held out", svg.PALETTE["precision"], "line"),
        ("in-sample", svg.PALETTE["recall"], "dash"),
        ("predicted = observed", svg.PALETTE["f1"], "dash"),
    ]
    body.append(svg.legend(left, 14, legend))
    return svg.chart(f"reliability-{model_id}", width, height, f"Predicted vs observed conversion, {model_id}", body)


def _reliability_dot(row: Row, x: float, y: float, colour: str) -> str:
    tooltip = (
        f"decile {row['band_label']}, scores {fmt.score(row['band_min'])} to {fmt.score(row['band_max'])}: "
        f"{fmt.plural(row['observations'], 'observation')}, {fmt.count(row['conversions'])} reached SQL "
        f"({fmt.pct(row['conversion_rate'])}); predicted {fmt.pct(row['heldout_probability'])} held out, "
        f"{fmt.pct(row['predicted_probability'])} in-sample"
    )
    return f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{svg.escape(tooltip)}</title></circle>'


def velocity_chart(model_id: str, weeks: list[Row]) -> str | None:
    """Weekly new MQLs as bars, their MQL->SQL rate as a line on the right-hand axis."""
    if not weeks:
        return None
    width, height, left, right, top, bottom = 1090, 250, 50, 50, 34, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    counts = svg.axis_ticks(max(float(row["new_mqls"] or 0) for row in weeks))
    rates = svg.axis_ticks(max([float(row["mql_to_sql_rate"] or 0) for row in weeks] + [0.1]))
    body = svg.value_axis(left, plot_width, top, plot_height, counts, lambda value: f"{value:,.0f}")
    for rate in rates:
        y = top + plot_height - svg.scale(rate, rates[-1], plot_height)
        body.append(svg.text(left + plot_width + 6, y + 4, svg.escape(fmt.pct_tick(rate)), "start", "rate"))
    slot, baseline = plot_width / len(weeks), top + plot_height
    every = max(1, math.ceil(len(weeks) / 12))
    points: list[tuple[float, float] | None] = []
    for index, row in enumerate(weeks):
        x = left + index * slot
        bar_height = svg.scale(float(row["new_mqls"] or 0), counts[-1], plot_height)
        tooltip = (
            f"week of {row['week_start']}: {fmt.plural(row['new_mqls'], 'new MQL')}, "
            f"{fmt.count(row['mqls_reaching_sql'])} reached SQL ({fmt.pct(row['mql_to_sql_rate'])})"
        )
        bar_width = min(slot * 0.7, 36)
        left_edge = x + (slot - bar_width) / 2
        body.append(svg.bar(left_edge, baseline - bar_height, bar_width, bar_height, svg.PALETTE["volume"], tooltip))
        rate = row["mql_to_sql_rate"]
        points.append(
            None if rate is None else (x + slot / 2, baseline - svg.scale(float(rate), rates[-1], plot_height))
        )
        if index % every == 0:
            body.append(
                svg.text(x + slot / 2, baseline + 16, svg.escape(f"{row['week_start']:%d %b}"), "middle", "muted")
            )
    body.append(svg.path(points, svg.PALETTE["rate"], "mql_to_sql_rate"))
    legend = [
        ("new MQLs per week", svg.PALETTE["volume"], "box"),
        ("MQL→SQL rate (right axis)", svg.PALETTE["rate"], "line"),
    ]
    body.append(svg.legend(left, 14, legend))
    return svg.chart(f"velocity-{model_id}", width, height, f"Weekly MQLs, {model_id}", body)
