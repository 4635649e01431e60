"""Landing files -> raw tables of a warehouse (Postgres or Spark), every column as text.

On DuckDB the staging models read the landing files themselves; on any other adapter they read
the source tables (schema LEADSCORE_SOURCE_SCHEMA, default `landing`). This fills those tables
from the same files, with the same rules as the DuckDB reader: one table per file or folder of
files, column names in snake_case, every value as text, so every engine stages identical input.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

TABLES = ("leads", "accounts", "events", "lifecycle")


def column_name(original: str) -> str:
    """`Lead ID` -> `lead_id`, as macros/landing/landing_relation.sql names file columns."""
    return re.sub("[^a-z0-9]+", "_", original.lower()).strip("_")


def file_reader(landing_dir: Path, table: str) -> str | None:
    """The DuckDB table function reading a landing table, or None when no file is there."""
    base = landing_dir / table
    for pattern, template in (
        (f"{base}.parquet", "read_parquet('{}', union_by_name = true)"),
        (f"{base}/*.parquet", "read_parquet('{}', union_by_name = true)"),
        (f"{base}.csv", "read_csv('{}', header = true, all_varchar = true)"),
        (f"{base}.csv.gz", "read_csv('{}', header = true, all_varchar = true)"),
        (f"{base}/*.csv", "read_csv('{}', header = true, all_varchar = true)"),
        (f"{base}/*.csv.gz", "read_csv('{}', header = true, all_varchar = true)"),
    ):
        if list(Path("/").glob(pattern.lstrip("/"))):
            return template.format(pattern.replace("'", "''"))
    return None


def landing_csvs(landing_dir: Path, workdir: Path) -> Iterator[tuple[str, list[str], Path]]:
    """(table, snake_case columns, CSV file of the rows as text) for each landing table present."""
    with duckdb.connect() as db:
        for table in TABLES:
            reader = file_reader(landing_dir, table)
            if reader is None:
                continue
            originals = [row[0] for row in db.execute(f"describe select * from {reader}").fetchall()]
            columns = [column_name(original) for original in originals]
            select = ", ".join(f'cast("{o}" as varchar) as {c}' for o, c in zip(originals, columns))
            path = workdir / f"{table}.csv"
            db.execute(f"copy (select {select} from {reader}) to '{path}' (header, force_quote *)")
            yield table, columns, path


def load_postgres(landing_dir: Path, connection: Any, schema: str = "landing") -> dict[str, int]:
    """Replace the raw tables in `schema` of a psycopg2 connection; returns rows per table."""
    counts = {}
    with tempfile.TemporaryDirectory() as workdir, connection.cursor() as cursor:
        cursor.execute(f'create schema if not exists "{schema}"')
        for table, columns, path in landing_csvs(landing_dir, Path(workdir)):
            # cascade: dbt's staging views on the old table go too; the next dbt build recreates them
            cursor.execute(f'drop table if exists "{schema}"."{table}" cascade')
            cursor.execute(f'create table "{schema}"."{table}" ({", ".join(f"{c} text" for c in columns)})')
            with path.open() as rows:
                # force_quote above: an empty string arrives as "" (text), a null as nothing (null)
                cursor.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv, header true)', rows)
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
    """`python -m leadscore.load_raw [LANDING_DIR]`: the landing files into Postgres's raw tables
    (connection from LEADSCORE_PG_*, schema LEADSCORE_SOURCE_SCHEMA), as profiles.yml connects."""
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m leadscore.load_raw", description=main.__doc__)
    parser.add_argument("landing_dir", nargs="?", default=os.environ.get("LEADSCORE_LANDING_DIR", "data/landing"))
    args = parser.parse_args(argv)
    landing = Path(args.landing_dir)
    if file_reader(landing, "leads") is None:
        print(f"no leads file in {landing} (leads.parquet, leads.csv, leads.csv.gz or leads/)")
        return 2
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
    with connection:
        counts = load_postgres(landing, connection, os.environ.get("LEADSCORE_SOURCE_SCHEMA", "landing"))
    connection.close()
    print(", ".join(f"{table}: {rows:,} rows" for table, rows in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
