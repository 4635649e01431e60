"""The backtest's page: one report section (a chart and a table per scope) in the report's style."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadscore.reporting import svg
from leadscore.reporting.templating import Block, Figure, Table, render_template

if TYPE_CHECKING:
    from leadscore.evaluation.backtest import BacktestResult

LABELS = {
    "observations": "observations",
    "conversions": "converted",
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "top_decile_lift": "top-decile lift",
    "mqls": "MQLs",
    "mql_to_sql_rate": "MQL→SQL rate",
}
COLOURS = ("#64748b", "#2563eb", "#c2410c")


def _value(value) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value:.3f}"


def auc_chart(result: BacktestResult) -> str:
    """Grouped bars: ROC AUC and PR AUC of every seed set, all models pooled."""
    sets = list(dict.fromkeys(row["seed_set"] for row in result.metrics))
    width, height, left, bottom = 520, 220, 40, 180
    body = [
        svg.text(left - 6, bottom - 150 + 4, "1.0", "end", "muted"),
        svg.text(left - 6, bottom + 4, "0", "end", "muted"),
    ]
    for group, metric in enumerate(("roc_auc", "pr_auc")):
        x0 = left + 20 + group * 230
        body.append(svg.text(x0 + (len(sets) * 60 - 16) / 2, bottom + 18, LABELS[metric], "middle", "strong"))
        for index, name in enumerate(sets):
            value = result.metric(name, metric) or 0.0
            bar_height = 150 * float(value)
            x = x0 + index * 60
            body.append(
                svg.bar(
                    x, bottom - bar_height, 44, bar_height, COLOURS[index % 3], f"{name} {LABELS[metric]} {value:.3f}"
                )
            )
            body.append(svg.text(x + 22, bottom - bar_height - 4, f"{value:.3f}", "middle"))
            body.append(svg.text(x + 22, bottom + 34, svg.escape(name), "middle", "muted"))
    return svg.chart("backtest-auc", width, height + 20, "ROC AUC and PR AUC per seed set", body)


def backtest_blocks(result: BacktestResult, candidate_label: str) -> tuple[str, list[Block]]:
    """The section's intro and its blocks: the AUC chart, then every metric per scope and seed set."""
    sets = list(dict.fromkeys(row["seed_set"] for row in result.metrics))
    scopes = list(dict.fromkeys(row["scope"] for row in result.metrics))
    headers = ["scope", "metric", *sets]
    rows = [
        [scope, LABELS[metric], *(_value(result.metric(name, metric, scope)) for name in sets)]
        for scope in scopes
        for metric in LABELS
    ]
    days = ", ".join(day.isoformat() for day in result.days)
    intro = (
        f"Scores of {len(result.days)} past days ({days}) with the live seeds and with {candidate_label}, "
        f"judged by conversion to SQL within the window, outcomes known up to {result.outcome_day}. "
        f"{len(result.flips):,} lead-days change MQL status (mql_flips.csv)."
    )
    return intro, [Figure("All models", auc_chart(result)), Table(headers, rows, frozenset(range(2, 2 + len(sets))))]


def render_backtest_page(result: BacktestResult, candidate_label: str) -> str:
    intro, content = backtest_blocks(result, candidate_label)
    return render_template("backtest.html.j2", candidate_label=candidate_label, intro=intro, content=content)
