"""Every dbt unit test of the project, once, on an empty build (`dbt build --empty`): the models
are created with their columns and no rows, which is all a unit test needs from its parents.

The daily build leaves unit tests out (`dbt_runner.build`): they check the SQL against fixed
rows, not the day's data, so they run here, in the fast lane (`make test-fast`) and in CI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import make_settings
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import run_dbt, unit_test_args

AS_OF = date(2026, 3, 31)


def test_every_unit_test_passes_on_an_empty_build(isolated_dbt: Path) -> None:
    landing = isolated_dbt / "landing"
    generate_demo_data(out_dir=landing, leads=20, events_per_lead=2, end_date=AS_OF, file_format="csv")
    settings = make_settings(isolated_dbt, landing)
    result = run_dbt(settings, unit_test_args(AS_OF))

    failed = [outcome.unique_id for outcome in result.outcomes if outcome.status not in ("pass", "success", "no-op")]
    assert result.success and not failed, (failed, result.error)
    manifest = json.loads((isolated_dbt / "dbt_target" / "manifest.json").read_text())
    defined = {unique_id for unique_id in manifest["unit_tests"]}
    passed = {outcome.unique_id for outcome in result.outcomes if outcome.status == "pass"}
    assert defined and passed == defined, sorted(defined - passed)
    # no data test ran: this lane checks the SQL only
    assert result.count("test") == 0
