"""Copy the BI-facing tables out of the warehouse as Parquet, each file swapped in atomically."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from leadscore.settings import Settings

PUBLISHED_TABLES = (
    "fct_lead_scores",
    "fct_lead_score_points",
    "fct_lead_score_history",
    "fct_lead_score_changes",
    "fct_lead_mql_dates",
    "fct_account_scores",
    "rpt_conversion_by_segment",
    "rpt_mql_velocity",
    "rpt_score_band_conversion",
    "rpt_score_threshold_curve",
    "rpt_sales_priority",
)
HISTORY_TABLES = ("fct_lead_score_history", "fct_lead_score_changes", "fct_lead_mql_dates")


def published_file(settings: Settings, table: str) -> Path:
    return settings.published_dir / table / "data.parquet"


def publish_tables(settings: Settings, tables: tuple[str, ...] = PUBLISHED_TABLES) -> list[Path]:
    """Write each table beside its published file, then rename it into place: a reader sees the
    old file or the new one, never half of one. Only called after a successful build."""
    written = []
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        for table in tables:
            target = published_file(settings, table)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            connection.execute(
                f"copy (select * from {table}) to '{partial}' (format parquet, compression zstd)"
            )
            os.replace(partial, target)
            written.append(target)
    return written
