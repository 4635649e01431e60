"""The report page: one self-contained HTML file (inline style and SVG, no JavaScript, nothing
fetched when it is viewed), so it can be mailed or opened from a file share.

Python decides what each section shows (`PAGE_SECTIONS`: its intro and its blocks, see
templating.py); the Jinja2 template templates/report.html.j2 decides how.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from leadscore.reporting import formatting as fmt
from leadscore.reporting.charts import (
    SEGMENTS_PER_CHART,
    calibration_chart,
    distribution_chart,
    reliability_chart,
    segment_chart,
    velocity_chart,
)
from leadscore.reporting.check import DATA_FIT_TITLE, data_fit_section
from leadscore.reporting.report_data import (
    ACCOUNT_ROWS,
    PRIORITY_ROWS_PER_MODEL,
    ReportData,
    Row,
    recommended_threshold,
)
from leadscore.reporting.templating import Block, Empty, Figure, Heading, Html, Table, render_template

DIMENSION_LABELS = {
    "industry": "Industry",
    "company_size_band": "Company size",
    "region": "Region",
    "country": "Country",
    "lead_source": "Lead source",
    "scoring_model": "Scoring model",
    "fit_grade": "Fit grade",
    "grade_at_mql": "Grade at MQL",
}

# Each section's render function gives its intro (text or Markup) and its blocks from the day's data.
Rendered = tuple[str, list[Block]]


def _by_model(data: ReportData, rows: list[Row]) -> dict[str, list[Row]]:
    """Rows per model, every scored model present (possibly with no rows), in model order."""
    grouped: dict[str, list[Row]] = {model.model_id: [] for model in data.models}
    for row in rows:
        grouped.setdefault(str(row["model_id"]), []).append(row)
    return grouped


def _history_message(data: ReportData) -> str:
    return (
        f"Not enough score history: calibration needs scores at least {data.window_days} days old; "
        "run leadscore backfill"
    )


# --- sections ---------------------------------------------------------------------------------


def conversion_section(data: ReportData) -> Rendered:
    grouped: dict[str, list[Row]] = {}
    for row in data.segments:
        grouped.setdefault(str(row["segment_dimension"]), []).append(row)
    order = [d for d in DIMENSION_LABELS if d in grouped] + sorted(d for d in grouped if d not in DIMENSION_LABELS)
    figures: list[Block] = [
        Figure(
            DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize()),
            segment_chart(dimension, grouped[dimension], data.target_rate),
            "No segment has leads.",
            _more_segments(len(grouped[dimension])),
        )
        for dimension in order
    ]
    intro = (
        "Share of each segment's leads that reached SQL (bar) and were won (its dark part), over all cohorts, "
        "MQL or not; beside each bar the median days from lead creation to SQL. Where a segment has MQLs, "
        "the diamond is its MQL→SQL rate, against the target rate (dashed). Grey bars are small segments "
        "(too few leads to trust the rate). Days to won and p90 days are in rpt_conversion_by_segment.csv."
    )
    return intro, figures or [Empty("No data: rpt_conversion_by_segment has no all-cohort rows for this day.")]


def _more_segments(count: int) -> str:
    if count <= SEGMENTS_PER_CHART:
        return ""
    return f"The {SEGMENTS_PER_CHART} largest of {count} segments; all are in rpt_conversion_by_segment.csv."


def distribution_section(data: ReportData) -> Rendered:
    figures: list[Block] = [
        Figure(model_id, distribution_chart(model_id, rows), _history_message(data))
        for model_id, rows in _by_model(data, data.bands).items()
    ]
    intro = (
        f"Past scores (at least {data.window_days} days old) of leads that reached SQL within "
        f"{data.window_days} days vs those that did not, by 25-point score band. Each series adds up "
        "to 100%; the grey figure above each band is its conversion rate."
    )
    return intro, figures or [Empty(_history_message(data))]


def calibration_section(data: ReportData) -> Rendered:
    figures: list[Block] = [
        Figure(model_id, calibration_chart(model_id, rows), _history_message(data), _calibration_note(rows))
        for model_id, rows in _by_model(data, data.curve).items()
    ]
    intro = (
        "For each possible MQL threshold: the share of past MQLs that reached SQL (precision) and the "
        "share of all SQLs the threshold would have caught (recall)."
    )
    return intro, figures or [Empty(_history_message(data))]


def _calibration_note(curve: list[Row]) -> str:
    recommended = recommended_threshold(curve)
    if recommended is None:
        return ""
    note = Markup("<strong>Recommended: {}</strong> ({}): precision {}, recall {}.").format(
        fmt.score(recommended["threshold"]),
        recommended["recommendation_rule"],
        fmt.pct(recommended["precision"]),
        fmt.pct(recommended["recall"]),
    )
    current = next((row for row in curve if row["threshold"] == row["current_mql_threshold"]), None)
    if current is not None:
        note += Markup(" Current {}: precision {}, recall {}.").format(
            fmt.score(current["threshold"]), fmt.pct(current["precision"]), fmt.pct(current["recall"])
        )
    return note


def probability_section(data: ReportData) -> Rendered:
    models = {str(row["model_id"]): row for row in data.probability_models}
    figures: list[Block] = [
        Figure(
            model_id,
            reliability_chart(model_id, rows),
            _no_probability_message(data, models.get(model_id)),
            _probability_note(data, rows, models.get(model_id)),
        )
        for model_id, rows in _by_model(data, data.probability_deciles).items()
    ]
    intro = (
        f"fct_lead_scores.conversion_probability is the chance that an open lead reaches SQL within "
        f"{data.window_days} days, learned per model from past scores (at least {data.window_days} days old) "
        "and what followed. Per tenth of those past scores (deciles): the predicted probability (across) against "
        "the share that did reach SQL (up). The solid line predicts each lead with the probability learned from "
        "the other half of the leads only (held out: a fair test); the dashed one with the probability itself "
        "(in-sample). Near the diagonal, the probability can be trusted, and its sum over a segment's open leads "
        "is the number of SQLs to expect from them."
    )
    return intro, figures or [Empty(_history_message(data))]


def _no_probability_message(data: ReportData, model: Row | None) -> str:
    reason = model["reason"] if model else None
    if not reason:
        return _history_message(data)
    return f"No conversion probability for this model: {reason}."


def _probability_note(data: ReportData, deciles: list[Row], model: Row | None) -> str:
    note = Markup()
    if model and model["leads_with_probability"]:
        note += Markup(
            "<strong>{} SQLs expected</strong> within {} days from the {} with a probability (the sum of their "
            "probabilities)."
        ).format(
            fmt.score(model["expected_conversions"]),
            data.window_days,
            fmt.plural(model["leads_with_probability"], "open lead"),
        )
    gap = deciles[0]["heldout_gap"] if deciles else None
    if gap is not None:
        note += (
            f" Held out, the predictions miss the observed rate by {float(gap) * 100:.1f} percentage points "
            "on average (weighted by observations)."
        )
    return note


def velocity_section(data: ReportData) -> Rendered:
    message = "No score history yet: rpt_mql_velocity has no weeks for this model."
    figures: list[Block] = [
        Figure(model_id, velocity_chart(model_id, rows), message)
        for model_id, rows in _by_model(data, data.velocity).items()
    ]
    intro = (
        "New MQLs per week (bars, left axis) and the share of them that has reached SQL by today "
        "(line, right axis; recent weeks have had less time to convert)."
    )
    return intro, figures or [Empty("No data: rpt_mql_velocity has no rows.")]


def priority_section(data: ReportData) -> Rendered:
    blocks: list[Block] = []
    for model_id, rows in _by_model(data, data.priority).items():
        blocks.append(Heading(model_id))
        blocks.append(priority_table(rows) if rows else Empty("No MQL or near-MQL lead to call for this model today."))
    intro = escape(
        f"The first {PRIORITY_ROWS_PER_MODEL} leads per model: today's MQLs and near-MQLs not yet at SQL, "
        "highest score first. The full list is in "
    ) + Markup('<a href="sales_priority.csv">sales_priority.csv</a>.')
    return intro, blocks or [Empty("No data: rpt_sales_priority has no rows.")]


def accounts_section(data: ReportData) -> Rendered:
    body = accounts_table(data.accounts) if data.accounts else Empty("No data: fct_account_scores has no rows.")
    return f"The {ACCOUNT_ROWS} accounts with the highest account score, all models together.", [body]


def data_fit_card(data: ReportData) -> Rendered:
    """check.py's data-fit section, which it gives as escaped HTML."""
    intro, body = data_fit_section(data.data_fit)
    return Markup(intro), [Html(Markup(body))]


# --- tables -----------------------------------------------------------------------------------


def priority_table(rows: list[Row]) -> Table:
    headers = [
        "#",
        "lead",
        "score",
        "grade",
        "fit",
        "status",
        "why",
        "change",
        "changed rules",
        "last activity",
        "stage",
    ]
    body = [
        [
            fmt.count(row["priority_rank"]),
            fmt.cell(row["lead_id"]),
            fmt.score(row["total_score"]),
            fmt.cell(row["score_grade"]),
            fmt.cell(row["fit_grade"]),
            _status(row),
            _reasons(row),
            fmt.signed(row["score_change_since_previous_day"]),
            _changed_rules(row["changed_rules"]),
            fmt.day(row["last_activity_date"]),
            fmt.cell(row["stage_reached"]),
        ]
        for row in rows
    ]
    return Table(headers, body, frozenset({0, 2, 7}))


def _status(row: Row) -> str:
    if row["is_mql"]:
        return Markup('<span class="pill mql">MQL</span>')
    return Markup('<span class="pill near">near MQL</span>') if row["is_near_mql"] else ""


def _reasons(row: Row) -> str:
    reasons = [row[key] for key in ("reason_1", "reason_2", "reason_3") if row.get(key)]
    return Markup('<span class="reasons why">{}</span>').format(Markup("<br>").join(reasons))


def _changed_rules(rules: str | None, shown: int = 3) -> str:
    """The first rules of the ' | '-separated list, one a line; all of them in the tooltip."""
    names = (rules or "").split(" | ") if rules else []
    more = Markup("<br>+{} more").format(len(names) - shown) if len(names) > shown else ""
    return Markup('<span class="reasons" title="{}">{}{}</span>').format(
        rules or "", Markup("<br>").join(names[:shown]), more
    )


def accounts_table(rows: list[Row]) -> Table:
    headers = ["account", "model", "score", "grade", "leads", "engaged", "MQLs", "SQLs ever", "MQL→SQL", "last SQL"]
    body = [
        [
            fmt.cell(row["account_id"]),
            fmt.cell(row["model_id"]),
            fmt.score(row["account_score"]),
            fmt.cell(row["account_grade"]),
            fmt.count(row["leads"]),
            fmt.count(row["engaged_leads"]),
            fmt.count(row["mqls"]),
            fmt.count(row["sqls_ever"]),
            fmt.pct(row["mql_to_sql_rate"]),
            fmt.day(row["last_sql_at"]),
        ]
        for row in rows
    ]
    return Table(headers, body, frozenset({2, 4, 5, 6, 7, 8}))


# --- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSection:
    """One card of the page, in PAGE_SECTIONS order (which numbers the titles)."""

    key: str  # the card's id and data-section, and the navigation anchor
    nav: str  # its label in the navigation bar
    title: str
    render: Callable[[ReportData], Rendered]
    wide: bool = False  # one chart or table per row instead of a grid


# The page, top to bottom. A new section is a render function, its data in ReportData (read in
# report_data.load_report) and one entry here.
PAGE_SECTIONS: tuple[PageSection, ...] = (
    PageSection("conversion", "Conversion", "Conversion by segment", conversion_section),
    PageSection("distribution", "Score distribution", "Score distribution: converted vs not", distribution_section),
    PageSection("calibration", "Calibration", "Threshold calibration", calibration_section),
    PageSection("probability", "Probability", "Conversion probability: predicted vs observed", probability_section),
    PageSection("velocity", "MQL volume", "MQL volume over time", velocity_section, wide=True),
    PageSection("priority", "Sales priority", "Sales priority list", priority_section, wide=True),
    PageSection("accounts", "Accounts", "Top accounts", accounts_section, wide=True),
    PageSection("data-fit", "Data fit", DATA_FIT_TITLE, data_fit_card, wide=True),
)


@dataclass(frozen=True)
class _Card:
    key: str
    nav: str
    title: str
    intro: str
    blocks: list[Block]
    wide: bool


def render_page(
    data: ReportData, sections: Sequence[PageSection] = PAGE_SECTIONS, linked_tables: Sequence[str] = ()
) -> str:
    """The day's report.html, linking the table files written beside it (`linked_tables`)."""
    cards = [
        _Card(section.key, section.nav, section.title, *section.render(data), section.wide) for section in sections
    ]
    return render_template("report.html.j2", data=data, cards=cards, report_tables=linked_tables)
