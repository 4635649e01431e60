"""The published, report and history tables come from the dbt graph's tags (dbt_project.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HISTORY_TABLES, PROJECT_DIR, PUBLISHED_TABLES, REPORT_TABLES, make_settings
from leadscore.running.bi_tables import history_tables, manifest_path, published_tables, report_tables


def test_the_tags_give_the_published_report_and_history_tables(isolated_dbt: Path) -> None:
    settings = make_settings(isolated_dbt, isolated_dbt / "landing")
    assert not manifest_path(settings).exists()  # no build yet: parsed aside, nothing left behind
    assert published_tables(settings) == PUBLISHED_TABLES
    assert report_tables(settings) == REPORT_TABLES
    assert history_tables(settings) == HISTORY_TABLES
    assert not manifest_path(settings).exists()


def test_a_retagged_model_changes_what_is_published(isolated_dbt: Path, project_copy: Path) -> None:
    project = project_copy / "dbt_project.yml"
    project.write_text(project.read_text().replace('+tags: ["bi", "report"]', '+tags: ["report"]', 1))
    settings = make_settings(isolated_dbt, isolated_dbt / "landing", project_dir=project_copy)
    assert "fct_account_scores" not in published_tables(settings)
    assert "fct_account_scores" in report_tables(settings)


@pytest.mark.parametrize("tables", [PUBLISHED_TABLES, REPORT_TABLES, HISTORY_TABLES])
def test_expected_tables_are_models_of_the_project(tables: tuple[str, ...]) -> None:
    assert all(next((PROJECT_DIR / "models" / "marts").rglob(f"{name}.sql"), None) for name in tables)
