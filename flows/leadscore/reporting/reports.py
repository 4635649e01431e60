"""The day's report: each report table as CSV and Parquet, and one self-contained HTML page.

The page is plain HTML with inline CSS and SVG drawn here: no JavaScript, nothing fetched when it
is viewed, so it can be mailed or opened from a file share. Every figure comes from the warehouse;
Python only lays values out (scales them to pixels) and formats them.
"""

from __future__ import annotations

import csv
import html
import math
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from leadscore.reporting.check import DATA_FIT_TITLE, DataFit, data_fit_section, load_data_fit
from leadscore.settings import Settings
from leadscore.warehouse import SUCCEEDED, connect, latest_run

REPORT_TABLES = (
    "rpt_conversion_by_segment",
    "rpt_mql_velocity",
    "rpt_score_band_conversion",
    "rpt_score_threshold_curve",
    "rpt_sales_priority",
    "fct_account_scores",
)
REQUIRED_TABLES = ("fct_lead_scores", *REPORT_TABLES)
# Columns the page reads that older builds of the models lack: a warehouse without them was built
# by an older leadscore, and `leadscore run` rebuilds it.
REQUIRED_COLUMNS = {
    "fct_lead_scores": ("conversion_probability", "conversion_probability_reason"),
    "rpt_conversion_by_segment": ("lead_to_sql_rate", "lead_to_won_rate", "median_days_lead_to_sql"),
    "rpt_score_band_conversion": ("predicted_probability", "heldout_probability"),
}
# fct_lead_scores.conversion_probability_reason of a lead already at sql (fct_lead_scores.sql):
# every other reason is its model's.
ALREADY_CONVERTED = "already at sql or beyond"

# Row order of the exported files, so a day's files diff cleanly against the previous day's.
EXPORT_ORDER = {
    "rpt_conversion_by_segment": "segment_dimension, segment_value, cohort_month nulls first",
    "rpt_mql_velocity": "model_id, week_start",
    "rpt_score_band_conversion": "model_id, band_kind, band_min nulls first, band_label",
    "rpt_score_threshold_curve": "model_id, threshold",
    "rpt_sales_priority": "model_id, priority_rank",
    "fct_account_scores": "model_id, account_score desc nulls last, account_id",
}
# sales_priority.csv: what a salesperson reads first, then the rest of the table's columns.
SALES_PRIORITY_FIRST = (
    "model_id", "priority_rank", "lead_id", "total_score", "score_grade", "is_mql", "is_near_mql",
    "reason_1", "reason_2", "reason_3", "score_change_since_previous_day", "changed_rules",
    "last_activity_date",
)
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
SEGMENTS_PER_CHART = 15
PRIORITY_ROWS_PER_MODEL = 10
ACCOUNT_ROWS = 20
DEFAULT_WINDOW_DAYS = 90

Row = dict[str, Any]


class ReportError(RuntimeError):
    """The warehouse cannot give this day's report; the message says why."""


@dataclass(frozen=True)
class ModelFigures:
    model_id: str
    leads: int
    mqls: int
    mql_threshold: Any


@dataclass(frozen=True)
class ReportData:
    as_of: date
    leads_scored: int
    models: list[ModelFigures]
    window_days: int
    target_rate: float | None
    segments: list[Row]
    bands: list[Row]
    curve: list[Row]
    probability_deciles: list[Row]
    probability_models: list[Row]
    velocity: list[Row]
    priority: list[Row]
    accounts: list[Row]
    data_fit: DataFit | None = None  # None: a warehouse built before the data-fit check


# --- CSV files people open -------------------------------------------------------------------
#
# A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula
# (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), so a lead id or a rejection reason from the CRM could
# run code on the machine of whoever opens the file. Every CSV written for people goes through
# the functions below: a text cell starting with one of those characters gets a leading single
# quote (OWASP's advice against CSV injection), which spreadsheets show as text. Numbers, dates
# and booleans stay as they are, so a negative score is still a number. Parquet files keep the
# raw values; the seed CSVs suggest-weights writes for dbt are not for people and stay raw too.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A text value a spreadsheet would run as a formula, prefixed with a single quote; any other
    value (numbers included, whatever their sign) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv_for_people(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Rows (dicts) as a CSV with a header, text cells neutralised, None as an empty cell."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {column: "" if row.get(column) is None else neutralise_cell(row.get(column)) for column in columns}
            for row in rows
        )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def neutralised_query(connection: duckdb.DuckDBPyConnection, query: str) -> str:
    """`query` with every text column's cells neutralised as `neutralise_cell` does, in SQL; the
    columns, their order, the other types and the row order stay those of `query`."""
    starts = ", ".join(_sql_text(start) for start in FORMULA_STARTS)
    quote = _sql_text("'")
    columns = []
    for name, column_type, *_ in connection.execute(f"describe {query}").fetchall():
        column = '"' + name.replace('"', '""') + '"'
        if column_type == "VARCHAR" or column_type.startswith("ENUM"):
            text = f"cast({column} as varchar)"
            column = f"case when left({text}, 1) in ({starts}) then {quote} || {text} else {text} end as {column}"
        columns.append(column)
    return f"select {', '.join(columns)} from ({query}) as exported"


def copy_csv_for_people(connection: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """The rows of `query` as a CSV with a header, text cells neutralised."""
    _copy(connection, neutralised_query(connection, query), target, "format csv, header")


# --- files ------------------------------------------------------------------------------------


def report_folder(settings: Settings, as_of: date) -> Path:
    return settings.reports_dir / as_of.isoformat()


def write_report(settings: Settings, as_of: date) -> Path:
    """Rewrite reports/<as_of>/ (`leadscore report`): every report table as CSV and Parquet,
    sales_priority.csv and report.html, from the warehouse as it is. The new folder is written
    beside the old one and swapped into place, keeping the old folder's other files (the run
    summary of the run that wrote the day among them). Raises ReportError when the warehouse lacks
    a table, holds the scores of another day, or its latest run did not succeed."""
    folder = report_folder(settings, as_of)
    partial = stage_report(settings, as_of)
    try:
        for kept in folder.iterdir() if folder.is_dir() else ():
            if not (partial / kept.name).exists():
                copy = shutil.copytree if kept.is_dir() else shutil.copy2
                copy(kept, partial / kept.name)
        return promote_report(partial, folder)
    except BaseException:
        discard_staged(partial)
        raise


def stage_report(settings: Settings, as_of: date, for_run: str | None = None) -> Path:
    """Write the day's report files into a new hidden folder beside reports/<as_of>/ and return
    it (`promote_report` puts it in place). `for_run` is the id of the run writing it, which is
    the latest in the ledger and not finished yet. Nothing is left behind on failure."""
    with connect(settings) as connection:
        check_warehouse(connection, as_of, settings.duckdb_path, for_run=for_run)
        partial = _new_partial(report_folder(settings, as_of))
        try:
            for table in REPORT_TABLES:
                copy_csv_for_people(connection, _ordered(table), partial / f"{table}.csv")
                _copy(connection, _ordered(table), partial / f"{table}.parquet", "format parquet, compression zstd")
            copy_csv_for_people(connection, _sales_priority_query(), partial / "sales_priority.csv")
            data = load_report(connection, as_of)
            (partial / "report.html").write_text(render_page(data), encoding="utf-8")
        except BaseException:
            discard_staged(partial)
            raise
    return partial


def promote_report(partial: Path, folder: Path) -> Path:
    """Put a staged report folder in place of `folder`: two renames, so a reader sees the old
    folder, for an instant none, then the new one; never a mix of old and new files."""
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)
        os.replace(partial, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(partial, folder)
    return folder


def discard_staged(partial: Path | None) -> None:
    if partial is not None:
        shutil.rmtree(partial, ignore_errors=True)


def _new_partial(folder: Path) -> Path:
    """reports/.<day>.partial-<pid>, after removing what ended processes left for that day."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    for leftover in folder.parent.glob(f".{folder.name}.*-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)
    partial = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    partial.mkdir()
    return partial


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def check_warehouse(
    connection: duckdb.DuckDBPyConnection, as_of: date, path: Path, for_run: str | None = None
) -> None:
    """Raise ReportError unless the warehouse holds the complete, tested day `as_of`: every report
    table, and (with a run ledger) a latest run of that day that succeeded, or is `for_run`."""
    existing = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    missing = [table for table in REQUIRED_TABLES if table not in existing]
    if missing:
        raise ReportError(f"The warehouse {path} has no {', '.join(missing)}: the report models were not built.")
    for table, columns in REQUIRED_COLUMNS.items():
        present = {row[0] for row in connection.execute(f"describe {table}").fetchall()}
        lacking = [column for column in columns if column not in present]
        if lacking:
            raise ReportError(
                f"The warehouse {path} has a {table} without {', '.join(lacking)}: it was built by an older "
                "leadscore. Run the day again to rebuild it."
            )
    run = latest_run(connection)  # None: a warehouse built before the run ledger
    if run is not None and for_run is not None and run.run_id != for_run:
        raise ReportError(f"The latest run of the warehouse {path} is {run.describe()}, not run {for_run}.")
    if run is not None and for_run is None and run.status != SUCCEEDED:
        raise ReportError(
            f"The latest run of the warehouse {path} is {run.describe()}: its tables are not a complete, tested day."
        )
    if run is not None and run.as_of_date != as_of:
        raise ReportError(f"The warehouse {path} holds the day of its latest run, {run.describe()}; not {as_of}.")
    scored = connection.execute("select distinct as_of_date from fct_lead_scores").fetchall()
    days = sorted(str(row[0]) for row in scored)
    if days and days != [as_of.isoformat()]:
        raise ReportError(f"The warehouse {path} holds scores as of {', '.join(days)}, not {as_of}.")


def _ordered(table: str) -> str:
    return f"select * from {table} order by {EXPORT_ORDER[table]}"


def _sales_priority_query() -> str:
    first = ", ".join(SALES_PRIORITY_FIRST)
    return f"select {first}, * exclude ({first}) from rpt_sales_priority order by model_id, priority_rank"


def _copy(connection: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> None:
    literal = str(target).replace("'", "''")
    connection.execute(f"copy ({query}) to '{literal}' ({options})")


# --- reading ----------------------------------------------------------------------------------


def load_report(connection: duckdb.DuckDBPyConnection, as_of: date) -> ReportData:
    settings_row = _report_settings(connection)
    return ReportData(
        as_of=as_of,
        leads_scored=connection.execute("select count(distinct lead_id) from fct_lead_scores").fetchone()[0],
        models=[ModelFigures(**row) for row in _rows(connection, MODELS_QUERY)],
        window_days=int(settings_row.get("conversion_window_days") or DEFAULT_WINDOW_DAYS),
        target_rate=_float(settings_row.get("target_mql_to_sql_rate")),
        segments=_rows(connection, SEGMENTS_QUERY),
        bands=_rows(connection, BANDS_QUERY),
        curve=_rows(connection, CURVE_QUERY),
        probability_deciles=_rows(connection, PROBABILITY_DECILES_QUERY),
        probability_models=_rows(connection, PROBABILITY_MODELS_QUERY, [ALREADY_CONVERTED]),
        velocity=_rows(connection, VELOCITY_QUERY),
        priority=_rows(connection, PRIORITY_QUERY, [PRIORITY_ROWS_PER_MODEL]),
        accounts=_rows(connection, ACCOUNTS_QUERY, [ACCOUNT_ROWS]),
        data_fit=load_data_fit(connection),
    )


MODELS_QUERY = """
    select
        model_id,
        count(distinct lead_id) as leads,
        count(distinct case when is_mql then lead_id end) as mqls,
        max(mql_threshold) as mql_threshold
    from fct_lead_scores
    group by model_id
    order by model_id
"""
SEGMENTS_QUERY = """
    select
        segment_dimension, segment_value, leads, mqls, sqls, won, lead_to_sql_rate, lead_to_won_rate,
        mql_to_sql_rate, median_days_lead_to_sql, median_days_lead_to_won, is_small_segment
    from rpt_conversion_by_segment
    where is_all_cohorts
    order by segment_dimension, leads desc, segment_value
"""
# Each series as a share of its own total, so the two distributions compare on one axis.
BANDS_QUERY = """
    select
        model_id,
        band_label,
        band_min,
        observations,
        conversions,
        observations - conversions as non_conversions,
        conversion_rate,
        conversions / nullif(sum(conversions) over (partition by model_id), 0) as share_of_conversions,
        (observations - conversions)
            / nullif(sum(observations - conversions) over (partition by model_id), 0) as share_of_non_conversions
    from rpt_score_band_conversion
    where band_kind = 'band'
    order by model_id, band_min nulls first, band_label
"""
CURVE_QUERY = """
    select
        model_id, threshold, mqls_at_threshold, conversions_captured, "precision", recall, f1,
        is_recommended, recommendation_rule, current_mql_threshold
    from rpt_score_threshold_curve
    order by model_id, threshold
"""
# Score deciles of the models that have a probability, with what it predicted and what was observed
# in each, and per model the held-out gap: the mean distance between held-out prediction and
# observed rate, weighted by observations. Deciles rather than the probability's own bins: ten
# groups of equal size, so each point rests on as many observations.
PROBABILITY_DECILES_QUERY = """
    select
        model_id,
        band_label,
        band_min,
        band_max,
        observations,
        conversions,
        conversion_rate,
        predicted_probability,
        heldout_probability,
        sum(observations * abs(heldout_probability - conversion_rate)) over (partition by model_id)
            / nullif(sum(case when heldout_probability is not null then observations end) over (partition by model_id), 0)
            as heldout_gap
    from rpt_score_band_conversion
    where band_kind = 'decile' and predicted_probability is not null
    order by model_id, cast(band_label as integer)
"""
# Per model: open leads with a probability, the SQLs they are expected to bring within the window,
# and why the others have none (a reason other than already being at sql is the model's).
PROBABILITY_MODELS_QUERY = """
    select
        model_id,
        count(conversion_probability) as leads_with_probability,
        sum(conversion_probability) as expected_conversions,
        min(case when conversion_probability_reason <> ? then conversion_probability_reason end) as reason
    from fct_lead_scores
    group by model_id
    order by model_id
"""
VELOCITY_QUERY = """
    select model_id, week_start, new_mqls, mqls_reaching_sql, mql_to_sql_rate, scored_leads
    from rpt_mql_velocity
    order by model_id, week_start
"""
PRIORITY_QUERY = """
    select *
    from rpt_sales_priority
    where priority_rank <= ?
    order by model_id, priority_rank
"""
ACCOUNTS_QUERY = """
    select *
    from fct_account_scores
    order by account_score desc nulls last, mqls desc, account_id, model_id
    limit ?
"""


def _rows(connection: duckdb.DuckDBPyConnection, query: str, parameters: list[Any] | None = None) -> list[Row]:
    cursor = connection.execute(query, parameters or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _report_settings(connection: duckdb.DuckDBPyConnection) -> Row:
    """The report_settings seed (window, target rate) when the warehouse has it."""
    try:
        rows = _rows(connection, "select * from report_settings limit 1")
    except duckdb.CatalogException:
        return {}
    return rows[0] if rows else {}


# --- formatting -------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: Any) -> str:
    return "–" if value is None else _e(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _count(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def _score(value: Any) -> str:
    if value is None:
        return "–"
    text = f"{float(value):,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _day(value: Any) -> str:
    return "–" if value is None else str(value)[:10]


def _signed(value: Any) -> str:
    if value is None:
        return "–"
    number = float(value)
    return "0" if number == 0 else ("+" if number > 0 else "−") + _score(abs(number))


def _plural(count: Any, word: str) -> str:
    return f"{_count(count)} {word}{'' if count == 1 else 's'}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- SVG building blocks ----------------------------------------------------------------------

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


def _nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * (1 - 1e-9))


def _axis_ticks(largest: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least `largest`, about `count` steps; the last is the top."""
    step = _nice_step(largest / count) if largest > 0 else 1.0
    steps = max(1, math.ceil(largest / step - 1e-9))
    return [step * index for index in range(steps + 1)]


def _scale(value: float, top: float, pixels: float) -> float:
    return 0.0 if top == 0 else value / top * pixels


def _svg(name: str, width: int, height: int, label: str, body: Iterable[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{_e(name)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", css: str = "", rotate: float = 0) -> str:
    """An SVG text; `content` is already escaped (it may hold tspans)."""
    klass = f' class="{css}"' if css else ""
    turn = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{turn}>{content}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, dash: str = "", width: float = 1) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dashed}/>'
    )


def _bar(x: float, y: float, width: float, height: float, colour: str, tooltip: str, extra: str = "") -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.5):.1f}" height="{max(height, 0.5):.1f}" '
        f'fill="{colour}" rx="2"{extra}><title>{_e(tooltip)}</title></rect>'
    )


def _path(points: list[tuple[float, float] | None], colour: str, series: str, dash: str = "", width: float = 2) -> str:
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
        f'<path class="line" data-series="{_e(series)}" d="{" ".join(commands)}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"{dashed}/>'
    )


def _legend(x: float, y: float, items: list[tuple[str, str, str]]) -> str:
    """Swatches and labels in a row: (label, colour, 'box' or 'line' or 'dash')."""
    parts = []
    for label, colour, kind in items:
        if kind == "box":
            parts.append(
                f'<rect class="swatch" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" fill="{colour}"/>'
            )
        else:
            parts.append(_line(x, y - 4, x + 12, y - 4, colour, "4 3" if kind == "dash" else "", 2))
        parts.append(_text(x + 16, y, _e(label)))
        x += 28 + 6.2 * len(label)
    return "".join(parts)


# --- charts -----------------------------------------------------------------------------------


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
    ticks = _axis_ticks(max(rates))
    body = _rate_axis(label_width, bar_width, top, height - 20, ticks)
    for index, row in enumerate(rows):
        body.append(_segment_row(row, top + index * row_height, label_width, bar_width, ticks[-1]))
    if target:
        x = label_width + _scale(target, ticks[-1], bar_width)
        body.append(_line(x, top - 4, x, height - 20, PALETTE["target"], "4 3", 1.5))
        body.append(_text(x, top - 8, f"MQL→SQL target {_e(_pct_tick(target))}", "middle", "target"))
    return _svg(f"conversion-{dimension}", width, height, f"Lead to SQL and won rates by {dimension}", body)


def _by_rate(row: Row) -> tuple[float, float, str]:
    """Highest lead->SQL rate first, then the highest lead->won rate."""
    return -float(row["lead_to_sql_rate"] or 0), -float(row["lead_to_won_rate"] or 0), str(row["segment_value"])


def _pct_tick(value: float) -> str:
    return f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:.1%}"


def _rate_axis(left: float, width: float, top: float, bottom: float, ticks: list[float]) -> list[str]:
    parts = []
    for tick in ticks:
        x = left + _scale(tick, ticks[-1], width)
        parts.append(_line(x, top - 2, x, bottom, PALETTE["grid"]))
        parts.append(_text(x, bottom + 13, _e(_pct_tick(tick)), "middle", "muted"))
    return parts


def _days(value: Any) -> str:
    return "–" if value is None else f"{_score(value)} d"


def _segment_row(row: Row, y: float, label_width: float, bar_width: float, axis_top: float) -> str:
    value, small = str(row["segment_value"]), bool(row["is_small_segment"])
    sql_rate, won_rate, mql_rate = row["lead_to_sql_rate"], row["lead_to_won_rate"], row["mql_to_sql_rate"]
    counts = f"{_plural(row['leads'], 'lead')}: {_plural(row['sqls'], 'SQL')}, {_count(row['won'])} won"
    days = (
        f"median days from creation: {_days(row['median_days_lead_to_sql'])} to SQL, "
        f"{_days(row['median_days_lead_to_won'])} to won"
    )
    mqls = f"{_plural(row['mqls'], 'MQL')}, MQL→SQL {_pct(mql_rate)}" if row["mqls"] else "no MQLs"
    parts = [f"<g><title>{_e(value)}: {_e(counts)}; {_e(mqls)}; {_e(days)}</title>"]
    parts.append(_text(label_width - 8, y + 14, _e(_short(value, 20)), "end", "muted" if small else ""))
    extra = f' data-small="{str(small).lower()}"'
    length = _scale(float(sql_rate or 0), axis_top, bar_width)
    colour = PALETTE["small"] if small else PALETTE["bar"]
    parts.append(_bar(label_width, y + 4, length, 14, colour, f"{value}: lead→SQL {_pct(sql_rate)} ({counts})", extra))
    if won_rate:
        won_length = _scale(float(won_rate), axis_top, bar_width)
        won_colour = PALETTE["small_won"] if small else PALETTE["won"]
        parts.append(_bar(label_width, y + 4, won_length, 14, won_colour, f"{value}: lead→won {_pct(won_rate)}", extra))
    if mql_rate is not None:
        x, middle = label_width + _scale(float(mql_rate), axis_top, bar_width), y + 11
        parts.append(
            f'<path class="marker" data-series="mql_to_sql_rate" d="M{x:.1f},{middle - 6:.1f} L{x + 5:.1f},{middle:.1f} '
            f'L{x:.1f},{middle + 6:.1f} L{x - 5:.1f},{middle:.1f} Z" fill="{PALETTE["mql"]}" stroke="#fff">'
            f"<title>{_e(value)}: MQL→SQL {_e(_pct(mql_rate))} ({_e(_plural(row['mqls'], 'MQL'))})</title></path>"
        )
    figure = (
        f'<tspan class="strong">{_e(_pct(sql_rate))}</tspan> SQL · {_e(_pct(won_rate))} won · '
        f"{_e(_plural(row['leads'], 'lead'))}"
    )
    if row["median_days_lead_to_sql"] is not None:
        figure += f" · {_e(_days(row['median_days_lead_to_sql']))} to SQL"
    if small:
        figure += '  <tspan class="tag">small</tspan>'
    parts.append(_text(label_width + bar_width + 10, y + 14, figure))
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
    ticks = _axis_ticks(max(shares))
    body = _value_axis(left, plot_width, top, plot_height, ticks, _pct_tick)
    for index, row in enumerate(bands):
        body.append(_band_group(row, left + index * group, group, top + plot_height, plot_height, ticks[-1], rotate))
    legend = [("converted", PALETTE["converted"], "box"), ("not converted", PALETTE["not_converted"], "box")]
    body.append(_legend(left, 14, legend))
    body.append(_text(width - right, 14, "above the bars: the band's conversion rate", "end", "muted"))
    return _svg(f"distribution-{model_id}", width, height, f"Score distribution of converted vs not, {model_id}", body)


def _value_axis(
    left: float, width: float, top: float, height: float, ticks: list[float], label: Callable[[float], str]
) -> list[str]:
    parts = []
    for tick in ticks:
        y = top + height - _scale(tick, ticks[-1], height)
        parts.append(_line(left, y, left + width, y, PALETTE["grid"]))
        parts.append(_text(left - 6, y + 4, _e(label(tick)), "end", "muted"))
    return parts


def _band_group(
    row: Row, x: float, group: float, baseline: float, plot_height: float, axis_top: float, rotate: bool
) -> str:
    band, bar_width, middle = str(row["band_label"]), group * 0.36, x + group / 2
    converted = _scale(float(row["share_of_conversions"] or 0), axis_top, plot_height)
    other = _scale(float(row["share_of_non_conversions"] or 0), axis_top, plot_height)
    label = (
        _text(middle + 3, baseline + 12, _e(band), "end", "", rotate=-40) if rotate
        else _text(middle, baseline + 15, _e(band), "middle")
    )
    return "".join(
        [
            _bar(
                x + group * 0.12, baseline - converted, bar_width, converted, PALETTE["converted"],
                f"{band}: {_plural(row['conversions'], 'observation')} converted "
                f"({_pct(row['share_of_conversions'])} of all converted)",
            ),
            _bar(
                x + group * 0.5, baseline - other, bar_width, other, PALETTE["not_converted"],
                f"{band}: {_plural(row['non_conversions'], 'observation')} not converted "
                f"({_pct(row['share_of_non_conversions'])} of all not converted)",
            ),
            _text(middle, baseline - max(converted, other) - 5, _e(_pct(row["conversion_rate"])), "middle", "tiny muted"),
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
    x_of = lambda t: left + _scale(float(t) - low, high - low, plot_width)  # noqa: E731
    y_of = lambda v: top + plot_height - _scale(float(v), 1.0, plot_height)  # noqa: E731
    body = _value_axis(left, plot_width, top, plot_height, [0, 0.25, 0.5, 0.75, 1.0], _pct_tick)
    body += [_text(x_of(t), top + plot_height + 16, _e(_score(t)), "middle", "muted") for t in _ticks(low, high)]
    body.append(_text(left + plot_width, top + plot_height + 30, "score threshold", "end", "muted"))
    for series, dash in (("precision", ""), ("recall", ""), ("f1", "5 4")):
        points = [None if row[series] is None else (x_of(row["threshold"]), y_of(row[series])) for row in curve]
        body.append(_path(points, PALETTE[series], series, dash))
    body += _threshold_markers(curve, x_of, low, high, top, top + plot_height)
    body.append(
        _legend(
            left, 14,
            [("precision (MQL→SQL rate)", PALETTE["precision"], "line"), ("recall", PALETTE["recall"], "line"),
             ("F1", PALETTE["f1"], "dash")],
        )
    )
    return _svg(f"calibration-{model_id}", width, height, f"Threshold calibration, {model_id}", body)


def _ticks(low: float, high: float) -> list[float]:
    step = _nice_step((high - low) / 6)
    first = math.ceil(low / step) * step
    return [first + index * step for index in range(int((high - first) // step) + 1)]


def _threshold_markers(
    curve: list[Row], x_of: Callable[[Any], float], low: float, high: float, top: float, bottom: float
) -> list[str]:
    parts = []
    recommended = _recommended(curve)
    current = curve[0]["current_mql_threshold"]
    if recommended is not None:
        x = x_of(recommended["threshold"])
        parts.append(_line(x, top - 14, x, bottom, PALETTE["recommended"], "", 2))
        label = f"recommended {_score(recommended['threshold'])}"
        parts.append(_text(x, top - 18, _e(label), _anchor(x, x_of(low), x_of(high)), "recommended"))
    if current is not None and low <= float(current) <= high:
        x = x_of(current)
        parts.append(_line(x, top + 2, x, bottom, PALETTE["current"], "5 4", 2))
        parts.append(_text(x, top - 2, _e(f"current {_score(current)}"), _anchor(x, x_of(low), x_of(high)), "current"))
    return parts


def _anchor(x: float, left: float, right: float) -> str:
    """Keep a marker's label inside the plot near its edges."""
    if x - left < 60:
        return "start"
    return "end" if right - x < 60 else "middle"


def _recommended(curve: list[Row]) -> Row | None:
    return next((row for row in curve if row["is_recommended"]), None)


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
    ticks = _axis_ticks(max(values + [0.01]))
    x_of = lambda v: left + _scale(float(v), ticks[-1], plot_width)  # noqa: E731
    y_of = lambda v: top + plot_height - _scale(float(v), ticks[-1], plot_height)  # noqa: E731
    body = _value_axis(left, plot_width, top, plot_height, ticks, _pct_tick)
    body += [_text(x_of(tick), top + plot_height + 16, _e(_pct_tick(tick)), "middle", "muted") for tick in ticks]
    body.append(_text(left + plot_width, top + plot_height + 32, "predicted probability", "end", "muted"))
    body.append(_text(left - 38, top + plot_height / 2, "observed rate", "middle", "muted", rotate=-90))
    body.append(_line(x_of(0), y_of(0), x_of(ticks[-1]), y_of(ticks[-1]), PALETTE["f1"], "3 4", 1))
    for series, key, colour, dash in (
        ("in_sample", "predicted_probability", PALETTE["recall"], "5 4"),
        ("heldout", "heldout_probability", PALETTE["precision"], ""),
    ):
        points = [
            None if row[key] is None else (x_of(row[key]), y_of(row["conversion_rate"])) for row in deciles
        ]
        body.append(_path(points, colour, series, dash))
        if series == "heldout":
            body += [_reliability_dot(row, *point, colour) for row, point in zip(deciles, points) if point]
    legend = [("held out", PALETTE["precision"], "line"), ("in-sample", PALETTE["recall"], "dash"),
              ("predicted = observed", PALETTE["f1"], "dash")]
    body.append(_legend(left, 14, legend))
    return _svg(f"reliability-{model_id}", width, height, f"Predicted vs observed conversion, {model_id}", body)


def _reliability_dot(row: Row, x: float, y: float, colour: str) -> str:
    tooltip = (
        f"decile {row['band_label']}, scores {_score(row['band_min'])} to {_score(row['band_max'])}: "
        f"{_plural(row['observations'], 'observation')}, {_count(row['conversions'])} reached SQL "
        f"({_pct(row['conversion_rate'])}); predicted {_pct(row['heldout_probability'])} held out, "
        f"{_pct(row['predicted_probability'])} in-sample"
    )
    return f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{_e(tooltip)}</title></circle>'


def velocity_chart(model_id: str, weeks: list[Row]) -> str | None:
    """Weekly new MQLs as bars, their MQL->SQL rate as a line on the right-hand axis."""
    if not weeks:
        return None
    width, height, left, right, top, bottom = 1090, 250, 50, 50, 34, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    counts = _axis_ticks(max(float(row["new_mqls"] or 0) for row in weeks))
    rates = _axis_ticks(max([float(row["mql_to_sql_rate"] or 0) for row in weeks] + [0.1]))
    body = _value_axis(left, plot_width, top, plot_height, counts, lambda value: f"{value:,.0f}")
    for rate in rates:
        y = top + plot_height - _scale(rate, rates[-1], plot_height)
        body.append(_text(left + plot_width + 6, y + 4, _e(_pct_tick(rate)), "start", "rate"))
    slot, baseline = plot_width / len(weeks), top + plot_height
    every = max(1, math.ceil(len(weeks) / 12))
    points: list[tuple[float, float] | None] = []
    for index, row in enumerate(weeks):
        x = left + index * slot
        bar_height = _scale(float(row["new_mqls"] or 0), counts[-1], plot_height)
        tooltip = (
            f"week of {row['week_start']}: {_plural(row['new_mqls'], 'new MQL')}, "
            f"{_count(row['mqls_reaching_sql'])} reached SQL ({_pct(row['mql_to_sql_rate'])})"
        )
        bar_width = min(slot * 0.7, 36)
        left_edge = x + (slot - bar_width) / 2
        body.append(_bar(left_edge, baseline - bar_height, bar_width, bar_height, PALETTE["volume"], tooltip))
        rate = row["mql_to_sql_rate"]
        points.append(None if rate is None else (x + slot / 2, baseline - _scale(float(rate), rates[-1], plot_height)))
        if index % every == 0:
            body.append(_text(x + slot / 2, baseline + 16, _e(f"{row['week_start']:%d %b}"), "middle", "muted"))
    body.append(_path(points, PALETTE["rate"], "mql_to_sql_rate"))
    legend = [("new MQLs per week", PALETTE["volume"], "box"), ("MQL→SQL rate (right axis)", PALETTE["rate"], "line")]
    body.append(_legend(left, 14, legend))
    return _svg(f"velocity-{model_id}", width, height, f"Weekly MQLs, {model_id}", body)


# --- tables -----------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """An HTML table; cells are already escaped."""
    css = lambda i: ' class="num"' if i in numeric else ""  # noqa: E731
    head = "".join(f"<th{css(i)}>{_e(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{css(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _status(row: Row) -> str:
    if row["is_mql"]:
        return '<span class="pill mql">MQL</span>'
    return '<span class="pill near">near MQL</span>' if row["is_near_mql"] else ""


def _reasons(row: Row) -> str:
    reasons = [_e(row[key]) for key in ("reason_1", "reason_2", "reason_3") if row.get(key)]
    return '<span class="reasons why">' + "<br>".join(reasons) + "</span>"


def _changed_rules(rules: str | None, shown: int = 3) -> str:
    """The first rules of the ' | '-separated list, one a line; all of them in the tooltip."""
    names = (rules or "").split(" | ") if rules else []
    more = f"<br>+{len(names) - shown} more" if len(names) > shown else ""
    lines = "<br>".join(_e(name) for name in names[:shown])
    return f'<span class="reasons" title="{_e(rules or "")}">{lines}{more}</span>'


def priority_table(rows: list[Row]) -> str:
    headers = [
        "#", "lead", "score", "grade", "fit", "status", "why", "change", "changed rules", "last activity", "stage",
    ]
    body = [
        [
            _count(row["priority_rank"]), _cell(row["lead_id"]), _score(row["total_score"]), _cell(row["score_grade"]),
            _cell(row["fit_grade"]), _status(row), _reasons(row), _signed(row["score_change_since_previous_day"]),
            _changed_rules(row["changed_rules"]), _e(_day(row["last_activity_date"])),
            _cell(row["stage_reached"]),
        ]
        for row in rows
    ]
    return _table(headers, body, {0, 2, 7})


def accounts_table(rows: list[Row]) -> str:
    headers = ["account", "model", "score", "grade", "leads", "engaged", "MQLs", "SQLs ever", "MQL→SQL", "last SQL"]
    body = [
        [
            _cell(row["account_id"]), _cell(row["model_id"]), _score(row["account_score"]), _cell(row["account_grade"]),
            _count(row["leads"]), _count(row["engaged_leads"]), _count(row["mqls"]), _count(row["sqls_ever"]),
            _pct(row["mql_to_sql_rate"]), _e(_day(row["last_sql_at"])),
        ]
        for row in rows
    ]
    return _table(headers, body, {2, 4, 5, 6, 7, 8})


# --- page -------------------------------------------------------------------------------------


def _empty(message: str) -> str:
    return f'<p class="empty">{_e(message)}</p>'


def _has_marks(chart: str | None) -> bool:
    """A chart with at least one bar or line: the page never shows an empty chart."""
    return chart is not None and ('<rect class="bar"' in chart or '<path class="line"' in chart)


def _figure(caption: str, chart: str | None, empty_message: str, note: str = "") -> str:
    """A captioned chart, or the message saying why there is none; `note` is escaped HTML."""
    drawn = _has_marks(chart)
    content = chart if drawn else _empty(empty_message)
    notes = f'<p class="note">{note}</p>' if note and drawn else ""
    return f"<figure><figcaption>{_e(caption)}</figcaption>{content}{notes}</figure>"


def _section(key: str, title: str, intro: str, body: str, wide: bool = False) -> str:
    """A card of the page; `intro` and `body` are already escaped HTML."""
    layout = "stack" if wide else "grid"
    return (
        f'<section id="{key}" data-section="{key}"><h2>{_e(title)}</h2><p class="intro">{intro}</p>'
        f'<div class="{layout}">{body}</div></section>'
    )


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


# Each section's render function gives its intro and body, escaped HTML, from the day's data.
Rendered = tuple[str, str]


def conversion_section(data: ReportData) -> Rendered:
    grouped: dict[str, list[Row]] = {}
    for row in data.segments:
        grouped.setdefault(str(row["segment_dimension"]), []).append(row)
    order = [d for d in DIMENSION_LABELS if d in grouped] + sorted(d for d in grouped if d not in DIMENSION_LABELS)
    figures = [
        _figure(
            DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize()),
            segment_chart(dimension, grouped[dimension], data.target_rate),
            "No segment has leads.",
            _more_segments(len(grouped[dimension])),
        )
        for dimension in order
    ]
    body = "".join(figures) or _empty("No data: rpt_conversion_by_segment has no all-cohort rows for this day.")
    intro = (
        "Share of each segment's leads that reached SQL (bar) and were won (its dark part), over all cohorts, "
        "MQL or not; beside each bar the median days from lead creation to SQL. Where a segment has MQLs, "
        "the diamond is its MQL→SQL rate, against the target rate (dashed). Grey bars are small segments "
        "(too few leads to trust the rate). Days to won and p90 days are in rpt_conversion_by_segment.csv."
    )
    return _e(intro), body


def _more_segments(count: int) -> str:
    if count <= SEGMENTS_PER_CHART:
        return ""
    return _e(f"The {SEGMENTS_PER_CHART} largest of {count} segments; all are in rpt_conversion_by_segment.csv.")


def distribution_section(data: ReportData) -> Rendered:
    figures = [
        _figure(model_id, distribution_chart(model_id, rows), _history_message(data))
        for model_id, rows in _by_model(data, data.bands).items()
    ]
    intro = (
        f"Past scores (at least {data.window_days} days old) of leads that reached SQL within "
        f"{data.window_days} days vs those that did not, by 25-point score band. Each series adds up "
        "to 100%; the grey figure above each band is its conversion rate."
    )
    return _e(intro), "".join(figures) or _empty(_history_message(data))


def calibration_section(data: ReportData) -> Rendered:
    figures = [
        _figure(model_id, calibration_chart(model_id, rows), _history_message(data), _calibration_note(rows))
        for model_id, rows in _by_model(data, data.curve).items()
    ]
    intro = (
        "For each possible MQL threshold: the share of past MQLs that reached SQL (precision) and the "
        "share of all SQLs the threshold would have caught (recall)."
    )
    return _e(intro), "".join(figures) or _empty(_history_message(data))


def _calibration_note(curve: list[Row]) -> str:
    recommended = _recommended(curve)
    if recommended is None:
        return ""
    current = next((row for row in curve if row["threshold"] == row["current_mql_threshold"]), None)
    parts = [
        f"<strong>Recommended: {_e(_score(recommended['threshold']))}</strong> "
        f"({_e(recommended['recommendation_rule'])}): "
        f"precision {_e(_pct(recommended['precision']))}, recall {_e(_pct(recommended['recall']))}."
    ]
    if current is not None:
        parts.append(
            f" Current {_e(_score(current['threshold']))}: precision {_e(_pct(current['precision']))}, "
            f"recall {_e(_pct(current['recall']))}."
        )
    return "".join(parts)


def probability_section(data: ReportData) -> Rendered:
    models = {str(row["model_id"]): row for row in data.probability_models}
    figures = [
        _figure(
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
    return _e(intro), "".join(figures) or _empty(_history_message(data))


def _no_probability_message(data: ReportData, model: Row | None) -> str:
    reason = model["reason"] if model else None
    if not reason:
        return _history_message(data)
    return f"No conversion probability for this model: {reason}."


def _probability_note(data: ReportData, deciles: list[Row], model: Row | None) -> str:
    parts = []
    if model and model["leads_with_probability"]:
        parts.append(
            f"<strong>{_e(_score(model['expected_conversions']))} SQLs expected</strong> within "
            f"{data.window_days} days from the {_e(_plural(model['leads_with_probability'], 'open lead'))} "
            "with a probability (the sum of their probabilities)."
        )
    gap = deciles[0]["heldout_gap"] if deciles else None
    if gap is not None:
        parts.append(
            f" Held out, the predictions miss the observed rate by {float(gap) * 100:.1f} percentage points "
            "on average (weighted by observations)."
        )
    return "".join(parts)


def velocity_section(data: ReportData) -> Rendered:
    message = "No score history yet: rpt_mql_velocity has no weeks for this model."
    figures = [
        _figure(model_id, velocity_chart(model_id, rows), message)
        for model_id, rows in _by_model(data, data.velocity).items()
    ]
    intro = (
        "New MQLs per week (bars, left axis) and the share of them that has reached SQL by today "
        "(line, right axis; recent weeks have had less time to convert)."
    )
    return _e(intro), "".join(figures) or _empty("No data: rpt_mql_velocity has no rows.")


def priority_section(data: ReportData) -> Rendered:
    parts = []
    for model_id, rows in _by_model(data, data.priority).items():
        table = priority_table(rows) if rows else _empty("No MQL or near-MQL lead to call for this model today.")
        parts.append(f"<h3>{_e(model_id)}</h3>{table}")
    intro = _e(
        f"The first {PRIORITY_ROWS_PER_MODEL} leads per model: today's MQLs and near-MQLs not yet at SQL, "
        "highest score first. The full list is in "
    ) + '<a href="sales_priority.csv">sales_priority.csv</a>.'
    return intro, "".join(parts) or _empty("No data: rpt_sales_priority has no rows.")


def accounts_section(data: ReportData) -> Rendered:
    body = accounts_table(data.accounts) if data.accounts else _empty("No data: fct_account_scores has no rows.")
    intro = f"The {ACCOUNT_ROWS} accounts with the highest account score, all models together."
    return _e(intro), body


@dataclass(frozen=True)
class PageSection:
    """One card of the page, in PAGE_SECTIONS order (which numbers the titles)."""

    key: str  # the card's id and data-section, and the navigation anchor
    nav: str  # its label in the navigation bar
    title: str
    render: Callable[[ReportData], Rendered]
    wide: bool = False  # one chart or table per row instead of a grid


# The page, top to bottom. A new section is a render function, its data in ReportData (read in
# load_report) and one entry here.
PAGE_SECTIONS: tuple[PageSection, ...] = (
    PageSection("conversion", "Conversion", "Conversion by segment", conversion_section),
    PageSection("distribution", "Score distribution", "Score distribution: converted vs not", distribution_section),
    PageSection("calibration", "Calibration", "Threshold calibration", calibration_section),
    PageSection("probability", "Probability", "Conversion probability: predicted vs observed", probability_section),
    PageSection("velocity", "MQL volume", "MQL volume over time", velocity_section, wide=True),
    PageSection("priority", "Sales priority", "Sales priority list", priority_section, wide=True),
    PageSection("accounts", "Accounts", "Top accounts", accounts_section, wide=True),
    PageSection("data-fit", "Data fit", DATA_FIT_TITLE, lambda data: data_fit_section(data.data_fit), wide=True),
)


def _header(data: ReportData) -> str:
    cards = [_kpi("leads scored", _count(data.leads_scored), "")]
    cards += [
        _kpi(
            f"MQLs · {model.model_id}", _count(model.mqls),
            f"of {_count(model.leads)} leads, threshold {_score(model.mql_threshold)}",
        )
        for model in data.models
    ]
    links = " · ".join(f'<a href="{_e(t)}.csv">{_e(t)}</a>' for t in REPORT_TABLES)
    return (
        f'<header><div class="wrap"><p class="eyebrow">Lead scoring report</p>'
        f"<h1>As of {_e(data.as_of.isoformat())}</h1>"
        f'<div class="kpis">{"".join(cards)}</div>'
        f'<p class="files">Data beside this page (CSV and Parquet): {links}</p></div></header>'
    )


def _kpi(label: str, value: str, detail: str) -> str:
    small = f'<div class="detail">{_e(detail)}</div>' if detail else ""
    return f'<div class="kpi"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>{small}</div>'


def _nav(sections: Sequence[PageSection]) -> str:
    return "<nav>" + "".join(f'<a href="#{_e(s.key)}">{_e(s.nav)}</a>' for s in sections) + "</nav>"


def render_page(data: ReportData, sections: Sequence[PageSection] = PAGE_SECTIONS) -> str:
    cards = []
    for number, section in enumerate(sections, start=1):
        intro, body = section.render(data)
        cards.append(_section(section.key, f"{number}. {section.title}", intro, body, section.wide))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Lead scoring report {_e(data.as_of.isoformat())}</title><style>{CSS}</style></head>"
        f'<body>{_header(data)}<main class="wrap">{_nav(sections)}{"".join(cards)}'
        f'<footer>Generated by leadscore from the warehouse tables of {_e(data.as_of.isoformat())}.</footer>'
        "</main></body></html>\n"
    )


CSS = """
:root{--ink:#111827;--text:#374151;--muted:#6b7280;--line:#e5e7eb;--bg:#f3f4f6;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);
  font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",Arial,sans-serif}
.wrap{max-width:1220px;margin:0 auto;padding-left:32px;padding-right:32px}
header{background:#0f172a;color:#e2e8f0;padding:28px 0 22px}
header h1{margin:0;font-size:28px;font-weight:650;color:#fff}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#94a3b8}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:18px 0 12px}
.kpi{background:#1e293b;border:1px solid #334155;border-radius:10px;padding:10px 18px;min-width:170px}
.kpi .label{font-size:12px;color:#94a3b8}
.kpi .value{font-size:24px;font-weight:650;color:#fff;font-variant-numeric:tabular-nums}
.kpi .detail{font-size:12px;color:#94a3b8}
.files{margin:0;font-size:12px;color:#94a3b8}
.files a{color:#bfdbfe}
nav{display:flex;gap:6px;flex-wrap:wrap;margin:18px 0}
nav a{background:#fff;border:1px solid var(--line);border-radius:999px;padding:4px 12px;color:var(--text);
  text-decoration:none;font-size:13px}
section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 24px 24px;
  margin-bottom:22px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
section h2{margin:0 0 4px;font-size:19px;color:var(--ink)}
section h3{margin:18px 0 8px;font-size:15px;color:var(--ink)}
.intro{margin:0 0 16px;color:var(--muted);max-width:900px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:22px 30px}
.stack>figure+figure{margin-top:22px}
figure{margin:0}
figcaption{font-weight:600;color:var(--ink);margin-bottom:6px}
.note{margin:6px 0 0;font-size:13px;color:var(--text)}
.empty{margin:0;background:#fff7ed;border:1px solid #fed7aa;color:#9a3412;padding:12px 16px;border-radius:8px}
svg.chart{display:block;max-width:100%;height:auto;overflow:visible}
svg text{font-size:11px;fill:#374151}
svg .muted{fill:#9ca3af}
svg .strong{font-weight:650;fill:#111827}
svg .tag{fill:#6b7280;font-style:italic}
svg .tiny{font-size:10px}
svg .target{fill:#c2410c;font-size:10px}
svg .recommended{fill:#15803d;font-weight:650}
svg .current{fill:#b91c1c;font-weight:650}
svg .rate{fill:#1e3a8a}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);padding:6px 8px;
  white-space:nowrap;font-size:12px}
td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
tbody tr:nth-child(even){background:#f9fafb}
.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;white-space:nowrap}
.pill.mql{background:#dcfce7;color:#166534}
.pill.near{background:#fef3c7;color:#92400e}
.reasons{font-size:12px;color:var(--muted)}
.why{display:block;min-width:320px}
footer{color:var(--muted);font-size:12px;margin:8px 0 40px}
"""
