"""run_dbt and build without dbt: what they do with the outcomes dbtRunner returns, when the seed
phase runs, and the DuckDB file held open for an invocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import dbt.cli.main
import duckdb
import pytest

from conftest import make_settings
from leadscore.running.dbt_runner import DbtBuildError, build, run_dbt, seed_tables
from leadscore.settings import Settings

BUSY = "Resource In Use Error: connection is busy with another call; it refuses instead of waiting"


@dataclass
class Outcome:
    success: bool
    exception: BaseException | None = None
    result: object = None


def scripted_runner(monkeypatch: pytest.MonkeyPatch, outcomes: list[Outcome]) -> list[list[str]]:
    """dbtRunner replaced by one returning `outcomes` in turn; returns the commands it was given."""
    invoked: list[list[str]] = []

    class Runner:
        def __init__(self, callbacks: list) -> None:
            pass

        def invoke(self, command: list[str]) -> Outcome:
            invoked.append(command)
            return outcomes[len(invoked) - 1]

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    return invoked


def test_a_busy_connection_is_invoked_again_and_the_second_answer_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [Outcome(False, RuntimeError(BUSY)), Outcome(False, RuntimeError("the real message"))]
    invoked = scripted_runner(monkeypatch, answers)
    result = run_dbt(make_settings(tmp_path, tmp_path), ["compile"])
    assert len(invoked) == 2 and invoked[0] == invoked[1]
    assert not result.success and result.error == "the real message"


@pytest.mark.parametrize("outcome", [Outcome(False, RuntimeError("a model failed")), Outcome(True)])
def test_other_outcomes_are_invoked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outcome: Outcome) -> None:
    invoked = scripted_runner(monkeypatch, [outcome, Outcome(True)])
    result = run_dbt(make_settings(tmp_path, tmp_path), ["compile"])
    assert len(invoked) == 1 and result.success == outcome.success


# --- the seed phase runs when its inputs could have changed ---------------------------------------

MODEL_PHASE_RESULT = SimpleNamespace(
    results=[
        SimpleNamespace(
            node=SimpleNamespace(unique_id="model.leadscore.a", resource_type="model", relation_name=None),
            status="success",
            message=None,
            failures=None,
        )
    ]
)
DAY = date(2026, 3, 31)


def _warehouse_with_seed_tables(settings: Settings) -> None:
    """The seed tables a seed phase would have loaded (dbt is scripted here)."""
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.duckdb_path)) as connection:
        for table in seed_tables(settings):
            connection.execute(f"create table if not exists {table} (loaded integer)")


def _phases(invoked: list[list[str]]) -> list[str]:
    return [
        "seeds" if command[command.index("resource_type:seed") - 1] == "--select" else "models" for command in invoked
    ]


def _build_phases(monkeypatch: pytest.MonkeyPatch, settings: Settings, outcomes: list[Outcome], **options) -> list[str]:
    invoked = scripted_runner(monkeypatch, outcomes)
    try:
        build(settings, DAY, **options)
    finally:
        phases = _phases(invoked)
    return phases


def test_unchanged_seeds_skip_the_seed_phase_and_an_edited_seed_runs_it_again(
    tmp_path: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, tmp_path, project_dir=project_copy)
    _warehouse_with_seed_tables(settings)
    ok = [Outcome(True, result=MODEL_PHASE_RESULT)] * 2
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]
    # same seed files: the seed tables and the tests on them would be the same
    assert _build_phases(monkeypatch, settings, ok) == ["models"]
    weights = project_copy / "seeds" / "behaviour_rules.csv"
    weights.write_text(weights.read_text().replace(",", ", ", 1))
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]
    assert _build_phases(monkeypatch, settings, ok) == ["models"]
    # a full refresh always loads and tests the seeds
    assert _build_phases(monkeypatch, settings, ok, full_refresh=True) == ["seeds", "models"]


@pytest.mark.parametrize("edited", ["seeds/_seeds.yml", "tests/generic/not_empty.sql", "dbt_project.yml"])
def test_a_change_to_the_seed_tests_or_configs_runs_the_seed_phase(
    tmp_path: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch, edited: str
) -> None:
    settings = make_settings(tmp_path, tmp_path, project_dir=project_copy)
    _warehouse_with_seed_tables(settings)
    ok = [Outcome(True, result=MODEL_PHASE_RESULT)] * 2
    _build_phases(monkeypatch, settings, ok)
    (project_copy / edited).write_text((project_copy / edited).read_text() + "\n")
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]


def test_a_missing_seed_table_runs_the_seed_phase(
    tmp_path: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, tmp_path, project_dir=project_copy)
    _warehouse_with_seed_tables(settings)
    ok = [Outcome(True, result=MODEL_PHASE_RESULT)] * 2
    _build_phases(monkeypatch, settings, ok)
    with duckdb.connect(str(settings.duckdb_path)) as connection:
        connection.execute("drop table fit_rules")
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]


def test_a_failed_build_records_nothing_so_the_next_one_loads_the_seeds_again(
    tmp_path: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, tmp_path, project_dir=project_copy)
    _warehouse_with_seed_tables(settings)
    ok = [Outcome(True, result=MODEL_PHASE_RESULT)] * 2
    models_fail = [Outcome(True, result=MODEL_PHASE_RESULT), Outcome(False, RuntimeError("a model failed"))]
    with pytest.raises(DbtBuildError):
        _build_phases(monkeypatch, settings, models_fail)
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]
    # recorded now; an edited seed whose tests fail after loading it drops the record, so going
    # back to the recorded files still loads them again (the tables hold the failed edit)
    weights = project_copy / "seeds" / "fit_rules.csv"
    recorded = weights.read_text()
    weights.write_text(recorded.replace(",", ", ", 1))
    with pytest.raises(DbtBuildError):
        _build_phases(monkeypatch, settings, [Outcome(False, RuntimeError("a seed test failed"))])
    weights.write_text(recorded)
    assert _build_phases(monkeypatch, settings, ok) == ["seeds", "models"]
    assert _build_phases(monkeypatch, settings, ok) == ["models"]


def test_the_database_is_held_open_for_the_invocation_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, tmp_path)
    settings.duckdb_path.parent.mkdir(parents=True)
    duckdb.connect(str(settings.duckdb_path)).close()  # a warehouse a read-only connection can open
    during: list[str] = []

    class Runner:
        def __init__(self, callbacks: list) -> None:
            pass

        def invoke(self, command: list[str]) -> Outcome:
            # the read-write instance run_dbt holds refuses a read-only one in this process
            try:
                duckdb.connect(str(settings.duckdb_path), read_only=True).close()
                during.append("not held")
            except duckdb.Error:
                during.append("held")
            return Outcome(True)

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    run_dbt(settings, ["build"])
    run_dbt(settings, ["parse"])
    assert during == ["held", "not held"]
    duckdb.connect(str(settings.duckdb_path), read_only=True).close()  # released afterwards
