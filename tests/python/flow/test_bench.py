"""`leadscore bench` at a tiny size with one repeat: the table has every measure and target row,
and the results files are written. Behaviour only, never timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadscore.evaluation.bench import Measure, SizeResult, parse_sizes, ratio_rows

LEADSCORE = Path(sys.executable).parent / "leadscore"


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    return subprocess.run(
        [str(LEADSCORE), "bench", *args], capture_output=True, text=True, timeout=1200, env=env, cwd=tmp_path
    )


def test_bench_prints_measures_and_targets(tmp_path: Path) -> None:
    results = tmp_path / "results"
    completed = _bench(
        tmp_path,
        "--sizes",
        "T=200",
        "--repeats",
        "1",
        "--work-dir",
        str(tmp_path / "work"),
        "--results-dir",
        str(results),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    table = completed.stdout
    assert "| T | 200 |" in table
    for target in (
        "full minus start-up / floor <= 2",
        "incremental / full <= 5 %",
        "peak RSS <= 4 GiB",
        "full == incremental (rows differing)",
        "store / floor: least full / floor of a build that keeps the events",
        "full minus start-up / store",
        "XS daily run <= 10 s",
    ):
        assert f"| {target} | T |" in table
    assert "fct_lead_scores 0, fct_lead_score_history 0" in table
    written = sorted(path.name for path in results.iterdir())
    assert len(written) == 2 and written[0].endswith(".json") and written[1].endswith(".md")
    payload = json.loads((results / written[0]).read_text())
    measures = payload["sizes"][0]["measures"]
    assert set(measures) == {"floor", "store", "startup", "full", "incremental"}
    assert all(len(m["seconds"]) == 1 and m["peak_rss_mib"][0] > 0 for m in measures.values())


def test_unknown_size_is_a_usage_error(tmp_path: Path) -> None:
    completed = _bench(tmp_path, "--sizes", "XL")
    assert completed.returncode == 2
    assert "unknown size" in completed.stdout + completed.stderr


def test_sizes_spec() -> None:
    assert parse_sizes("S,m") == {"S": 10_000, "M": 100_000}
    assert parse_sizes("T=300") == {"T": 300}
    with pytest.raises(ValueError):
        parse_sizes("T=0")


def _size(
    name: str, leads: int, floor: float, startup: float, full: float, incremental: float, store: float | None = None
) -> SizeResult:
    seconds = {"floor": floor, "startup": startup, "full": full, "incremental": incremental}
    if store is not None:
        seconds["store"] = store
    measures = {kind: Measure(kind, [value], [100.0]) for kind, value in seconds.items()}
    return SizeResult(name, leads, leads * 50, measures, {})


def test_a_tiny_size_gives_the_builds_fixed_cost() -> None:
    results = [
        _size("XS", 100, 0.1, 3.0, 60.0, 58.0),
        _size("M", 100_000, 0.5, 3.0, 61.0, 59.0),
        _size("L", 1_000_000, 2.0, 3.0, 100.0, 90.0),
    ]
    rows = {(target, size): (measured, verdict) for target, size, measured, verdict in ratio_rows(results)}
    assert rows[("full minus start-up / floor <= 2", "M")] == ("116.0x", "NOT met")
    # M's full build is 1 s above the fixed cost: 2x its 0.5 s floor, met; L's is 40 s: 20x
    assert rows[("full minus fixed cost (XS full) / floor <= 2", "M")] == ("2.0x", "met")
    assert rows[("full minus fixed cost (XS full) / floor <= 2", "L")] == ("20.0x", "NOT met")
    assert rows[("fixed cost (XS full) / full: least incremental / full", "L")] == ("60.0%", "-")
    assert not any(size == "XS" and "fixed cost" in target for target, size in rows)


def test_no_fixed_cost_rows_without_a_tiny_size() -> None:
    rows = ratio_rows([_size("S", 10_000, 0.1, 3.0, 60.0, 58.0), _size("M", 100_000, 0.5, 3.0, 61.0, 59.0)])
    assert not any("fixed cost" in target for target, *_ in rows)


def test_storing_the_events_is_measured_against_the_floor_and_the_build() -> None:
    rows = {
        (target, size): (measured, verdict)
        for target, size, measured, verdict in ratio_rows([_size("L", 1_000_000, 1.5, 3.0, 123.0, 90.0, store=24.0)])
    }
    # copying the events takes 16x the floor; the build less start-up (120 s) is 5x the copy
    assert rows[("store / floor: least full / floor of a build that keeps the events", "L")] == ("16.0x", "-")
    assert rows[("full minus start-up / store", "L")] == ("5.0x", "-")


def test_results_without_a_store_measure_have_no_store_rows() -> None:
    targets = {target for target, _, _, _ in ratio_rows([_size("M", 100_000, 0.5, 3.0, 61.0, 59.0)])}
    assert not any("store" in target for target in targets)


def test_the_daily_run_of_a_tiny_size_is_held_to_ten_seconds() -> None:
    """Issue 17, target 3: the fixed cost, a daily (incremental) run at XS, at most 10 s."""
    rows = {
        (target, size): (measured, verdict)
        for target, size, measured, verdict in ratio_rows(
            [
                _size("XS", 100, 0.1, 2.0, 20.0, 9.5),
                _size("T", 1_000, 0.1, 2.0, 20.0, 10.2),
                _size("M", 100_000, 0.5, 3.0, 61.0, 59.0),
            ]
        )
    }
    assert rows[("XS daily run <= 10 s", "XS")] == ("9.5 s", "met")
    assert rows[("XS daily run <= 10 s", "T")] == ("10.2 s", "NOT met")
    assert ("XS daily run <= 10 s", "M") not in rows
