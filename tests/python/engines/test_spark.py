"""The same project on Spark (dbt-spark, method session: a local Spark from pyspark, Java 17):
demo data loaded into raw tables, the full `dbt build` (seeds, models, data tests, unit tests)
passes, and the scores equal DuckDB's to the point. Slow: every dbt node is a Spark job."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, make_settings
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import build
from warehouses import run_on_spark

AS_OF = date(2026, 6, 30)
COMPARED = {
    "fct_lead_scores": "lead_id, model_id",
    "fct_lead_score_points": "lead_id, model_id, rule_id",
}

# After warehouses.SPARK_SESSION, in its own process (warehouses.run_on_spark).
SPARK_BUILD = """
import sys
from datetime import date
from pathlib import Path
from leadscore.running.dbt_runner import DbtBuildError, build
from leadscore.running.load_raw import load_spark
from leadscore.settings import Settings

landing, out = Path(sys.argv[1]), Path(sys.argv[2])
print("loaded", load_spark(landing, spark, "landing"), flush=True)
settings = Settings.resolve(project_dir=Path(sys.argv[3]), duckdb_path=out / "unused.duckdb", landing_dir=landing, target="spark")
try:
    result = build(settings, date.fromisoformat(sys.argv[4]), unit_tests=True)
except DbtBuildError as error:
    print(error, flush=True)
    sys.exit(1)
print("built", {kind: result.count(kind) for kind in ("seed", "model", "test", "unit_test")}, flush=True)
for table in sys.argv[5:]:
    spark.table("analytics." + table).write.parquet(str(out / table))
"""


@pytest.fixture(scope="module")
def spark_and_duckdb(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("spark")
    landing = work / "landing"
    generate_demo_data(landing, leads=300, seed=13, end_date=AS_OF, file_format="csv", events_per_lead=20)
    run = run_on_spark(
        SPARK_BUILD,
        work,
        "engine-comparison-salt",
        str(landing),
        str(work),
        str(PROJECT_DIR),
        AS_OF.isoformat(),
        *COMPARED,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    assert "built" in run.stdout, run.stdout[-3000:]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "engine-comparison-salt")
        monkeypatch.setenv("DBT_TARGET_PATH", str(work / "dbt_target_duckdb"))
        monkeypatch.setenv("DBT_LOG_PATH", str(work / "dbt_logs_duckdb"))
        settings = make_settings(work, landing)
        build(settings, AS_OF)
    return {"work": work, "duckdb": settings.duckdb_path, "log": run.stdout}


def test_full_dbt_build_passes_on_spark(spark_and_duckdb: dict[str, Path]) -> None:
    built = [line for line in spark_and_duckdb["log"].splitlines() if line.startswith("built")]
    assert built and "'unit_test': 0" not in built[0] and "'test': 0" not in built[0], built


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_marts_on_spark_equal_duckdb_to_the_point(spark_and_duckdb: dict[str, Path], table: str) -> None:
    with duckdb.connect(str(spark_and_duckdb["duckdb"]), read_only=True) as db:
        columns = db.execute(f"describe {table}").fetchall()
        from_spark = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind, *_ in columns)
        spark_rows = f"select {from_spark} from read_parquet('{spark_and_duckdb['work'] / table}/*.parquet')"
        names = ", ".join(name for name, *_ in columns)
        duck_rows = f"select {names} from {table}"
        counts = db.execute(
            f"select (select count(*) from ({duck_rows})), (select count(*) from ({spark_rows}))"
        ).fetchone()
        only_duckdb = db.execute(f"{duck_rows} except all {spark_rows} order by {COMPARED[table]} limit 5").fetchall()
        only_spark = db.execute(f"{spark_rows} except all {duck_rows} order by {COMPARED[table]} limit 5").fetchall()
    assert counts[0] == counts[1] > 100, counts
    assert only_duckdb == [] and only_spark == [], (only_duckdb, only_spark)
