"""What the day's report reads from the warehouse: the tables it needs, the check that the
warehouse holds a complete, tested day, and the rows the page shows (`ReportData`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from leadscore.reporting.check import DataFit, load_data_fit
from leadscore.warehouse import SUCCEEDED, latest_run

# The tables the page's queries below read. The files written beside the page are the models
# tagged `report` in dbt_project.yml (leadscore.running.bi_tables.report_tables).
REQUIRED_TABLES = (
    "fct_lead_scores",
    "rpt_conversion_by_segment",
    "rpt_mql_velocity",
    "rpt_score_band_conversion",
    "rpt_score_threshold_curve",
    "rpt_sales_priority",
    "fct_account_scores",
)
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


def check_warehouse(connection: duckdb.DuckDBPyConnection, as_of: date, path: Path, for_run: str | None = None) -> None:
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


def load_report(connection: duckdb.DuckDBPyConnection, as_of: date) -> ReportData:
    settings_row = _report_settings(connection)
    target_rate = settings_row.get("target_mql_to_sql_rate")
    return ReportData(
        as_of=as_of,
        leads_scored=connection.execute("select count(distinct lead_id) from fct_lead_scores").fetchone()[0],
        models=[ModelFigures(**row) for row in _rows(connection, MODELS_QUERY)],
        window_days=int(settings_row.get("conversion_window_days") or DEFAULT_WINDOW_DAYS),
        target_rate=None if target_rate is None else float(target_rate),
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


def recommended_threshold(curve: list[Row]) -> Row | None:
    """The row of a model's threshold curve that rpt_score_threshold_curve recommends, if any."""
    return next((row for row in curve if row["is_recommended"]), None)


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
