"""Publish the BI-facing tables where BI tools read them while the next run writes.

DuckDB allows one writer or many readers per file, so BI tools never read the warehouse itself.
Each successful run writes its tables as new Parquet files, `published/<table>/<version>.parquet`,
then a fresh read-only serving database `published/serving.duckdb` whose views read exactly those
files (absolute paths), and swaps it into place with one rename:

- a reader that opened the old serving file keeps the old file (and the old version files, kept
  for two more runs): a complete old day;
- a reader that opens it after the rename gets the complete new day; never a mix.

`published/<table>/data.parquet` is the current version for tools that read files directly, also
renamed into place. The serving file records what it serves in table `leadscore_publications`.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from leadscore.settings import Settings

PUBLISHED_TABLES = (
    "fct_lead_scores",
    "fct_lead_score_points",
    "fct_lead_score_history",
    "fct_lead_score_changes",
    "fct_lead_mql_dates",
    "fct_account_scores",
    "rpt_conversion_by_segment",
    "rpt_mql_velocity",
    "rpt_score_band_conversion",
    "rpt_score_threshold_curve",
    "rpt_sales_priority",
)
HISTORY_TABLES = ("fct_lead_score_history", "fct_lead_score_changes", "fct_lead_mql_dates")
SERVING_FILE = "serving.duckdb"
PUBLICATIONS_TABLE = "leadscore_publications"
# versions kept besides the current one, for readers that still hold an older serving file open
KEEP_PREVIOUS_VERSIONS = 2
PERSONAL_COLUMNS = ("email", "first_name", "last_name")
# the oldest DuckDB storage format that holds views: BI drivers often bundle an older DuckDB
SERVING_STORAGE_VERSION = "v1.0.0"


def published_file(settings: Settings, table: str) -> Path:
    return settings.published_dir / table / "data.parquet"


def serving_file(settings: Settings) -> Path:
    return settings.published_dir / SERVING_FILE


def version_file(settings: Settings, table: str, version: str) -> Path:
    return settings.published_dir / table / f"{version}.parquet"


def new_version() -> str:
    """A run version that sorts in time order, e.g. 20260504T061502123456Z."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


Publication = tuple[str, str | None, str]  # version, as-of day, published at


def current_publications(settings: Settings) -> dict[str, Publication]:
    """Table -> what the serving file serves now (empty before the first publish)."""
    serving = serving_file(settings)
    if not serving.exists():
        return {}
    try:
        with duckdb.connect(str(serving), read_only=True) as connection:
            rows = connection.execute(
                f"select table_name, version, cast(as_of_date as varchar), cast(published_at as varchar) "
                f"from {PUBLICATIONS_TABLE}"
            ).fetchall()
    except duckdb.Error:
        return {}
    return {
        table: (version, as_of, published_at)
        for table, version, as_of, published_at in rows
        if version_file(settings, table, version).exists()
    }


def _select(connection: duckdb.DuckDBPyConnection, settings: Settings, table: str) -> str:
    """The query that publishes `table`: sorted (the same inputs give the same files), without
    personal data unless LEADSCORE_PUBLISH_PERSONAL_DATA asks for it."""
    columns = [row[0] for row in connection.execute(f"describe {table}").fetchall()]
    personal = [column for column in columns if column in PERSONAL_COLUMNS]
    exclude = f" exclude ({', '.join(personal)})" if personal else ""
    if table == "fct_lead_scores" and settings.publish_personal_data:
        return (
            f"select scores.*{exclude}, leads.email, leads.first_name, leads.last_name "
            f"from {table} as scores left join int_leads_enriched as leads on scores.lead_id = leads.lead_id "
            "order by all"
        )
    return f"select *{exclude} from {table} order by all"


def _write_serving(settings: Settings, publications: dict[str, Publication]) -> None:
    """Write the serving database beside the served one, then rename it into place."""
    target = serving_file(settings)
    partial = target.with_name(f".{target.name}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    with duckdb.connect() as connection:
        connection.execute(
            f"attach {_quote(partial)} as serving (storage_version '{SERVING_STORAGE_VERSION}')"
        )
        rows = []
        for table, (version, as_of, published_at) in sorted(publications.items()):
            path = version_file(settings, table, version).resolve()
            connection.execute(
                f"create view serving.main.{table} as select * from read_parquet({_quote(path)})"
            )
            rows.append((table, version, str(path), as_of, published_at))
        connection.execute(
            f"create table serving.main.{PUBLICATIONS_TABLE} "
            "(table_name varchar, version varchar, file_path varchar, as_of_date date, published_at timestamptz)"
        )
        connection.executemany(
            f"insert into serving.main.{PUBLICATIONS_TABLE} values (?, ?, ?, ?, ?)",
            rows,
        )
        connection.execute("checkpoint serving")
        connection.execute("detach serving")
    os.replace(partial, target)


def _link_current(source: Path, target: Path) -> None:
    """data.parquet: the current version under a stable name, renamed into place."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)  # version files are never rewritten, so a hard link is enough
    except OSError:
        shutil.copyfile(source, partial)
    os.replace(partial, target)


def _prune(settings: Settings, table: str, keep: set[str]) -> None:
    folder = settings.published_dir / table
    versions = sorted(
        (path for path in folder.glob("*.parquet") if path.name != "data.parquet"), reverse=True
    )
    for path in versions[KEEP_PREVIOUS_VERSIONS + 1 :]:
        if path.stem not in keep:
            path.unlink(missing_ok=True)


def publish_tables(
    settings: Settings, tables: tuple[str, ...] = PUBLISHED_TABLES, as_of: str | None = None
) -> list[Path]:
    """Publish `tables` as a new version and swap the serving file; tables not in `tables` keep
    their current version. Only called after a successful build, under the run lock."""
    version = new_version()
    published_at = datetime.now(timezone.utc).isoformat()
    publications = current_publications(settings)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        for table in tables:
            target = version_file(settings, table, version)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            connection.execute(
                f"copy ({_select(connection, settings, table)}) to {_quote(partial)} "
                "(format parquet, compression zstd)"
            )
            os.replace(partial, target)
            publications[table] = (version, as_of, published_at)
    _write_serving(settings, publications)
    served = {version for version, _, _ in publications.values()}
    for table in tables:
        _link_current(version_file(settings, table, version), published_file(settings, table))
        _prune(settings, table, keep=served)
    return [published_file(settings, table) for table in tables]
