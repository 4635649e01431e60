"""CSV files people open, written so that no cell runs as a spreadsheet formula.

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula
(`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), so a lead id or a rejection reason from the CRM could
run code on the machine of whoever opens the file. Every CSV written for people goes through the
functions below: a text cell starting with one of those characters gets a leading single quote
(OWASP's advice against CSV injection), which spreadsheets show as text. Numbers, dates and
booleans stay as they are, so a negative score is still a number. Parquet files keep the raw
values; the seed CSVs suggest-weights writes for dbt are not for people and stay raw too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """A text value a spreadsheet would run as a formula, prefixed with a single quote; any other
    value (numbers included, whatever their sign) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv_for_people(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Rows (dicts) as a CSV with a header, text cells neutralised, None as an empty cell."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(
            {column: "" if row.get(column) is None else neutralise_cell(row.get(column)) for column in columns}
            for row in rows
        )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def neutralised_query(connection: duckdb.DuckDBPyConnection, query: str) -> str:
    """`query` with every text column's cells neutralised as `neutralise_cell` does, in SQL; the
    columns, their order, the other types and the row order stay those of `query`."""
    starts = ", ".join(_sql_text(start) for start in FORMULA_STARTS)
    quote = _sql_text("'")
    columns = []
    for name, column_type, *_ in connection.execute(f"describe {query}").fetchall():
        column = '"' + name.replace('"', '""') + '"'
        if column_type == "VARCHAR" or column_type.startswith("ENUM"):
            text = f"cast({column} as varchar)"
            column = f"case when left({text}, 1) in ({starts}) then {quote} || {text} else {text} end as {column}"
        columns.append(column)
    return f"select {', '.join(columns)} from ({query}) as exported"


def copy_csv_for_people(connection: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """The rows of `query` as a CSV with a header, text cells neutralised."""
    copy_query(connection, neutralised_query(connection, query), target, "format csv, header")


def copy_query(connection: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> None:
    """DuckDB's `copy (query) to 'target' (options)`: the rows as they are, for files not opened
    in a spreadsheet (Parquet); CSV for people goes through `copy_csv_for_people`."""
    literal = str(target).replace("'", "''")
    connection.execute(f"copy ({query}) to '{literal}' ({options})")
