"""Seed sets: the live seeds/ folder with a candidate's CSVs laid over it.

dbt reads the folder named by LEADSCORE_SEEDS_DIR (dbt_project.yml's seed-paths). A candidate
(a folder, or a git revision of seeds/) may hold only some of the CSVs; the overlay is a full
copy of the live seeds/ folder, its YAML included so every seed test also checks the
candidate, with the candidate's CSVs replacing the live ones.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LIVE_SEEDS = "seeds"
# Overlays live inside the project: dbt writes a seed test's compiled SQL under the seed folder's
# path relative to the project, so a seed folder outside it breaks every seed test.
OVERLAYS = "seed_overlays"


class SeedSetError(ValueError):
    """A candidate seed set that cannot be used; the message says what to fix."""


def live_seed_names(project_dir: Path) -> set[str]:
    return {path.name for path in (project_dir / LIVE_SEEDS).glob("*.csv")}


def _git_revision(project_dir: Path, revision: str) -> str | None:
    """The commit `revision` names in the project's repository, or None when it names none."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:  # no git installed
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _csvs_at_revision(project_dir: Path, commit: str) -> dict[str, bytes]:
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", commit, f"{LIVE_SEEDS}/"],
        cwd=project_dir,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    files = {}
    for path in listing:
        if path.endswith(".csv"):
            files[Path(path).name] = subprocess.run(
                ["git", "show", f"{commit}:{path}"], cwd=project_dir, capture_output=True, check=True
            ).stdout
    return files


def candidate_csvs(project_dir: Path, candidate: str | Path) -> dict[str, bytes]:
    """The candidate's seed CSVs by file name: from a folder, else from a git revision of seeds/.
    Raises SeedSetError for a missing folder, an unknown revision or an unknown CSV name."""
    folder = Path(candidate)
    if not folder.is_absolute() and not folder.exists():
        folder = project_dir / folder
    if folder.is_dir():
        files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
        origin = f"folder {folder}"
    elif commit := _git_revision(project_dir, str(candidate)):
        files = _csvs_at_revision(project_dir, commit)
        origin = f"git revision {candidate} ({commit[:12]})"
    else:
        raise SeedSetError(f"candidate seeds '{candidate}' is neither a folder nor a git revision of this project")
    if not files:
        raise SeedSetError(f"candidate seeds: {origin} holds no seed CSV")
    unknown = sorted(set(files) - live_seed_names(project_dir))
    if unknown:
        raise SeedSetError(
            f"candidate seeds: {origin} holds {', '.join(unknown)}, which is no seed of "
            f"{project_dir / LIVE_SEEDS} (known: {', '.join(sorted(live_seed_names(project_dir)))})"
        )
    return files


def write_overlay(project_dir: Path, candidate: str | Path | None, dest: Path) -> Path:
    """A full seed folder at `dest`: the live seeds/ (CSVs and YAML) with the candidate's CSVs
    over them. Without a candidate, a plain copy of the live seeds."""
    files = candidate_csvs(project_dir, candidate) if candidate is not None else {}
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(project_dir / LIVE_SEEDS, dest)
    for name, content in files.items():
        (dest / name).write_bytes(content)
    return dest


@contextmanager
def seed_overlay(project_dir: Path, candidate: str | Path | None, always: bool = False) -> Iterator[Path | None]:
    """A temporary overlay folder (under seed_overlays/ in the project) for the duration of a
    run, removed afterwards; None (the live seeds) without a candidate unless `always`."""
    if candidate is None and not always:
        yield None
        return
    (project_dir / OVERLAYS).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="overlay-", dir=project_dir / OVERLAYS) as tmp:
        yield write_overlay(project_dir, candidate, Path(tmp) / "seeds")
