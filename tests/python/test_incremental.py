"""The incremental daily run gives the same scores and history as a full rebuild.

A year of demo events (2,000 leads) is built up to the day before, then the new day is added
and scored twice from copies of that warehouse: incrementally, and with --full-refresh. Then an
event arrives late (two days back, within the lookback) and both are run again."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from leadscore.bench import COMPARED, compare_outputs, prepare_landing
from leadscore.dbt_runner import dbt_vars, run_dbt
from conftest import make_settings

DAY = date(2026, 3, 2)
LEADS = 2_000


def _run(tmp_path: Path, landing: Path, warehouse: str, day: date, full_refresh: bool = False) -> None:
    settings = make_settings(tmp_path / warehouse, landing)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    variables = ["--vars", dbt_vars(day), *(["--full-refresh"] if full_refresh else [])]
    for args in (["seed", *variables], ["run", *variables]):
        result = run_dbt(settings, args)
        assert result.success, [o.message for o in result.outcomes if o.status == "error"] or result.error


def _db(tmp_path: Path, warehouse: str) -> Path:
    return tmp_path / warehouse / "warehouse" / "leadscore.duckdb"


def _query(tmp_path: Path, warehouse: str, sql: str) -> list[tuple]:
    path = tmp_path / warehouse if warehouse.endswith(".duckdb") else _db(tmp_path, warehouse)
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """incremental/ and full/ warehouses after the new day, then after a late event."""
    tmp_path = tmp_path_factory.mktemp("incremental")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "test")
    history, full, _ = prepare_landing(tmp_path / "data", LEADS, DAY)
    _run(tmp_path, history, "base", DAY - timedelta(days=1))
    for name in ("incremental", "full"):
        _db(tmp_path, name).parent.mkdir(parents=True)
        shutil.copy2(_db(tmp_path, "base"), _db(tmp_path, name))
    _run(tmp_path, full, "incremental", DAY)
    _run(tmp_path, full, "full", DAY, full_refresh=True)
    for name in ("incremental", "full"):
        shutil.copy2(_db(tmp_path, name), tmp_path / f"{name}_day.duckdb")

    # a demo request of a quiet lead, two days back, arrives after that day was stored
    late_lead = _query(
        tmp_path, "incremental",
        f"select lead_id from fct_lead_scores where lead_created_at < date '{DAY}' - 30 "
        "order by behaviour_score, lead_id limit 1",
    )[0][0]
    # and a copy of an event 40 days back, of the first lead: it comes first in the copy order,
    # so that older day loses the event
    first_lead, copied_id = _query(
        tmp_path, "incremental",
        f"select (select min(lead_id) from int_events_validated), min(event_id) from int_events_validated "
        f"where event_date = date '{DAY}' - 40 and lead_id > (select min(lead_id) from int_events_validated)",
    )[0]
    with duckdb.connect() as con:
        late = str(full / "events" / "late.parquet")
        con.execute(
            f"copy (select * from (values "
            f"('LATE1', '{late_lead}', 'demo_request', timestamp '{DAY - timedelta(days=2)} 11:00:00'), "
            f"('{copied_id}', '{first_lead}', 'page_view', timestamp '{DAY - timedelta(days=1)} 09:00:00')"
            f") as t(event_id, lead_id, event_type, occurred_at)) to '{late}' (format parquet)"
        )
    (tmp_path / "copied_id").write_text(copied_id)
    _run(tmp_path, full, "incremental", DAY)
    _run(tmp_path, full, "full", DAY, full_refresh=True)
    monkeypatch.undo()
    (tmp_path / "late_lead").write_text(late_lead)
    return tmp_path


def test_incremental_day_equals_full_rebuild(warehouses: Path) -> None:
    differences = compare_outputs(warehouses / "full_day.duckdb", warehouses / "incremental_day.duckdb", DAY)
    assert differences == {table: 0 for table in COMPARED}
    scored = _query(warehouses, "incremental", f"select count(*) from fct_lead_score_history where as_of_date = '{DAY}'")
    assert scored[0][0] >= LEADS  # not two empty tables


def test_incremental_run_adds_the_day_and_keeps_the_year(warehouses: Path) -> None:
    days = _query(
        warehouses, "incremental",
        "select count(distinct activity_date), max(activity_date) from int_lead_daily_activity_stored",
    )[0]
    assert days[1] == DAY
    assert days[0] > 300


def test_lead_without_new_events_still_decays(warehouses: Path) -> None:
    changed = _query(
        warehouses, "incremental",
        f"""
        select count(*)
        from fct_lead_score_history as today
        inner join fct_lead_score_history as before
            on today.lead_id = before.lead_id and today.model_id = before.model_id
            and before.as_of_date = date '{DAY}' - 1
        where today.as_of_date = '{DAY}'
            and today.decay_score < before.decay_score
            and today.lead_id not in (
                select lead_id from int_lead_daily_activity_stored where activity_date = '{DAY}'
            )
        """,
    )
    assert changed[0][0] > 0


def test_late_event_within_lookback_is_picked_up(warehouses: Path) -> None:
    late_lead = (warehouses / "late_lead").read_text()
    day = DAY - timedelta(days=2)
    stored = _query(
        warehouses, "incremental",
        f"select sum(event_count) from int_lead_daily_activity_stored "
        f"where lead_id = '{late_lead}' and activity_date = '{day}' and event_type = 'demo_request'",
    )
    assert stored[0][0] >= 1
    score = f"select sum(behaviour_score) from fct_lead_scores where lead_id = '{late_lead}'"
    assert _query(warehouses, "incremental", score)[0][0] > _query(warehouses, "incremental_day.duckdb", score)[0][0]
    differences = compare_outputs(_db(warehouses, "full"), _db(warehouses, "incremental"), DAY)
    assert differences == {table: 0 for table in COMPARED}


def test_new_copy_of_an_old_event_displaces_it_as_a_full_rebuild_does(warehouses: Path) -> None:
    copied_id = (warehouses / "copied_id").read_text()
    kept = f"select event_date, lead_id from int_events_validated where event_id = '{copied_id}'"
    assert _query(warehouses, "incremental", kept) == _query(warehouses, "full", kept)
    assert _query(warehouses, "incremental", kept)[0][0] == DAY - timedelta(days=1)
    daily = (
        "select activity_date, lead_id, event_type, page_category, event_count, duration_seconds "
        f"from int_lead_daily_activity_stored where activity_date >= date '{DAY}' - 45 order by all"
    )
    assert _query(warehouses, "incremental", daily) == _query(warehouses, "full", daily)


def _test_events(tmp_path: Path, name: str, duplicated_load: str) -> tuple[bool, list[str]]:
    """Copy the incremental warehouse, store a second row of an event id the last run wrote, with
    the given loaded_at (`latest`: as if that run wrote it, `older`: as if an earlier run had),
    and run the data tests of int_events_validated."""
    (tmp_path / name / "warehouse").mkdir(parents=True)
    shutil.copy2(_db(tmp_path, "incremental"), _db(tmp_path, name))
    loaded_at = (
        "(select max(loaded_at) from int_events_validated)" if duplicated_load == "latest"
        else "(select min(loaded_at) from int_events_validated)"
    )
    with duckdb.connect(str(_db(tmp_path, name))) as con:
        con.execute(
            f"insert into int_events_validated "
            f"select * replace ({loaded_at} as loaded_at) from int_events_validated "
            f"where event_id = (select min(event_id) from int_events_validated "
            f"where loaded_at = (select max(loaded_at) from int_events_validated))"
        )
    settings = make_settings(tmp_path / name, tmp_path / "data" / "landing_full")
    result = run_dbt(settings, ["test", "--select", "int_events_validated", "--vars", dbt_vars(DAY)])
    failed = [o.unique_id for o in result.outcomes if o.status in ("fail", "error")]
    return result.success, failed


def test_daily_tests_on_big_tables_check_the_rows_the_run_wrote(warehouses: Path, monkeypatch) -> None:
    monkeypatch.setenv("DBT_TARGET_PATH", str(warehouses / "dbt_target_tests"))
    monkeypatch.setenv("DBT_LOG_PATH", str(warehouses / "dbt_logs"))
    # a duplicate among the rows of the latest load fails the key test ...
    success, failed = _test_events(warehouses, "duplicate_latest", "latest")
    assert not success
    assert [unique_id for unique_id in failed if "unique_int_events_validated_event_id" in unique_id], failed
    # ... one in rows stored by an earlier run is left to the --full-refresh run, which rewrites them all
    success, failed = _test_events(warehouses, "duplicate_older", "older")
    assert success, failed
