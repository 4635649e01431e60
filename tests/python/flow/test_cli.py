"""The `leadscore` command line, run as a user runs it (a subprocess): backfill resumes, exit
codes, explain."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

LEADSCORE = Path(sys.executable).parent / "leadscore"


@dataclass
class Result:
    exit_code: int
    output: str


def leadscore(*args: str) -> Result:
    completed = subprocess.run(
        [str(LEADSCORE), *args], capture_output=True, text=True, timeout=600, env=os.environ.copy()
    )
    return Result(completed.returncode, completed.stdout + completed.stderr)


AS_OF = date(2026, 3, 31)


def history_days(database: Path) -> list[date]:
    with duckdb.connect(str(database), read_only=True) as db:
        return [
            row[0] for row in db.execute("select distinct as_of_date from fct_lead_score_history order by 1").fetchall()
        ]


def test_backfill_resumes_and_skips_days_already_scored(cli_env: Path) -> None:
    first = leadscore("backfill", "--start", "2026-03-28", "--end", "2026-03-29")
    assert first.exit_code == 0, first.output
    assert history_days(cli_env / "warehouse" / "leadscore.duckdb") == [date(2026, 3, 28), date(2026, 3, 29)]

    resumed = leadscore("backfill", "--start", "2026-03-28", "--end", "2026-03-30")
    assert resumed.exit_code == 0, resumed.output
    assert "Skipping 2 days already scored" in resumed.output
    assert "Backfilled 1 days" in resumed.output
    assert history_days(cli_env / "warehouse" / "leadscore.duckdb") == [
        date(2026, 3, 28),
        date(2026, 3, 29),
        date(2026, 3, 30),
    ]


def test_run_then_explain(cli_env: Path) -> None:
    result = leadscore("run", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert "2 leads scored" in result.output
    assert (cli_env / "published" / "fct_lead_scores" / "data.parquet").exists()

    explained = leadscore("explain", "L1")
    assert explained.exit_code == 0, explained.output
    assert "beh_demo_request" in explained.output
    assert "fit_seniority_vp" in explained.output

    unknown = leadscore("explain", "NOPE")
    assert unknown.exit_code == 1


def test_run_fails_with_exit_code_1_on_bad_input(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = cli_env / "empty_landing"
    empty.mkdir()
    monkeypatch.setenv("LEADSCORE_LANDING_DIR", str(empty))
    result = leadscore("run", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 1
    assert "No leads file" in result.output


def test_bad_date_is_a_usage_error(cli_env: Path) -> None:
    result = leadscore("run", "--as-of", "31/03/2026")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
