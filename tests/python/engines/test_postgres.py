"""The same project on PostgreSQL: demo data loaded into raw tables, the full `dbt build`
(seeds, models, data tests, unit tests) passes, and the scores equal DuckDB's to the point."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import PROJECT_DIR
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import BuildResult, build
from leadscore.running.load_raw import load_postgres
from leadscore.settings import Settings
from warehouses import pg_connect, pg_schemas

AS_OF = date(2026, 6, 30)
COMPARED = {
    "fct_lead_scores": "lead_id, model_id",
    "fct_lead_score_points": "lead_id, model_id, rule_id",
    "fct_account_scores": "account_id, model_id",
}


def build_on(target: str, work: Path, landing: Path, monkeypatch: pytest.MonkeyPatch) -> BuildResult:
    # one dbt target folder per engine: partial parsing must not carry one adapter's state over
    monkeypatch.setenv("DBT_TARGET_PATH", str(work / f"dbt_target_{target}"))
    monkeypatch.setenv("DBT_LOG_PATH", str(work / f"dbt_logs_{target}"))
    settings = Settings.resolve(
        project_dir=PROJECT_DIR, duckdb_path=work / "warehouse" / "leadscore.duckdb", landing_dir=landing, target=target
    )
    # the unit tests check the SQL on each engine: on DuckDB test_dbt_unit_tests runs them
    return build(settings, AS_OF, unit_tests=target != "duckdb")


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("engines")
    landing = work / "landing"
    generate_demo_data(landing, leads=400, seed=11, end_date=AS_OF, file_format="csv", events_per_lead=30)
    with pytest.MonkeyPatch.context() as monkeypatch, pg_schemas(monkeypatch) as (schema, raw_schema):
        monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "engine-comparison-salt")
        with pg_connect() as connection:
            loaded = load_postgres(landing, connection, raw_schema)
        connection.close()
        postgres = build_on("postgres", work, landing, monkeypatch)
        duck = build_on("duckdb", work, landing, monkeypatch)
        yield {
            "landing": landing,
            "loaded": loaded,
            "schema": schema,
            "postgres": postgres,
            "duckdb": duck,
            "duckdb_path": work / "warehouse" / "leadscore.duckdb",
        }


def test_loader_puts_every_landing_row_into_a_text_table(engines: dict[str, Any]) -> None:
    expected = {
        table: duckdb.sql(f"select count(*) from read_csv('{engines['landing'] / (table + '.csv')}')").fetchall()[0][0]
        for table in ("leads", "accounts", "events", "lifecycle")
    }
    assert engines["loaded"] == expected
    with pg_connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "select distinct data_type from information_schema.columns where table_schema = %s",
            (engines["schema"].replace("analytics_", "raw_"),),
        )
        assert cursor.fetchall() == [("text",)]
    connection.close()


def test_full_dbt_build_passes_on_postgres_with_every_test(engines: dict[str, Any]) -> None:
    postgres, duck = engines["postgres"], engines["duckdb"]
    assert postgres.success
    for kind in ("seed", "model", "test"):
        on_postgres = {o.unique_id for o in postgres.outcomes if o.resource_type == kind}
        on_duckdb = {o.unique_id for o in duck.outcomes if o.resource_type == kind}
        assert on_postgres == on_duckdb and on_duckdb, (kind, on_postgres ^ on_duckdb)
        assert postgres.count(kind, "error") == postgres.count(kind, "fail") == 0, kind
    assert postgres.count("unit_test", "pass") == postgres.count("unit_test") >= 30


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_marts_on_postgres_equal_duckdb_to_the_point(engines: dict[str, Any], table: str) -> None:
    order = COMPARED[table]
    with duckdb.connect(str(engines["duckdb_path"]), read_only=True) as db:
        cursor = db.execute(f"select * from {table} order by {order}")
        duck_columns = [column[0] for column in cursor.description]
        duck_rows = cursor.fetchall()
    with pg_connect() as connection, connection.cursor() as cursor:
        cursor.execute(f'select * from "{engines["schema"]}".{table} order by {order}')
        pg_columns = [column[0] for column in cursor.description]
        pg_rows = cursor.fetchall()
    connection.close()

    assert pg_columns == duck_columns
    assert len(duck_rows) > 100
    differences = [
        (duck_row, pg_row) for duck_row, pg_row in zip(duck_rows, pg_rows, strict=True) if duck_row != pg_row
    ]
    assert differences == [], f"{len(differences)} rows differ, first: {differences[0]}"
