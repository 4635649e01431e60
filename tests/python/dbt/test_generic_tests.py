"""The project's own generic tests that a model's YAML uses most, on a hand-made model."""

from __future__ import annotations

from pathlib import Path

from conftest import make_settings, write_csv
from leadscore.running.dbt_runner import describe_problems, run_dbt

PROBE = """
select 1 as lead_id, cast(null as integer) as score, 'a' as grade, -1 as points
union all
select 2, 3, null, 0
union all
select 3, null, 'b', -2
union all
select 4, 4, 'b', -3
"""


def _build_probe(isolated_dbt: Path, project_copy: Path, column_names: str, test: str = "not_null_columns"):
    (project_copy / "models" / "probe.sql").write_text(PROBE)
    write_csv(
        project_copy / "models" / "_probe.yml",
        "models:",
        [
            "  - name: probe",
            "    data_tests:",
            f"      - {test}:",
            "          arguments:",
            f"            column_names: [{column_names}]",
        ],
    )
    settings = make_settings(isolated_dbt, isolated_dbt / "landing", project_dir=project_copy)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    return settings, run_dbt(settings, ["build", "--select", "probe"])


def test_not_null_columns_names_each_column_with_empty_values(isolated_dbt: Path, project_copy: Path) -> None:
    settings, result = _build_probe(isolated_dbt, project_copy, "lead_id, score, grade")
    assert not result.success
    (problem,) = result.problems
    assert problem.unique_id.startswith("test.leadscore.not_null_columns_probe")
    assert "Got 2 results" in problem.message
    lines = describe_problems(result, settings)
    # one stored row per column with empty values, with how many rows hold one
    assert sorted(lines[1:]) == ["    column_name=grade, failing_rows=1", "    column_name=score, failing_rows=2"]


def test_not_null_columns_passes_when_every_listed_column_is_filled(isolated_dbt: Path, project_copy: Path) -> None:
    _, result = _build_probe(isolated_dbt, project_copy, "lead_id")
    assert result.success, result.problems
    assert result.count("test", "pass") == 1


def test_not_negative_columns_counts_values_below_zero_and_lets_empty_values_pass(
    isolated_dbt: Path, project_copy: Path
) -> None:
    settings, result = _build_probe(isolated_dbt, project_copy, "lead_id, score, points", "not_negative_columns")
    assert not result.success
    assert describe_problems(result, settings)[1:] == ["    column_name=points, failing_rows=3"]


def test_primary_key_fails_on_each_repeated_or_empty_key_value(isolated_dbt: Path, project_copy: Path) -> None:
    settings, result = _build_probe(isolated_dbt, project_copy, "grade", "primary_key")
    assert not result.success
    (problem,) = result.problems
    assert problem.unique_id.startswith("test.leadscore.primary_key_probe")
    # 'b' is held by two rows, one row has no grade; 'a' is fine
    assert sorted(describe_problems(result, settings)[1:]) == [
        "    grade=None, occurrences=1",
        "    grade=b, occurrences=2",
    ]


def test_primary_key_over_columns_passes_when_each_combination_is_filled_and_unique(
    isolated_dbt: Path, project_copy: Path
) -> None:
    _, result = _build_probe(isolated_dbt, project_copy, "grade, lead_id", "primary_key")
    # (b, 3) and (b, 4) differ, but one row has no grade
    assert not result.success
    _, result = _build_probe(isolated_dbt, project_copy, "points, lead_id", "primary_key")
    assert result.success, result.problems
