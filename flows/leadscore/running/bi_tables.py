"""Which tables are published, read from the dbt graph: dbt_project.yml tags them, and that is the
one list. `bi`: published for BI tools by every daily run; `report`: also written as the day's
report files (CSV and Parquet); `history`: also published by a backfill."""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

from leadscore.settings import Settings

PUBLISHED_TAG = "bi"
REPORT_TAG = "report"
HISTORY_TAG = "history"


class GraphUnavailable(RuntimeError):
    """dbt could not parse the project, so the tagged tables are unknown."""


def tagged_tables(settings: Settings, tag: str) -> tuple[str, ...]:
    """The models tagged `tag`, by name, from the manifest of the latest dbt invocation in this
    project (a daily run's build has just written it); when there is none, from a parse into a
    folder of its own (no half-written manifest is ever read, none is left behind)."""
    nodes = _manifest(settings)["nodes"].values()
    return tuple(sorted(node["name"] for node in nodes if node["resource_type"] == "model" and tag in node["tags"]))


def published_tables(settings: Settings) -> tuple[str, ...]:
    return tagged_tables(settings, PUBLISHED_TAG)


def report_tables(settings: Settings) -> tuple[str, ...]:
    return tagged_tables(settings, REPORT_TAG)


def history_tables(settings: Settings) -> tuple[str, ...]:
    return tagged_tables(settings, HISTORY_TAG)


def manifest_path(settings: Settings) -> Path:
    """Where dbt writes manifest.json: DBT_TARGET_PATH (relative to the project) or target/."""
    folder = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return (folder if folder.is_absolute() else settings.project_dir / folder) / "manifest.json"


def _manifest(settings: Settings) -> dict:
    path = manifest_path(settings)
    if path.is_file():
        return json.loads(path.read_text())
    project = settings.project_dir / "dbt_project.yml"
    return _parsed_aside(settings, project.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parsed_aside(settings: Settings, _project_version: int) -> dict:
    from leadscore.running.dbt_runner import run_dbt, temporary_environment

    with tempfile.TemporaryDirectory(prefix="leadscore-parse-") as folder:
        with temporary_environment({"DBT_TARGET_PATH": folder, "DBT_LOG_PATH": folder}):
            parsed = run_dbt(settings, ["parse"])
        written = Path(folder) / "manifest.json"
        if not parsed.success or not written.is_file():
            raise GraphUnavailable(f"dbt could not parse the project: {parsed.error or 'see the dbt log'}")
        return json.loads(written.read_text())
