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
