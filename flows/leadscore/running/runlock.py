"""One leadscore run at a time per warehouse: an exclusive `flock` on a lock file beside it.

The operating system releases the lock when the holding process ends, however it ends (even
SIGKILL), so a crashed run never leaves a stale lock behind. The file itself stays; its content
(pid and start time of the holder) is only there to write a helpful message."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from leadscore.settings import Settings

_held: dict[Path, int] = {}  # lock files this process holds, with their nesting depth
_guard = threading.Lock()


class RunLockedError(RuntimeError):
    """Another leadscore run holds the warehouse's lock; the message names it."""

    def __init__(self, path: Path, holder: str):
        self.path = path
        super().__init__(f"another leadscore run holds {path} {holder}".rstrip())


def lock_path(settings: Settings) -> Path:
    """warehouse/leadscore.lock for warehouse/leadscore.duckdb."""
    return settings.duckdb_path.with_suffix(".lock")


def _holder(descriptor: int) -> str:
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 200).decode(errors="replace").split()
    info = dict(zip(text[::2], text[1::2]))
    if "pid" in info and "since" in info:
        return f"since {info['since']} (pid {info['pid']})"
    return "(its start time is not written yet)"


@contextmanager
def run_lock(settings: Settings) -> Iterator[Path]:
    """Hold the warehouse's run lock for the block, or raise RunLockedError at once.

    Re-entrant within one process (the CLI takes it for a whole backfill, each flow run inside
    takes it again)."""
    path = lock_path(settings).resolve()
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _guard:
                _held[path] -= 1
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError(path, _holder(descriptor)) from None
        since = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()} since {since}\n".encode(), 0)
        with _guard:
            _held[path] = 1
        try:
            yield path
        finally:
            with _guard:
                _held.pop(path, None)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
