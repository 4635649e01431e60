"""Read-only questions to the DuckDB warehouse after a build: summaries and explanations."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from leadscore.settings import Settings


@dataclass(frozen=True)
class ModelSummary:
    model_id: str
    leads: int
    mqls: int
    average_score: float


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    if not settings.duckdb_path.exists():
        raise FileNotFoundError(f"No warehouse at {settings.duckdb_path}: run `leadscore run` first.")
    return duckdb.connect(str(settings.duckdb_path), read_only=True)


def score_summary(settings: Settings) -> list[ModelSummary]:
    with connect(settings) as connection:
        rows = connection.execute(
            """
            select model_id, count(*), count(*) filter (where is_mql), avg(total_score)
            from fct_lead_scores
            group by model_id
            order by model_id
            """
        ).fetchall()
    return [ModelSummary(r[0], r[1], r[2], float(r[3] or 0)) for r in rows]


def lead_explanation(settings: Settings, lead_id: str) -> tuple[list[tuple], list[tuple]]:
    """The lead's score rows and its ledger rows, largest contributions first."""
    with connect(settings) as connection:
        scores = connection.execute(
            """
            select model_id, as_of_date, total_score, fit_score, behaviour_score, negative_score,
                decay_score, score_grade, fit_grade, is_mql, qualification_status, stage_reached
            from fct_lead_scores
            where lead_id = ?
            order by model_id
            """,
            [lead_id],
        ).fetchall()
        points = connection.execute(
            """
            select model_id, component, rule_id, evidence, raw_points, adjustment, final_points
            from fct_lead_score_points
            where lead_id = ?
            order by model_id, abs(final_points) desc, rule_id
            """,
            [lead_id],
        ).fetchall()
    return scores, points


@dataclass(frozen=True)
class DaySummary:
    as_of: str
    leads_scored: int
    mqls: int
    new_mqls: int
    grade_changes: int
    previous_day: str | None


def day_summary(settings: Settings, as_of: str) -> DaySummary:
    """Leads scored and MQLs on the day, and what changed since the previous scored day."""
    with connect(settings) as connection:
        leads, mqls = connection.execute(
            "select count(distinct lead_id), count(distinct lead_id) filter (where is_mql) "
            "from fct_lead_score_history where as_of_date = ?",
            [as_of],
        ).fetchone()
        previous = connection.execute(
            "select max(as_of_date) from fct_lead_score_history where as_of_date < ?", [as_of]
        ).fetchone()[0]
        new_mqls, grade_changes = connection.execute(
            """
            select
                count(*) filter (where today.is_mql and not coalesce(before.is_mql, false)),
                count(*) filter (where before.lead_id is not null and today.score_grade <> before.score_grade)
            from fct_lead_score_history as today
            left join fct_lead_score_history as before
                on before.as_of_date = ?
                and today.lead_id = before.lead_id
                and today.model_id = before.model_id
            where today.as_of_date = ?
            """,
            [previous, as_of],
        ).fetchone()
    return DaySummary(
        as_of=as_of,
        leads_scored=leads,
        mqls=mqls,
        new_mqls=new_mqls,
        grade_changes=grade_changes,
        previous_day=str(previous) if previous else None,
    )


def scored_days(settings: Settings) -> set[str]:
    """Days already in the score history (empty when there is no warehouse yet)."""
    if not settings.duckdb_path.exists():
        return set()
    with connect(settings) as connection:
        exists = connection.execute(
            "select count(*) from information_schema.tables where table_name = 'fct_lead_score_history'"
        ).fetchone()[0]
        if not exists:
            return set()
        rows = connection.execute("select distinct as_of_date from fct_lead_score_history").fetchall()
    return {str(row[0]) for row in rows}
