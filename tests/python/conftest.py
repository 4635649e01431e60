"""Shared fixtures: every test gets its own DuckDB file, dbt target folder and landing folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from leadscore.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@pytest.fixture
def isolated_dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """dbt's target and log folders under tmp_path, so tests never share partial-parse state."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    return tmp_path


def make_settings(tmp_path: Path, landing: Path, project_dir: Path = PROJECT_DIR) -> Settings:
    return Settings.resolve(
        project_dir=project_dir,
        duckdb_path=tmp_path / "warehouse" / "leadscore.duckdb",
        landing_dir=landing,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of the dbt project whose seeds a test may edit."""
    copy = tmp_path / "project"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            shutil.copy2(source, copy / part)
    yield copy


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def plant_rows(landing: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Append hand-made rows to a CSV landing file, in the file's own column order."""
    path = landing / f"{table}.csv"
    header = path.read_text().split("\n", 1)[0].split(",")
    with path.open("a") as handle:
        for row in rows:
            unknown = set(row) - set(header)
            assert not unknown, f"{table}.csv has no columns {unknown}"
            handle.write(",".join(row.get(column, "") for column in header) + "\n")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (each start migrates a database)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
