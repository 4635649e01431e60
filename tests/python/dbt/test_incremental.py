"""The incremental daily run gives the same scores and history as a full rebuild.

A year of demo events (2,000 leads) is built up to the day before, then the new day is added
and scored twice from copies of that warehouse: incrementally, and with --full-refresh. Then an
event arrives late (two days back, within the lookback) and both are run again. Then the landed
events change, mostly outside the lookback (an event 10 days late, a deleted event, a deleted day,
a changed page_url, the deleted winning copy of a duplicated event whose other copy is 40 days
back, an earlier copy of a kept event, a lead whose landed event was unknown until now), and the
next day is scored both ways again."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings
from leadscore.evaluation.bench import COMPARED, compare_outputs, prepare_landing
from leadscore.running.dbt_runner import dbt_vars, run_dbt

DAY = date(2026, 3, 2)
NEXT_DAY = DAY + timedelta(days=1)
LEADS = 2_000
NEW_LEAD, NEW_EVENT = "LNEW1", "ENEW1"


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
        tmp_path,
        "incremental",
        f"select lead_id from fct_lead_scores where lead_created_at < date '{DAY}' - 30 "
        "order by behaviour_score, lead_id limit 1",
    )[0][0]
    # and a copy of an event 40 days back, of the first lead: it comes first in the copy order,
    # so that older day loses the event
    first_lead, copied_id = _query(
        tmp_path,
        "incremental",
        f"select (select min(lead_id) from int_events_validated), min(event_id) from int_events_validated "
        f"where event_date = date '{DAY}' - 40 and lead_id > (select min(lead_id) from int_events_validated)",
    )[0]
    with duckdb.connect() as con:
        late = str(full / "events" / "late.parquet")
        con.execute(
            f"copy (select * from (values "
            f"('LATE1', '{late_lead}', 'demo_request', timestamp '{DAY - timedelta(days=2)} 11:00:00'), "
            f"('{copied_id}', '{first_lead}', 'page_view', timestamp '{DAY - timedelta(days=1)} 09:00:00'), "
            # an event of a lead the leads file does not hold yet, on a day without other events
            f"('{NEW_EVENT}', '{NEW_LEAD}', 'demo_request', timestamp '{DAY - timedelta(days=400)} 10:00:00')"
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
    scored = _query(
        warehouses, "incremental", f"select count(*) from fct_lead_score_history where as_of_date = '{DAY}'"
    )
    assert scored[0][0] >= LEADS  # not two empty tables


def test_incremental_run_adds_the_day_and_keeps_the_year(warehouses: Path) -> None:
    days = _query(
        warehouses,
        "incremental",
        "select count(distinct activity_date), max(activity_date) from int_lead_daily_activity_stored",
    )[0]
    assert days[1] == DAY
    assert days[0] > 300


def test_lead_without_new_events_still_decays(warehouses: Path) -> None:
    changed = _query(
        warehouses,
        "incremental",
        f"""
        select count(*)
        from fct_lead_score_history as today
        inner join fct_lead_score_history as before
            on today.lead_id = before.lead_id and today.model_id = before.model_id
            and before.as_of_date = date '{DAY}' - 1
        where today.as_of_date = '{DAY}'
            and today.decay_score < before.decay_score
            and today.lead_id not in (
                select lead_id from int_lead_daily_activity_stored
                where activity_date = '{DAY}' and day_fingerprint is null
            )
        """,
    )
    assert changed[0][0] > 0


def test_late_event_within_lookback_is_picked_up(warehouses: Path) -> None:
    late_lead = (warehouses / "late_lead").read_text()
    day = DAY - timedelta(days=2)
    stored = _query(
        warehouses,
        "incremental",
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
        "(select max(loaded_at) from int_events_validated)"
        if duplicated_load == "latest"
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


# --- landed events that change outside the lookback -------------------------------------------

EVENT_COLUMNS = (
    "event_id, lead_id, event_type, occurred_at, event_date, page_url, duration_seconds, campaign, content, device"
)


@pytest.fixture(scope="module")
def changed(warehouses: Path) -> dict[str, str]:
    """From the incremental warehouse after the late events, the landing changes (all but the
    deleted winning copy, 1 day back, before the lookback of NEXT_DAY, which starts 2 days before
    DAY) and NEXT_DAY is scored twice: `changed_incremental` by a daily run, `changed_full` with
    --full-refresh."""
    tmp_path = warehouses
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "test")
    landing = tmp_path / "data" / "landing_changed"
    shutil.copytree(tmp_path / "data" / "landing_full", landing)  # the files, not the links
    events = landing / "events"
    before = _db(tmp_path, "incremental")

    def one(sql: str) -> tuple:
        return _query(tmp_path, "incremental", sql)[0]

    picked = {
        # a demo request 10 days back for a quiet lead with stored events: outside the lookback,
        # and not a lead seen for the first time (whose events are all read anyway)
        "late_lead": one(
            f"select lead_id from fct_lead_scores where lead_created_at < date '{DAY}' - 30 "
            f"and lead_id <> '{(tmp_path / 'late_lead').read_text()}' "
            "and lead_id in (select lead_id from int_events_validated) order by behaviour_score, lead_id limit 1"
        )[0],
        # an event deleted 20 days back
        "deleted_id": one(f"select min(event_id) from int_events_validated where event_date = date '{DAY}' - 20")[0],
        # a page view 50 days back whose page becomes the pricing page
        "modified_id": one(
            f"select min(event_id) from int_events_validated where event_date = date '{DAY}' - 50 "
            "and event_type = 'page_view' and page_url not like '%/pricing%'"
        )[0],
        "pricing_url": one("select min(page_url) from int_events_validated where page_url like '%/pricing%'")[0],
        # an event 60 days back gets a copy 12 days back, of the first lead: that copy wins
        "first_lead": one("select min(lead_id) from int_events_validated")[0],
        "earlier_id": one(
            f"select min(event_id) from int_events_validated where event_date = date '{DAY}' - 60 "
            "and lead_id > (select min(lead_id) from int_events_validated)"
        )[0],
    }
    picked["copied_id"] = (tmp_path / "copied_id").read_text()
    (tmp_path / "deleted_day_events").write_text(
        str(
            one(
                f"select count(*) from int_events_validated where event_date = date '{DAY}' - 30 and lead_id is not null"
            )[0]
        )
    )

    history = events / "history.parquet"
    with duckdb.connect() as con:
        # one event deleted, one whole day deleted, one page_url changed
        con.execute(
            f"copy (select * replace (case when event_id = '{picked['modified_id']}' then '{picked['pricing_url']}' "
            f"else page_url end as page_url) from read_parquet('{history}') "
            f"where event_id <> '{picked['deleted_id']}' and cast(occurred_at as date) <> date '{DAY}' - 30) "
            f"to '{events / 'history_changed.parquet'}' (format parquet)"
        )
        history.unlink()
        # the winning copy of the duplicated event (1 day back) is deleted: the copy 40 days back wins again
        late = events / "late.parquet"
        con.execute(
            f"copy (select * from read_parquet('{late}') where event_id <> '{picked['copied_id']}') "
            f"to '{events / 'late_changed.parquet'}' (format parquet)"
        )
        late.unlink()
        con.execute(
            f"copy (select * from (values "
            f"('LATE10', '{picked['late_lead']}', 'demo_request', timestamp '{DAY - timedelta(days=10)} 11:00:00')"
            f") as t(event_id, lead_id, event_type, occurred_at) "
            f"union all by name "
            f"select * replace ('{picked['first_lead']}' as lead_id, occurred_at + interval 48 day as occurred_at) "
            f"from read_parquet('{events / 'history_changed.parquet'}') where event_id = '{picked['earlier_id']}') "
            f"to '{events / 'changes.parquet'}' (format parquet)"
        )
        # the lead of an event landed before (unknown until now) arrives
        leads = landing / "leads.parquet"
        con.execute(
            f"copy (select * from read_parquet('{leads}') union all "
            f"(select * replace ('{NEW_LEAD}' as lead_id, 'new.lead@example.com' as email) "
            f"from read_parquet('{leads}') order by lead_id limit 1)) "
            f"to '{landing / 'leads_changed.parquet'}' (format parquet)"
        )
        leads.unlink()
        (landing / "leads_changed.parquet").rename(leads)

    for name in ("changed_incremental", "changed_full"):
        _db(tmp_path, name).parent.mkdir(parents=True)
        shutil.copy2(before, _db(tmp_path, name))
    _run(tmp_path, landing, "changed_incremental", NEXT_DAY)
    _run(tmp_path, landing, "changed_full", NEXT_DAY, full_refresh=True)
    monkeypatch.undo()
    return picked


def test_daily_run_after_changes_outside_the_lookback_equals_full_rebuild(warehouses: Path, changed) -> None:
    differences = compare_outputs(_db(warehouses, "changed_full"), _db(warehouses, "changed_incremental"), NEXT_DAY)
    assert differences == {table: 0 for table in COMPARED}
    # and so do the stored events and daily activity of every day (day markers aside)
    for table, columns in (
        ("int_events_validated", EVENT_COLUMNS),
        (
            "int_lead_daily_activity_stored",
            "lead_id, activity_date, event_type, page_category, event_count, duration_seconds",
        ),
    ):
        rows = f"select {columns} from {table} where day_fingerprint is null order by all"
        incremental = _query(warehouses, "changed_incremental", rows)
        assert len(incremental) > 50_000, table
        assert incremental == _query(warehouses, "changed_full", rows), table


def test_event_ten_days_late_is_scored(warehouses: Path, changed) -> None:
    stored = _query(
        warehouses,
        "changed_incremental",
        "select event_date, lead_id from int_events_validated where event_id = 'LATE10'",
    )
    assert stored == [(DAY - timedelta(days=10), changed["late_lead"])]
    score = f"select sum(behaviour_score) from fct_lead_scores where lead_id = '{changed['late_lead']}'"
    assert _query(warehouses, "changed_incremental", score)[0][0] > _query(warehouses, "incremental", score)[0][0]


def test_deleted_events_and_a_deleted_day_no_longer_count(warehouses: Path, changed) -> None:
    deleted = f"select count(*) from int_events_validated where event_id = '{changed['deleted_id']}'"
    assert _query(warehouses, "incremental", deleted) == [(1,)]
    assert _query(warehouses, "changed_incremental", deleted) == [(0,)]
    day = DAY - timedelta(days=30)
    assert int((warehouses / "deleted_day_events").read_text()) > 50
    for table, column in (("int_events_validated", "event_date"), ("int_lead_daily_activity_stored", "activity_date")):
        left = _query(
            warehouses,
            "changed_incremental",
            "select count(*) filter (where day_fingerprint is null), "
            "list(day_fingerprint) filter (where day_fingerprint is not null) "
            f"from {table} where {column} = '{day}'",
        )
        assert left == [(0, ["0:0"])], table  # only the day's marker, that it has no event left
    activity = f"select count(*) from int_lead_daily_activity where activity_date = '{day}'"
    assert _query(warehouses, "changed_incremental", activity) == [(0,)]


def test_changed_page_url_is_recomputed(warehouses: Path, changed) -> None:
    stored = f"select page_url from int_events_validated where event_id = '{changed['modified_id']}'"
    assert _query(warehouses, "changed_incremental", stored) == [(changed["pricing_url"],)]


def test_deleted_winning_copy_lets_the_other_copy_win(warehouses: Path, changed) -> None:
    kept = f"select event_date, lead_id from int_events_validated where event_id = '{changed['copied_id']}'"
    assert _query(warehouses, "incremental", kept)[0][0] == DAY - timedelta(days=1)
    assert _query(warehouses, "changed_incremental", kept) == _query(warehouses, "changed_full", kept)
    assert _query(warehouses, "changed_incremental", kept)[0][0] == DAY - timedelta(days=40)


def test_earlier_copy_outside_the_lookback_displaces_the_kept_one(warehouses: Path, changed) -> None:
    kept = f"select event_date, lead_id from int_events_validated where event_id = '{changed['earlier_id']}'"
    assert _query(warehouses, "incremental", kept)[0][0] == DAY - timedelta(days=60)
    assert _query(warehouses, "changed_incremental", kept) == [(DAY - timedelta(days=12), changed["first_lead"])]


def test_event_of_a_lead_that_arrives_later_is_scored(warehouses: Path, changed) -> None:
    stored = f"select event_date from int_events_validated where lead_id = '{NEW_LEAD}'"
    assert _query(warehouses, "incremental", stored) == []
    assert _query(warehouses, "changed_incremental", stored) == [(DAY - timedelta(days=400),)]


def test_table_without_day_fingerprints_asks_for_a_full_refresh(warehouses: Path, changed, monkeypatch) -> None:
    """A table built before days had fingerprints cannot be brought up to date day by day."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(warehouses / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(warehouses / "dbt_logs"))
    (warehouses / "old_table" / "warehouse").mkdir(parents=True)
    shutil.copy2(_db(warehouses, "incremental"), _db(warehouses, "old_table"))
    with duckdb.connect(str(_db(warehouses, "old_table"))) as con:
        con.execute("delete from int_events_validated where day_fingerprint is not null")
        con.execute("alter table int_events_validated drop column day_fingerprint")
    settings = make_settings(warehouses / "old_table", warehouses / "data" / "landing_changed")
    result = run_dbt(settings, ["run", "--select", "int_events_validated", "--vars", dbt_vars(NEXT_DAY)])
    assert not result.success
    messages = " ".join(o.message or "" for o in result.outcomes) + (result.error or "")
    assert "run `leadscore run --full-refresh`" in messages, messages


def test_the_next_days_build_keeps_dbts_partial_parse_and_skips_unchanged_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily build passes the day in the environment, not in --vars (a new --vars value makes
    dbt parse the whole project again), and loads and tests the seeds only when they changed."""
    from leadscore.running.dbt_runner import build

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "dbt_target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "dbt_logs"))
    _, landing, _ = prepare_landing(tmp_path / "data", 50, NEXT_DAY)
    settings = make_settings(tmp_path, landing)
    log = tmp_path / "dbt_logs" / "dbt.log"
    first = build(settings, DAY, select=["+stg_crm__leads"])
    logged = log.stat().st_size
    second = build(settings, NEXT_DAY, select=["+stg_crm__leads"])
    next_day_log = log.read_bytes()[logged:].decode(errors="replace")
    assert "Running with dbt" in next_day_log and "Unable to do partial parsing" not in next_day_log, next_day_log[
        :2000
    ]
    assert first.count("seed", "success") > 0 and first.count("test", "pass") > second.count("test", "pass") > 0
    assert second.count("seed") == 0
