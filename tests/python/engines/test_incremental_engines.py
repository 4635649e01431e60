"""A daily run after the landed events changed outside the lookback equals a full rebuild on
PostgreSQL and Spark too (the day fingerprints are computed by each engine's own hash, and Spark
replaces days by overwriting partitions instead of deleting rows).

Only the event models and what they read are run: the base day from one landing, then the next
day from a changed landing, incrementally and then with --full-refresh, and the stored events
and daily activity of the two runs are compared."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import PROJECT_DIR
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import dbt_vars, run_dbt
from leadscore.running.load_raw import load_postgres
from leadscore.settings import Settings
from warehouses import pg_connect, pg_schemas, run_on_spark

AS_OF = date(2026, 6, 30)
SELECTED = "+int_lead_daily_activity_stored"
SNAPSHOTS = {
    "events": "select event_id, lead_id, event_type, cast(occurred_at as {text}), cast(event_date as {text}), page_url, "
    "cast(duration_seconds as {text}), campaign, content, device from {schema}.int_events_validated "
    "where day_fingerprint is null",
    "activity": "select lead_id, cast(activity_date as {text}), event_type, page_category, cast(event_count as {text}), "
    "cast(duration_seconds as {text}) from {schema}.int_lead_daily_activity_stored where day_fingerprint is null",
    "empty_days": "select cast(event_date as {text}) from {schema}.int_events_validated where day_fingerprint = '0:0'",
}


def _day(days_back: int) -> str:
    return str(AS_OF - timedelta(days=days_back))


def make_landings(work: Path) -> tuple[Path, Path, dict[str, str]]:
    """`before` (demo data up to AS_OF plus a duplicated event) and `after`: an event 10 days
    late, a deleted event, a deleted day, a changed page_url, the winning copy of the duplicated
    event deleted and an earlier copy of another event, all outside the lookback of AS_OF."""
    before, after = work / "before", work / "after"
    generate_demo_data(before, leads=100, seed=5, end_date=AS_OF, file_format="csv", events_per_lead=30)
    shutil.copytree(before, after)
    events_csv = before / "events.csv"
    with duckdb.connect() as con:
        con.execute(f"create table events as select * from read_csv('{events_csv}', all_varchar = true)")
        con.execute("create view days as select *, cast(cast(occurred_at as timestamp) as date) as day from events")

        def one(sql: str) -> str:
            value = con.execute(sql).fetchone()[0]
            assert value is not None, sql
            return value

        first_lead = one("select min(lead_id) from events")
        picked = {
            "first_lead": first_lead,
            "duplicated_id": one(
                f"select min(event_id) from days where day = '{_day(80)}' and lead_id > '{first_lead}'"
            ),
            "earlier_id": one(f"select min(event_id) from days where day = '{_day(60)}' and lead_id > '{first_lead}'"),
            "deleted_id": one(f"select min(event_id) from days where day = '{_day(20)}'"),
            "modified_id": one(
                f"select min(event_id) from days where day = '{_day(50)}' and page_url not like '%/pricing%'"
            ),
            "pricing_url": one("select min(page_url) from events where page_url like '%/pricing%'"),
            "late_lead": one(f"select min(lead_id) from events where lead_id > '{first_lead}'"),
            "deleted_day": _day(30),
        }
        assert one(f"select count(*) from days where day = '{_day(30)}'") > 1
        # before: a copy of an event 80 days back, of the first lead 10 days later, which wins
        con.execute(
            f"insert into events select * replace ('{first_lead}' as lead_id, "
            f"strftime(cast(occurred_at as timestamp) + interval 10 day, '%Y-%m-%d %H:%M:%S') as occurred_at) "
            f"from events where event_id = '{picked['duplicated_id']}'"
        )
        con.execute(f"copy events to '{events_csv}' (format csv, header true)")
        # after: the winning copy deleted, so the copy 80 days back wins again
        con.execute(f"delete from events where event_id = '{picked['duplicated_id']}' and lead_id = '{first_lead}'")
        con.execute(f"delete from events where event_id = '{picked['deleted_id']}'")
        con.execute(
            f"delete from events where cast(cast(occurred_at as timestamp) as date) = '{picked['deleted_day']}'"
        )
        con.execute(
            f"update events set page_url = '{picked['pricing_url']}' where event_id = '{picked['modified_id']}'"
        )
        con.execute(
            f"insert into events by name select 'LATE10' as event_id, '{picked['late_lead']}' as lead_id, "
            f"'demo_request' as event_type, '{_day(10)} 11:00:00' as occurred_at"
        )
        con.execute(
            f"insert into events select * replace ('{first_lead}' as lead_id, "
            f"strftime(cast(occurred_at as timestamp) + interval 48 day, '%Y-%m-%d %H:%M:%S') as occurred_at) "
            f"from events where event_id = '{picked['earlier_id']}'"
        )
        con.execute(f"copy events to '{after / 'events.csv'}' (format csv, header true)")
    return before, after, picked


def check(runs: dict[str, Any], picked: dict[str, str]) -> None:
    incremental, full = runs["incremental"], runs["full"]
    for name in ("events", "activity"):
        assert len(incremental[name]) > 1000, name
        assert sorted(map(tuple, incremental[name])) == sorted(map(tuple, full[name])), name
    by_id = {row[0]: row for row in incremental["events"]}
    assert by_id["LATE10"][4] == _day(10)
    assert picked["deleted_id"] not in by_id
    assert not [row for row in incremental["events"] if row[4] == picked["deleted_day"]]
    assert [picked["deleted_day"]] == [row[0] for row in incremental["empty_days"]]
    assert by_id[picked["modified_id"]][5] == picked["pricing_url"]
    assert by_id[picked["duplicated_id"]][4] == _day(80)
    earlier = by_id[picked["earlier_id"]]
    assert (earlier[1], earlier[4]) == (picked["first_lead"], _day(12))


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, dict[str, str]]:
    work = tmp_path_factory.mktemp("engines_incremental")
    return (work, *make_landings(work))


def test_daily_run_on_postgres_equals_full_rebuild(landings) -> None:
    work, before, after, picked = landings
    with pytest.MonkeyPatch.context() as monkeypatch, pg_schemas(monkeypatch) as (schema, raw_schema):
        monkeypatch.setenv("DBT_TARGET_PATH", str(work / "dbt_target_postgres"))
        monkeypatch.setenv("DBT_LOG_PATH", str(work / "dbt_logs_postgres"))
        monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "engines")
        settings = Settings.resolve(
            project_dir=PROJECT_DIR, duckdb_path=work / "unused.duckdb", landing_dir=before, target="postgres"
        )

        def load(landing: Path) -> None:
            with pg_connect() as connection:
                load_postgres(landing, connection, raw_schema)
                # without statistics on the fresh tables the planner may loop over the events
                # once per lead (28 s instead of 0.6 s for one model here)
                connection.cursor().execute(f'analyze "{raw_schema}".events, "{raw_schema}".leads')
            connection.close()

        def dbt(day: date, *args: str) -> None:
            result = run_dbt(settings, [*args, "--vars", dbt_vars(day)])
            assert result.success, [o.message for o in result.problems] or result.error

        def snapshot() -> dict[str, list[tuple]]:
            with pg_connect() as connection, connection.cursor() as cursor:
                taken = {}
                for name, sql in SNAPSHOTS.items():
                    cursor.execute(sql.format(text="text", schema=f'"{schema}"'))
                    taken[name] = cursor.fetchall()
            connection.close()
            return taken

        load(before)
        dbt(AS_OF - timedelta(days=1), "seed", "--select", SELECTED)
        dbt(AS_OF - timedelta(days=1), "run", "--select", SELECTED)
        load(after)
        dbt(AS_OF, "run", "--select", SELECTED)
        incremental = snapshot()
        dbt(AS_OF, "run", "--select", SELECTED, "--full-refresh")
        full = snapshot()
    check({"incremental": incremental, "full": full}, picked)


# After warehouses.SPARK_SESSION, in its own process (warehouses.run_on_spark).
SPARK_RUNS = """
import json, sys
from datetime import date, timedelta
from pathlib import Path
from leadscore.running.dbt_runner import dbt_vars, run_dbt
from leadscore.running.load_raw import load_spark
from leadscore.settings import Settings

before, after, out, project, as_of, selected = sys.argv[1:7]
snapshots = json.loads(sys.argv[7])
as_of = date.fromisoformat(as_of)
settings = Settings.resolve(
    project_dir=Path(project), duckdb_path=Path(out) / "unused.duckdb", landing_dir=Path(before), target="spark"
)

def dbt(day, *args):
    result = run_dbt(settings, [*args, "--vars", dbt_vars(day)])
    if not result.success:
        print("dbt failed", [o.message for o in result.problems], result.error, flush=True)
        sys.exit(1)

def snapshot():
    taken = {}
    for name, sql in snapshots.items():
        rows = spark.sql(sql.format(text="string", schema="analytics")).collect()
        taken[name] = [[None if value is None else str(value) for value in row] for row in rows]
    return taken

load_spark(Path(before), spark, "landing")
dbt(as_of - timedelta(days=1), "seed", "--select", selected)
dbt(as_of - timedelta(days=1), "run", "--select", selected)
load_spark(Path(after), spark, "landing")
dbt(as_of, "run", "--select", selected)
incremental = snapshot()
dbt(as_of, "run", "--select", selected, "--full-refresh")
Path(out, "runs.json").write_text(json.dumps({"incremental": incremental, "full": snapshot()}))
print("done", flush=True)
"""


def test_daily_run_on_spark_equals_full_rebuild(landings) -> None:
    work, before, after, picked = landings
    spark_work = work / "spark"
    spark_work.mkdir()
    run = run_on_spark(
        SPARK_RUNS,
        spark_work,
        "engines",
        str(before),
        str(after),
        str(spark_work),
        str(PROJECT_DIR),
        AS_OF.isoformat(),
        SELECTED,
        json.dumps(SNAPSHOTS),
    )
    assert run.returncode == 0 and "done" in run.stdout, (run.stdout + run.stderr)[-6000:]
    runs = json.loads((spark_work / "runs.json").read_text())
    as_tuples = {
        kind: {name: [tuple(row) for row in rows] for name, rows in taken.items()} for kind, taken in runs.items()
    }
    check(as_tuples, picked)
