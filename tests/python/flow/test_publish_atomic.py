"""Publishing switches every table in one atomic step: a publish killed at any file operation
serves one day everywhere (the serving file and every data.parquet), the next publish cleans up
and serves the new day, the serving file works wherever published/ is mounted or copied, and a
connection held open keeps reading its day. Fast: a hand-made warehouse, no dbt build."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import HISTORY_TABLES, PROJECT_DIR, PUBLISHED_TABLES
from leadscore.running.publish import (
    PUBLICATIONS_TABLE,
    current_publications,
    publish_tables,
)
from leadscore.settings import Settings

DAY_1 = date(2026, 5, 4)
DAY_2 = DAY_1 + timedelta(days=1)

# Publishes one day in a child process that SIGKILLs itself just before its k-th file-system
# operation (every rename, link, unlink, directory creation or removal, file copy).
KILLED_PUBLISH = r"""
import os, shutil, signal, sys
from pathlib import Path
from leadscore.running.publish import publish_tables
from leadscore.settings import Settings

kill_at, project, warehouse, published, day, tables = sys.argv[1:7]
calls = 0

def counted(operation):
    def run(*args, **kwargs):
        global calls
        calls += 1
        if calls == int(kill_at):
            os.kill(os.getpid(), signal.SIGKILL)
        return operation(*args, **kwargs)
    return run

for module, name in [
    (os, "replace"), (os, "rename"), (os, "symlink"), (os, "link"), (os, "unlink"), (os, "remove"),
    (os, "rmdir"), (os, "mkdir"), (shutil, "copyfile"), (shutil, "copy2"),
]:
    setattr(module, name, counted(getattr(module, name)))
settings = Settings.resolve(project_dir=Path(project), duckdb_path=Path(warehouse), published_dir=Path(published))
publish_tables(settings, tuple(tables.split(",")), as_of=day)
print(calls)
"""


def read_serving(serving: str, tables: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What a BI tool sees: the days of every table through the serving file, opened read-only,
    and the as-of day it lists for each table."""
    with duckdb.connect(serving, read_only=True) as db:
        days = {
            table: sorted(str(day) for (day,) in db.execute(f"select distinct as_of_date from {table}").fetchall())
            for table in tables
        }
        listed = dict(
            db.execute("select table_name, cast(as_of_date as varchar) from leadscore_publications").fetchall()
        )
    return days, listed


def fake_warehouse(path: Path, day: date) -> Path:
    """Every published table with two rows of `day`; fct_lead_scores carries personal columns too."""
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as db:
        for table in PUBLISHED_TABLES:
            db.execute(
                f"create table {table} as select * from (values ('L2', 20), ('L1', 10)) as rows(lead_id, points), "
                f"(select date '{day}' as as_of_date)"
            )
        db.execute("alter table fct_lead_scores add column email varchar default 'ann@acme.example'")
        db.execute("alter table fct_lead_scores add column first_name varchar default 'Ann'")
    return path


def settings_for(published: Path, warehouse: Path) -> Settings:
    return Settings.resolve(project_dir=PROJECT_DIR, duckdb_path=warehouse, published_dir=published)


def publish(published: Path, warehouse: Path, day: date, tables: tuple[str, ...] = PUBLISHED_TABLES) -> None:
    publish_tables(settings_for(published, warehouse), tables, as_of=day.isoformat())


def served(
    published: Path, elsewhere: Path, tables: tuple[str, ...] = PUBLISHED_TABLES, new_process: bool = False
) -> dict[str, tuple]:
    """Table -> (days read through the serving file, days in data.parquet, as-of listed in
    leadscore_publications). The serving file is opened read-only from another working directory
    than the writer's, in this process or (`new_process`) in a new one."""
    serving = str(published / "serving.duckdb")
    if new_process:
        script = (
            "from __future__ import annotations\nimport json, sys\nimport duckdb\n"
            + inspect.getsource(read_serving)
            + "print(json.dumps(read_serving(sys.argv[1], sys.argv[2].split(','))))"
        )
        reader = subprocess.run(
            [sys.executable, "-c", script, serving, ",".join(tables)],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert reader.returncode == 0, reader.stderr
        through_serving, listed = json.loads(reader.stdout)
    else:
        with contextlib.chdir(elsewhere):
            through_serving, listed = read_serving(serving, list(tables))
    result = {}
    with duckdb.connect() as db:
        for table in tables:
            file = published / table / "data.parquet"
            in_file = (
                sorted(str(day) for (day,) in db.execute(f"select distinct as_of_date from '{file}'").fetchall())
                if file.is_file()
                else ["missing"]
            )
            result[table] = (through_serving[table], in_file, listed.get(table))
    return result


def every_table(day: date | str, tables: tuple[str, ...] = PUBLISHED_TABLES) -> dict[str, tuple]:
    return {table: ([str(day)], [str(day)], str(day)) for table in tables}


def leftovers(published: Path) -> list[str]:
    return sorted(
        str(path.relative_to(published))
        for path in published.rglob("*")
        if path.name.startswith(".") or path.name.endswith((".partial", ".tmp", ".wal"))
    )


def write_old_layout(published: Path, warehouse: Path, day: date) -> None:
    """published/ as the previous publisher left it: <table>/<version>.parquet, a regular
    data.parquet per table, and a serving file of views over the version files by absolute path."""
    version = "20260504T060000000000Z"
    published.mkdir(parents=True)
    with duckdb.connect() as db:
        db.execute(f"attach '{warehouse}' as warehouse (read_only)")
        db.execute(f"attach '{published / 'serving.duckdb'}' as serving (storage_version 'v1.0.0')")
        db.execute(
            f"create table serving.main.{PUBLICATIONS_TABLE} (table_name varchar, version varchar, "
            "file_path varchar, as_of_date date, published_at timestamptz)"
        )
        for table in PUBLISHED_TABLES:
            file = published / table / f"{version}.parquet"
            file.parent.mkdir()
            exclude = " exclude (email, first_name)" if table == "fct_lead_scores" else ""
            db.execute(f"copy (select *{exclude} from warehouse.{table} order by all) to '{file}'")
            os.link(file, file.with_name("data.parquet"))
            db.execute(f"create view serving.main.{table} as select * from read_parquet('{file}')")
            db.execute(
                f"insert into serving.main.{PUBLICATIONS_TABLE} values (?, ?, ?, ?, now())",
                [table, version, str(file), day.isoformat()],
            )
        db.execute("detach serving")


@pytest.fixture(autouse=True)
def no_personal_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake warehouse has no int_leads_enriched to join personal data from (children inherit this)."""
    monkeypatch.delenv("LEADSCORE_PUBLISH_PERSONAL_DATA", raising=False)


@pytest.fixture
def warehouses(tmp_path: Path) -> tuple[Path, Path]:
    return fake_warehouse(tmp_path / "day1.duckdb", DAY_1), fake_warehouse(tmp_path / "day2.duckdb", DAY_2)


@pytest.fixture
def published(tmp_path: Path, warehouses: tuple[Path, Path]) -> Path:
    """published/ serving day 1 (the new layout)."""
    publish(tmp_path / "published", warehouses[0], DAY_1)
    return tmp_path / "published"


@pytest.mark.parametrize(
    "scenario",
    [
        "daily run",
        "backfill (history tables only)",
        pytest.param("first publish over the old layout"),  # ~60 file operations
    ],
)
def test_a_publish_killed_at_any_step_serves_one_day_everywhere(
    tmp_path: Path, warehouses: tuple[Path, Path], scenario: str
) -> None:
    day_1, day_2 = warehouses
    tables = HISTORY_TABLES if scenario.startswith("backfill") else PUBLISHED_TABLES
    before = every_table(DAY_1)
    after = {**before, **every_table(DAY_2, tables)}
    writer_folder, reader_folder = tmp_path / "writer", tmp_path / "reader"
    writer_folder.mkdir()
    reader_folder.mkdir()
    kill_at, untidy = 0, {}
    while True:
        kill_at += 1
        assert kill_at < 200, "the publish never completed"
        published = tmp_path / f"killed-at-{kill_at}" / "published"
        if scenario.endswith("old layout"):
            write_old_layout(published, day_1, DAY_1)
        else:
            publish(published, day_1, DAY_1)
        assert served(published, reader_folder) == before

        child = subprocess.run(
            [
                sys.executable,
                "-c",
                KILLED_PUBLISH,
                str(kill_at),
                str(PROJECT_DIR),
                str(day_2),
                str(published),
                DAY_2.isoformat(),
                ",".join(tables),
            ],
            cwd=writer_folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if child.returncode == 0:  # ran to the end without reaching its kill_at-th operation
            assert served(published, reader_folder) == after
            assert leftovers(published) == []
            break
        assert child.returncode == -signal.SIGKILL, child.stderr
        now = served(published, reader_folder)
        assert now in (before, after), f"killed before file operation {kill_at}: {now}"

        publish(published, day_2, DAY_2, tables)  # the next publish cleans up and serves the new day
        assert served(published, reader_folder) == after, f"after a kill before operation {kill_at}"
        if left := leftovers(published):
            untidy[kill_at] = left
        shutil.rmtree(published.parent)
    assert kill_at > 5  # the child did count the publish's file operations
    assert untidy == {}, "files a killed publish left behind (killed before operation: files)"


def test_layout_one_switch_relative_links_real_tables_and_three_versions_kept(
    published: Path, warehouses: tuple[Path, Path]
) -> None:
    day_1, day_2 = warehouses
    for _ in range(2):
        publish(published, day_1, DAY_1)
    publish(published, day_2, DAY_2)

    assert os.readlink(published / "serving.duckdb") == "current/serving.duckdb"
    for table in PUBLISHED_TABLES:
        assert os.readlink(published / table / "data.parquet") == f"../current/{table}.parquet"
        assert sorted(path.name for path in (published / table).iterdir()) == ["data.parquet"]
    current = os.readlink(published / "current")
    assert current.startswith("versions/") and not Path(current).is_absolute()
    versions = sorted(path.name for path in (published / "versions").iterdir())
    assert len(versions) == 3 and current == f"versions/{versions[-1]}"  # the current one and two before it
    assert sorted(path.name for path in (published / current).iterdir()) == sorted(
        [f"{table}.parquet" for table in PUBLISHED_TABLES] + ["serving.duckdb"]
    )

    with duckdb.connect(str(published / "serving.duckdb"), read_only=True) as db:
        kinds = dict(db.execute("select table_name, table_type from information_schema.tables").fetchall())
        rows = db.execute(
            f"select table_name, version, file_path, cast(as_of_date as varchar) from {PUBLICATIONS_TABLE}"
        ).fetchall()
        scores = db.execute("select * from fct_lead_scores").fetchall()
    assert kinds == {table: "BASE TABLE" for table in (*PUBLISHED_TABLES, PUBLICATIONS_TABLE)}
    assert {(table, file_path, day) for table, _, file_path, day in rows} == {
        (table, f"{current}/{table}.parquet", DAY_2.isoformat()) for table in PUBLISHED_TABLES
    }
    assert {version for _, version, _, _ in rows} == {versions[-1]}
    assert scores == [("L1", 10, DAY_2), ("L2", 20, DAY_2)]  # sorted, personal columns left out
    # the DuckDB 1.0 storage format (version number 64 in the file header), for older BI drivers
    header = (published / current / "serving.duckdb").read_bytes()[:20]
    assert header[8:12] == b"DUCK" and int.from_bytes(header[12:20], "little") == 64


def test_a_backfill_carries_the_other_tables_over_with_their_own_version(
    tmp_path: Path, published: Path, warehouses: tuple[Path, Path]
) -> None:
    day_1, day_2 = warehouses
    first = current_publications(settings_for(published, day_1))
    publish(published, day_2, DAY_2, HISTORY_TABLES)
    second = current_publications(settings_for(published, day_1))

    assert set(first) == set(second) == set(PUBLISHED_TABLES)
    for table in PUBLISHED_TABLES:
        if table in HISTORY_TABLES:
            assert second[table][0] > first[table][0] and second[table][1] == DAY_2.isoformat()
        else:  # same version, as-of and time published; the very same file (a hard link)
            assert second[table] == first[table]
            versions = sorted((published / "versions").iterdir())
            assert (versions[0] / f"{table}.parquet").stat().st_ino == (versions[1] / f"{table}.parquet").stat().st_ino
    assert served(published, tmp_path) == {**every_table(DAY_1), **every_table(DAY_2, HISTORY_TABLES)}


@pytest.mark.parametrize("copy", ["links kept (cp -a, rsync -a, a bind mount)", "links followed (cp -rL)"])
def test_the_serving_file_reads_wherever_published_is_copied_or_mounted(
    tmp_path: Path, published: Path, warehouses: tuple[Path, Path], copy: str
) -> None:
    publish(published, warehouses[1], DAY_2)
    mounted = tmp_path / "container" / "data" / "published"
    shutil.copytree(published, mounted, symlinks=copy.startswith("links kept"))
    shutil.rmtree(published)  # nothing may still point at the original folder
    elsewhere = tmp_path / "container" / "app"
    elsewhere.mkdir()
    assert served(mounted, elsewhere, new_process=True) == every_table(DAY_2)


def test_a_connection_held_open_keeps_its_day_across_switches_and_pruning(
    tmp_path: Path, published: Path, warehouses: tuple[Path, Path]
) -> None:
    held = duckdb.connect(str(published / "serving.duckdb"), read_only=True)
    try:
        held_version = held.execute(f"select distinct version from {PUBLICATIONS_TABLE}").fetchone()[0]
        for _ in range(4):  # enough runs to prune the held version's folder
            publish(published, warehouses[1], DAY_2)
        assert not (published / "versions" / held_version).exists()
        for table in PUBLISHED_TABLES:
            assert held.execute(f"select distinct as_of_date from {table}").fetchall() == [(DAY_1,)]
    finally:
        held.close()
    assert served(published, tmp_path, new_process=True) == every_table(DAY_2)  # a new connection gets the new day


def test_a_migrated_old_layout_keeps_no_old_files(tmp_path: Path, warehouses: tuple[Path, Path]) -> None:
    day_1, day_2 = warehouses
    published = tmp_path / "published"
    write_old_layout(published, day_1, DAY_1)
    assert set(current_publications(settings_for(published, day_1))) == set(PUBLISHED_TABLES)
    publish(published, day_2, DAY_2, HISTORY_TABLES)  # the other tables are carried over from the old layout

    assert served(published, tmp_path) == {**every_table(DAY_1), **every_table(DAY_2, HISTORY_TABLES)}
    assert (published / "serving.duckdb").is_symlink()
    for table in PUBLISHED_TABLES:
        assert sorted(path.name for path in (published / table).iterdir()) == ["data.parquet"]
        assert (published / table / "data.parquet").is_symlink()
    with duckdb.connect(str(published / "serving.duckdb"), read_only=True) as db:
        paths = [path for (path,) in db.execute(f"select file_path from {PUBLICATIONS_TABLE}").fetchall()]
        old = db.execute(f"select version from {PUBLICATIONS_TABLE} where table_name = 'fct_lead_scores'").fetchone()
    assert all(path.startswith("versions/") and (published / path).is_file() for path in paths)
    assert old == ("20260504T060000000000Z",)  # carried over with its own version
    assert leftovers(published) == []
