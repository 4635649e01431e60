"""The planted learning data sets (learning_data.py) hold what they say they plant."""

from __future__ import annotations

import csv
from pathlib import Path

from learning_data import DRIVERS, write_export, write_history


def test_export_plants_its_drivers(tmp_path: Path) -> None:
    planted = write_export(tmp_path, leads=3000)
    with (tmp_path / "leads.csv").open(newline="") as handle:
        leads = {row["lead_id"]: row for row in csv.DictReader(handle)}
    observed = [lead for lead in planted.lead_ids if lead not in planted.converted_before]
    rate = len(planted.converted) / len(observed)
    assert 0.33 < rate < 0.45
    driver = [lead for lead in observed if leads[lead]["Lead Origin"] == DRIVERS["lead_origin"]]
    assert len(planted.converted & set(driver)) / len(driver) > rate + 0.2
    assert planted.job_seekers and not planted.job_seekers & (planted.converted | planted.converted_before)
    with (tmp_path / "events.csv").open(newline="") as handle:
        days = {row["occurred_at"][:10] for row in csv.DictReader(handle)}
    assert max(days) == "2026-03-01" and min(days) >= "2026-01-01"


def test_history_converts_after_creation(tmp_path: Path) -> None:
    planted = write_history(tmp_path, leads=600)
    assert 0.2 < len(planted.converted) / len(planted.lead_ids) < 0.4
    with (tmp_path / "lifecycle.csv").open(newline="") as handle:
        assert all(row["entered_at"][:10] <= "2026-06-30" for row in csv.DictReader(handle))
