"""Publish the BI-facing tables where BI tools read them while the next run writes.

DuckDB allows one writer or many readers per file, so BI tools never read the warehouse itself.
Each successful run writes one complete publication, then switches to it in one atomic step:

    published/
      versions/<version>/<table>.parquet   every published table, sorted
      versions/<version>/serving.duckdb    the same rows as real tables, plus leadscore_publications
      current -> versions/<version>        relative symlink: switching it is the one atomic step
      serving.duckdb -> current/serving.duckdb            stable entry points that never change
      <table>/data.parquet -> ../current/<table>.parquet  target; they follow `current`

1. the version is written as `versions/.<version>.partial/` (this run's tables from the warehouse,
   the other tables hard-linked from the current version, the serving file loaded from those
   files), synced, then renamed to `versions/<version>`: nothing a reader can reach changes;
2. the entry points of the tables already served are checked (they only ever point into
   `current`, so this never changes what is served), then `current` is switched by renaming a
   new symlink over it: every table, in the serving file and in the Parquet files, changes day at
   once; a kill before it serves the old day everywhere, after it the new day everywhere;
3. entry points of tables served for the first time are added, files of the old layout are removed,
   and versions older than the current one and the two before it are deleted.

The serving file holds tables, not views over the Parquet files, so it works wherever `published/`
is mounted or copied. A reader holding an old serving file open keeps its open file. Leftovers of a
killed publish are removed by the next one, which runs under the same run lock. The first publish
over the old layout (a serving file of views over `<table>/<version>.parquet`, regular data.parquet
files) first serves the old files as a version of their own, so replacing them by the entry points
never changes the day served, then publishes as above.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from leadscore.settings import Settings

SERVING_FILE = "serving.duckdb"
PUBLICATIONS_TABLE = "leadscore_publications"
VERSIONS_DIR = "versions"
CURRENT_LINK = "current"
# versions kept besides the current one, for readers that resolved an older one just before a switch
KEEP_PREVIOUS_VERSIONS = 2
PERSONAL_COLUMNS = ("email", "first_name", "last_name")
# the oldest DuckDB storage format BI drivers are likely to bundle (DuckDB 1.0 reads it)
SERVING_STORAGE_VERSION = "v1.0.0"
VERSION_FORMAT = "%Y%m%dT%H%M%S%fZ"
VERSION_NAME = re.compile(r"\d{8}T\d{12}Z")

Publication = tuple[str, str | None, str]  # version, as-of day, published at


def published_file(settings: Settings, table: str) -> Path:
    """The stable name tools that read files use: a link to the current version's file."""
    return settings.published_dir / table / "data.parquet"


def serving_file(settings: Settings) -> Path:
    """The stable name BI tools connect to: a link to the current version's serving file."""
    return settings.published_dir / SERVING_FILE


def version_dir(settings: Settings, version: str) -> Path:
    return settings.published_dir / VERSIONS_DIR / version


def version_file(settings: Settings, table: str, version: str) -> Path:
    return version_dir(settings, version) / f"{table}.parquet"


def new_version() -> str:
    """A run version that sorts in time order, e.g. 20260504T061502123456Z."""
    return datetime.now(UTC).strftime(VERSION_FORMAT)


def current_version(settings: Settings) -> str | None:
    """The version `published/current` points to, if it is a complete one."""
    try:
        target = Path(os.readlink(settings.published_dir / CURRENT_LINK))
    except OSError:
        return None
    if VERSION_NAME.fullmatch(target.name) and version_dir(settings, target.name).is_dir():
        return target.name
    return None


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _served(settings: Settings) -> dict[str, tuple[Publication, Path]]:
    """Table -> (what is served now, its Parquet file). Reads the current version's serving file,
    or the serving file of the old layout (views over `<table>/<version>.parquet`)."""
    version = current_version(settings)
    if version is not None:
        serving = version_dir(settings, version) / SERVING_FILE
    elif _is_old_layout(settings):
        serving = serving_file(settings)
    else:
        return {}
    try:
        with duckdb.connect(str(serving), read_only=True) as connection:
            rows = connection.execute(
                "select table_name, version, cast(as_of_date as varchar), cast(published_at as varchar), file_path "
                f"from {PUBLICATIONS_TABLE}"
            ).fetchall()
    except duckdb.Error:
        return {}
    served = {}
    for table, table_version, as_of, published_at, file_path in rows:
        # file_path is relative to published/ (an absolute path in the old layout)
        candidates = [settings.published_dir / file_path, settings.published_dir / table / f"{table_version}.parquet"]
        file = next((path for path in candidates if path.is_file()), None)
        if file is not None:
            served[table] = ((table_version, as_of, published_at), file)
    return served


def current_publications(settings: Settings) -> dict[str, Publication]:
    """Table -> what the serving file serves now (empty before the first publish)."""
    return {table: publication for table, (publication, _) in _served(settings).items()}


def _is_old_layout(settings: Settings) -> bool:
    serving = serving_file(settings)
    return serving.is_file() and not serving.is_symlink()


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


def _next_version(settings: Settings) -> str:
    """A new version that sorts after every existing one, even if the clock went back."""
    version = new_version()
    folder = settings.published_dir / VERSIONS_DIR
    existing = [path.name for path in folder.iterdir() if VERSION_NAME.fullmatch(path.name)] if folder.is_dir() else []
    latest = max(existing, default="")
    if version <= latest:
        version = (datetime.strptime(latest, VERSION_FORMAT) + timedelta(microseconds=1)).strftime(VERSION_FORMAT)
    return version


def fsync(path: Path) -> None:
    """Flush a file or a folder's entries to disk, so a power cut cannot switch to empty files."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # published files are never rewritten, so a hard link is enough
    except OSError:
        shutil.copyfile(source, target)


def _point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` (relative), atomically: a new link renamed over it."""
    try:
        if os.readlink(link) == target:
            return
    except OSError:
        pass
    if not link.parent.is_dir():
        link.parent.mkdir(parents=True)
    temporary = link.with_name(f".{link.name}.tmp")
    try:
        os.symlink(target, temporary)
    except FileExistsError:  # left by a killed publish
        temporary.unlink()
        os.symlink(target, temporary)
    os.replace(temporary, link)


def _point_entries(settings: Settings, tables: list[str]) -> None:
    """The stable entry points: they name `current`, so they are right for every version."""
    _point(serving_file(settings), f"{CURRENT_LINK}/{SERVING_FILE}")
    for table in tables:
        _point(published_file(settings, table), f"../{CURRENT_LINK}/{table}.parquet")


def _write_serving(folder: Path, version: str, publications: dict[str, Publication]) -> None:
    """The serving database of one version: every table loaded from the version's own Parquet
    files (the same rows and types as the files), and what is served, from which run."""
    with duckdb.connect() as connection:
        connection.execute(
            f"attach {_quote(folder / SERVING_FILE)} as serving (storage_version '{SERVING_STORAGE_VERSION}')"
        )
        rows = []
        for table, (table_version, as_of, published_at) in sorted(publications.items()):
            connection.execute(
                f"create table serving.main.{table} as "
                f"select * from read_parquet({_quote(folder / f'{table}.parquet')})"
            )
            file_path = f"{VERSIONS_DIR}/{version}/{table}.parquet"
            rows.append((table, table_version, file_path, as_of, published_at))
        connection.execute(
            f"create table serving.main.{PUBLICATIONS_TABLE} "
            "(table_name varchar, version varchar, file_path varchar, as_of_date date, published_at timestamptz)"
        )
        connection.executemany(f"insert into serving.main.{PUBLICATIONS_TABLE} values (?, ?, ?, ?, ?)", rows)
        connection.execute("checkpoint serving")
        connection.execute("detach serving")


def _clean_leftovers(settings: Settings) -> None:
    """Remove what a killed publish left: partial versions, complete versions it never switched
    to, temporary links, and the partial files of the old layout."""
    published = settings.published_dir
    versions = published / VERSIONS_DIR
    current = current_version(settings)
    if versions.is_dir():
        for path in versions.iterdir():
            unfinished = path.name.startswith(".") and path.name.endswith(".partial")
            never_served = VERSION_NAME.fullmatch(path.name) and (current is None or path.name > current)
            if (unfinished or never_served) and not path.is_symlink():
                shutil.rmtree(path)
    for folder in (published, *(path for path in published.iterdir() if path.is_dir() and not path.is_symlink())):
        if folder.name == VERSIONS_DIR:
            continue
        for path in folder.iterdir():
            if path.name.startswith(".") and path.name.endswith((".tmp", ".partial", ".partial.wal")):
                path.unlink()


def _remove_old_layout(settings: Settings, tables: list[str]) -> None:
    """The version files of the old layout, `<table>/<version>.parquet`: served no more."""
    for table in tables:
        folder = settings.published_dir / table
        for path in folder.glob("*.parquet"):
            if VERSION_NAME.fullmatch(path.stem):
                path.unlink()


def _prune(settings: Settings, current: str) -> None:
    """Keep the current version and the two before it."""
    versions = sorted(
        path.name for path in (settings.published_dir / VERSIONS_DIR).iterdir() if VERSION_NAME.fullmatch(path.name)
    )
    older = [version for version in versions if version < current]
    keep = {current, *older[len(older) - KEEP_PREVIOUS_VERSIONS :]} if older else {current}
    for version in versions:
        if version not in keep:
            shutil.rmtree(version_dir(settings, version))


def _publish_version(
    settings: Settings,
    version: str,
    publications: dict[str, Publication],
    written: list[str],
    carried: dict[str, Path],
) -> None:
    """Write a complete version (the `written` tables from the warehouse, the `carried` ones linked
    from their current file), then switch `current` to it in one step."""
    published = settings.published_dir
    partial = published / VERSIONS_DIR / f".{version}.partial"
    if not partial.parent.is_dir():
        partial.parent.mkdir()
    partial.mkdir()
    if written:
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
            for table in written:
                connection.execute(
                    f"copy ({_select(connection, settings, table)}) to {_quote(partial / f'{table}.parquet')} "
                    "(format parquet, compression zstd)"
                )
    for table, source in carried.items():
        _link_or_copy(source, partial / f"{table}.parquet")
    tables = sorted(publications)
    # a serving file for the same tables as the files, under versions/<version>/ once renamed
    _write_serving(partial, version, {table: publications[table] for table in tables})
    for path in partial.iterdir():
        fsync(path)
    fsync(partial)
    os.rename(partial, version_dir(settings, version))
    fsync(partial.parent)

    served_before = current_version(settings)
    if served_before is not None:  # repair entry points first: they name `current`, which still serves the old day
        already = [table for table in tables if (version_dir(settings, served_before) / f"{table}.parquet").is_file()]
        _point_entries(settings, already)
    _point(published / CURRENT_LINK, f"{VERSIONS_DIR}/{version}")  # the switch
    fsync(published)
    _point_entries(settings, tables)  # tables served for the first time
    _remove_old_layout(settings, tables)
    _prune(settings, version)


def publish_tables(settings: Settings, tables: tuple[str, ...], as_of: str | None = None) -> list[Path]:
    """Publish `tables` as a new version and switch every served table to it at once; tables not
    in `tables` keep their current version. Only called after a successful build, under the run
    lock. Returns the stable data.parquet paths of `tables`."""
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(settings)
    if current_version(settings) is None and _is_old_layout(settings):
        # first publish over the old layout: serve its own files as a version first, so replacing
        # its serving file and data.parquet files by links never changes the day they serve
        old = _served(settings)
        if old:
            _publish_version(
                settings,
                _next_version(settings),
                {table: publication for table, (publication, _) in old.items()},
                written=[],
                carried={table: file for table, (_, file) in old.items()},
            )
    served = _served(settings)
    version = _next_version(settings)
    published_at = datetime.now(UTC).isoformat()
    publications = {table: publication for table, (publication, _) in served.items()}
    publications.update({table: (version, as_of, published_at) for table in tables})
    _publish_version(
        settings,
        version,
        publications,
        written=list(tables),
        carried={table: file for table, (_, file) in served.items() if table not in tables},
    )
    return [published_file(settings, table) for table in tables]
