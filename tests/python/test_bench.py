"""`leadscore bench` at a tiny size with one repeat: the table has every measure and target row,
and the results files are written. Behaviour only, never timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadscore.bench import parse_sizes

LEADSCORE = Path(sys.executable).parent / "leadscore"


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    return subprocess.run(
        [str(LEADSCORE), "bench", *args], capture_output=True, text=True, timeout=1200, env=env, cwd=tmp_path
    )


@pytest.mark.slow
def test_bench_prints_measures_and_targets(tmp_path: Path) -> None:
    results = tmp_path / "results"
    completed = _bench(
        tmp_path, "--sizes", "T=200", "--repeats", "1", "--work-dir", str(tmp_path / "work"),
        "--results-dir", str(results),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    table = completed.stdout
    assert "| T | 200 |" in table
    for target in (
        "full minus start-up / floor <= 2",
        "incremental / full <= 5 %",
        "peak RSS <= 4 GiB",
        "full == incremental (rows differing)",
    ):
        assert f"| {target} | T |" in table
    assert "fct_lead_scores 0, fct_lead_score_history 0" in table
    written = sorted(path.name for path in results.iterdir())
    assert len(written) == 2 and written[0].endswith(".json") and written[1].endswith(".md")
    payload = json.loads((results / written[0]).read_text())
    measures = payload["sizes"][0]["measures"]
    assert set(measures) == {"floor", "startup", "full", "incremental"}
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
