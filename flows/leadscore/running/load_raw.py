"""Landing files -> raw tables of a warehouse (Postgres or Spark), every column as text.

On DuckDB the staging models read the landing files themselves; on any other adapter they read
the source tables (schema LEADSCORE_SOURCE_SCHEMA, default `landing`). This fills those tables
from the same files, with the same rules as the DuckDB reader: one table per file or folder of
files, column names in snake_case, every value as text, so every engine stages identical input.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from leadscore.environment import TELEMETRY_OFF
from leadscore.settings import Settings

# landing table -> its dbt source
SOURCES = {"leads": "crm", "accounts": "crm", "events": "marketing", "lifecycle": "crm"}
_SEPARATOR = "\n-- leadscore: next table --\n"


def landing_queries(landing_dir: Path, project_dir: Path | None = None) -> dict[str, str]:
    """Table -> the DuckDB query reading its landing files, as the DuckDB target's staging reads
    them: compiled from the dbt macro landing_relation, so the rules (which files, column names,
    refusals) are written once. Raises LandingError with the macro's message."""
    from dbt.cli.main import dbtRunner

    from leadscore.running.dbt_runner import temporary_environment
    from leadscore.settings import find_project_dir

    project = project_dir or find_project_dir()
    inline = _SEPARATOR.join(
        f"select * from {{{{ landing_relation('{source}', '{table}') }}}}" for table, source in SOURCES.items()
    )
    with (
        tempfile.TemporaryDirectory() as workdir,
        temporary_environment(
            {
                "LEADSCORE_TARGET": "duckdb",
                "LEADSCORE_LANDING_DIR": str(Path(landing_dir).resolve()),
                "LEADSCORE_DUCKDB_PATH": str(Path(workdir) / "compile.duckdb"),
                "DBT_TARGET_PATH": str(Path(workdir) / "target"),
                "DBT_LOG_PATH": str(Path(workdir) / "logs"),
                **TELEMETRY_OFF,
            }
        ),
    ):
        outcome = dbtRunner().invoke(
            [
                "compile",
                "--quiet",
                "--log-level",
                "none",
                "--inline",
                inline,
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
                "--target",
                "duckdb",
                "--vars",
                json.dumps({"as_of_date": "2000-01-01"}),
            ]
        )
    if not outcome.success:
        raise LandingError(str(outcome.exception or "dbt compile failed (see its output above)"))
    compiled = outcome.result.results[0].node.compiled_code
    return dict(zip(SOURCES, compiled.split(_SEPARATOR)))


class LandingError(RuntimeError):
    """Landing files that cannot be read; the message names the file and column."""


def landing_csvs(landing_dir: Path, workdir: Path) -> Iterator[tuple[str, list[str], Path]]:
    """(table, column names, CSV file of the rows as text) for every landing table (an absent
    optional table has its contract columns and no row)."""
    queries = landing_queries(landing_dir)
    with duckdb.connect() as db:
        for table, query in queries.items():
            columns = [row[0] for row in db.execute(f"describe {query}").fetchall()]
            select = ", ".join(f"cast({_quote(column)} as varchar) as {_quote(column)}" for column in columns)
            path = workdir / f"{table}.csv"
            literal = str(path).replace("'", "''")
            db.execute(f"copy (select {select} from ({query})) to '{literal}' (header, force_quote *)")
            yield table, columns, path


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def load_postgres(landing_dir: Path, connection: Any, schema: str = "landing") -> dict[str, int]:
    """Replace the raw tables in `schema` of a psycopg2 connection; returns rows per table."""
    counts = {}
    with tempfile.TemporaryDirectory() as workdir, connection.cursor() as cursor:
        cursor.execute(f'create schema if not exists "{schema}"')
        for table, columns, path in landing_csvs(landing_dir, Path(workdir)):
            # cascade: dbt's staging views on the old table go too; the next dbt build recreates them
            cursor.execute(f'drop table if exists "{schema}"."{table}" cascade')
            cursor.execute(f'create table "{schema}"."{table}" ({", ".join(f"{_quote(c)} text" for c in columns)})')
            with path.open() as rows:
                # force_quote above: an empty string arrives as "" (text), a null as nothing (null)
                cursor.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv, header true)', rows)
            # statistics now: without them the planner joins the events to the leads as if both were tiny
            cursor.execute(f'analyze "{schema}"."{table}"')
            cursor.execute(f'select count(*) from "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    connection.commit()
    return counts


def load_spark(landing_dir: Path, spark: Any, schema: str = "landing") -> dict[str, int]:
    """Replace the raw tables in `schema` of a SparkSession (as managed tables); rows per table."""
    counts = {}
    spark.sql(f"create schema if not exists {schema}")
    with tempfile.TemporaryDirectory() as workdir:
        for table, _columns, path in landing_csvs(landing_dir, Path(workdir)):
            frame = spark.read.csv(str(path), header=True, inferSchema=False, multiLine=True, escape='"')
            frame.write.mode("overwrite").saveAsTable(f"{schema}.{table}")
            counts[table] = spark.table(f"{schema}.{table}").count()
    return counts


def main(argv: list[str] | None = None) -> int:
    """`python -m leadscore.running.load_raw [LANDING_DIR]`: the landing files into Postgres's raw tables
    (connection from LEADSCORE_PG_*, schema LEADSCORE_SOURCE_SCHEMA), as profiles.yml connects."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m leadscore.running.load_raw", description=main.__doc__)
    parser.add_argument(
        "landing_dir",
        nargs="?",
        default=None,
        help="default: the settings' landing folder (LEADSCORE_LANDING_DIR, else data/landing)",
    )
    args = parser.parse_args(argv)
    landing = Path(args.landing_dir) if args.landing_dir else Settings.resolve().landing_dir
    import psycopg2

    try:
        connection = psycopg2.connect(
            host=os.environ.get("LEADSCORE_PG_HOST", "127.0.0.1"),
            port=int(os.environ.get("LEADSCORE_PG_PORT", "5432")),
            user=os.environ.get("LEADSCORE_PG_USER", "leadscore"),
            password=os.environ.get("LEADSCORE_PG_PASSWORD", ""),
            dbname=os.environ.get("LEADSCORE_PG_DATABASE", "leadscore"),
        )
    except psycopg2.OperationalError as error:
        print(f"cannot connect to Postgres: {str(error).strip()}")
        return 2
    try:
        with connection:
            counts = load_postgres(landing, connection, os.environ.get("LEADSCORE_SOURCE_SCHEMA", "landing"))
    except LandingError as error:
        print(error)
        return 2
    finally:
        connection.close()
    print(", ".join(f"{table}: {rows:,} rows" for table, rows in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
