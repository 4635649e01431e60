"""The learning builds the tests read: one `leadscore suggest-weights` on a one-off export and one
on a daily history (learning_data's generators), each in its own copy of the project. Each
is built once by a module-scoped fixture (test_learning_export, test_learning_history); every
test that reads a build lives in that module, so the build is shared under pytest-xdist's
--dist loadfile too. The tests only read a case."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from conftest import copy_project
from learning_data import Planted, write_export, write_history

LEADSCORE = Path(sys.executable).parent / "leadscore"
EXPORT_LEADS = 1500
EXPORT_TARGET_SHARE = 0.25  # report_settings.target_mql_share of the export's project
HISTORY_AS_OF = date(2026, 6, 30)
HISTORY_DAYS = 118  # from 2026-03-04: days 03-04, 03-18 and 04-01 are scored (04-01 + 90 = as-of)
HISTORY_LEADS = 4500  # a quarter are created by the last scored day (the observed leads)


@dataclass
class Case:
    root: Path
    project: Path
    planted: Planted
    suggested: subprocess.CompletedProcess
    candidate: Path
    env: dict
    seeds_before: str  # digest of the project's live seeds before suggest-weights ran

    def rows(self, name: str) -> list[dict]:
        with (self.candidate / name).open(newline="") as handle:
            return list(csv.DictReader(handle))

    @property
    def output(self) -> str:
        return self.suggested.stdout + self.suggested.stderr

    @property
    def gain(self) -> dict:
        return json.loads((self.candidate / "report" / "expected_gain.json").read_text())

    def work_database(self, seed_set: str) -> Path:
        return self.candidate / "report" / "work" / seed_set / "scores.duckdb"


def set_report_settings(project: Path, **values) -> None:
    path = project / "seeds" / "report_settings.csv"
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        columns, (row,) = reader.fieldnames, list(reader)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerow({**row, **{key: str(value) for key, value in values.items()}})


def seeds_digest(project: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((project / "seeds").iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def leadscore_env(root: Path, project: Path, landing: Path) -> dict:
    return {
        **os.environ,
        "LEADSCORE_PROJECT_DIR": str(project),
        "LEADSCORE_LANDING_DIR": str(landing),
        "LEADSCORE_DUCKDB_PATH": str(root / "warehouse" / "leadscore.duckdb"),
        "LEADSCORE_REPORTS_DIR": str(root / "reports"),
        "PREFECT_HOME": str(root / "prefect"),
        "DBT_TARGET_PATH": str(root / "dbt_target"),
        "DBT_LOG_PATH": str(root / "dbt_logs"),
    }


def _suggest(root: Path, project: Path, planted: Planted, as_of: date) -> Case:
    """`leadscore suggest-weights --as-of` and nothing else, as a user runs it."""
    env = leadscore_env(root, project, root / "landing")
    before = seeds_digest(project)
    suggested = subprocess.run(
        [str(LEADSCORE), "suggest-weights", "--as-of", as_of.isoformat()],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=root,
    )
    return Case(root, project, planted, suggested, project / "seeds_candidates" / f"suggested-{as_of}", env, before)


def export_case(root: Path) -> Case:
    """The issue's shape, small: leads and page views over 60 days, outcomes 3 to 20 days after
    the export day; report_settings asks for a target MQL share."""
    project = copy_project(root / "project")
    set_report_settings(project, threshold_rule="target_share", target_mql_share=EXPORT_TARGET_SHARE)
    planted = write_export(root / "landing", leads=EXPORT_LEADS)
    return _suggest(root, project, planted, planted.as_of)


def history_case(root: Path) -> Case:
    """A live daily history up to HISTORY_AS_OF with the shipped report_settings (best F1)."""
    project = copy_project(root / "project")
    planted = write_history(root / "landing", leads=HISTORY_LEADS, as_of=HISTORY_AS_OF, history_days=HISTORY_DAYS)
    return _suggest(root, project, planted, HISTORY_AS_OF)
