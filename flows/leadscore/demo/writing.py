"""The DuckDB session that generates the files, and the `COPY` that writes each one.

The session's settings are part of the determinism contract: a fixed thread count, ordered
output, and a scratch database with small row groups for the per-lead event lists.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from leadscore.demo.sql_text import lit

GENERATOR_THREADS = 2
SCRATCH_ROW_GROUP = 8192


def connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB session set up to write the same bytes on any machine."""
    # a scratch database left by an interrupted run would still hold its tables
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    con = duckdb.connect(":memory:")
    con.execute("set memory_limit = '3GB'")
    # A fixed thread count keeps the parquet row groups, and so the bytes, the same on any
    # machine: a single thread writes row groups of a different size.
    con.execute(f"set threads = {GENERATOR_THREADS}")
    con.execute(f"set temp_directory = {lit(str(tmp_dir))}")
    # Output order is part of the determinism contract.
    con.execute("set preserve_insertion_order = true")
    # The per-lead event lists live in a scratch database with small row groups: a row group is
    # the unit of ordered output, and one of 122,880 leads unnests to ~6M events that the ordered
    # COPY would hold in memory at once.
    scratch = tmp_dir / "scratch.duckdb"
    con.execute(f"attach {lit(str(scratch))} as scratch (row_group_size {SCRATCH_ROW_GROUP})")
    return con


def copy_to_file(con: duckdb.DuckDBPyConnection, query: str, path: Path, file_format: str) -> int:
    """Writes the query's rows to path as csv or parquet and returns how many it wrote."""
    if file_format == "csv":
        options = "format csv, header true, delimiter ',', timestampformat '%Y-%m-%d %H:%M:%S'"
    else:
        options = "format parquet, compression zstd"
    row = con.execute(f"copy ({query}) to {lit(str(path))} ({options})").fetchone()
    return int(row[0]) if row else 0
