"""One run at a time: a second run exits at once with code 3, a killed run leaves the published
data as it was and the next run succeeds."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from leadscore.running.runlock import RunLockedError, lock_path, run_lock
from leadscore.settings import Settings

LEADSCORE = Path(sys.executable).parent / "leadscore"
HOLDER = (
    "import sys, time; from pathlib import Path; from leadscore.settings import Settings; "
    "from leadscore.running.runlock import run_lock\n"
    "with run_lock(Settings.resolve(duckdb_path=Path(sys.argv[1]))):\n"
    "    print('held', flush=True); time.sleep(600)"
)


def test_the_lock_names_its_holder_and_dies_with_it(tmp_path: Path) -> None:
    settings = Settings.resolve(duckdb_path=tmp_path / "warehouse" / "leadscore.duckdb")
    assert lock_path(settings) == tmp_path / "warehouse" / "leadscore.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(settings.duckdb_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLockedError) as locked:
            with run_lock(settings):
                pass
        message = str(locked.value)
        assert message.startswith(f"another leadscore run holds {lock_path(settings)} since ")
        assert f"(pid {holder.pid})" in message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with run_lock(settings):  # released by the OS with the killed process
        with run_lock(settings):  # and re-entrant within one process
            pass


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(LEADSCORE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
        start_new_session=True,  # its own process group: kill dbt and Prefect too
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def folder_hash(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_second_run_exits_at_once_and_a_killed_run_changes_nothing_published(cli_env: Path) -> None:
    lock = cli_env / "warehouse" / "leadscore.lock"
    first = start("run", "--as-of", "2026-03-30")
    try:
        wait_for(lambda: lock.exists() and "pid" in lock.read_text(), 120, "the first run to take the lock")
        started = time.monotonic()
        second = subprocess.run(
            [str(LEADSCORE), "run", "--as-of", "2026-03-30"], capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 3, second.stdout + second.stderr
        output = " ".join((second.stdout + second.stderr).split())
        assert f"another leadscore run holds {lock} since " in output
        assert f"(pid {first.pid})" in output
        assert time.monotonic() - started < 30
        assert first.wait(timeout=600) == 0, first.stdout.read()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    published = cli_env / "published"
    before = folder_hash(published)
    assert "serving.duckdb" in before
    database = cli_env / "warehouse" / "leadscore.duckdb"
    wal = database.with_name(database.name + ".wal")
    mtime = database.stat().st_mtime_ns

    killed = start("run", "--as-of", "2026-03-31")
    try:  # dbt is writing the warehouse: kill the run halfway
        wait_for(lambda: wal.exists() or database.stat().st_mtime_ns != mtime, 300, "dbt to write the warehouse")
        time.sleep(1)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    assert folder_hash(published) == before

    after = subprocess.run(
        [str(LEADSCORE), "run", "--as-of", "2026-03-31"], capture_output=True, text=True, timeout=600
    )
    assert after.returncode == 0, after.stdout + after.stderr
    assert "as of 2026-03-31" in after.stdout + after.stderr
    assert folder_hash(published) != before
