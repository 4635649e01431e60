"""Project hygiene, enforced in `make test` and CI: dbt-bouncer's conventions, `dbt docs generate`
with the lineage from seeds and sources to the exposures, and sqlfluff over models/ and macros/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR, project_copy  # noqa: F401  (fixture)
from leadscore.demo.demo_data import generate_demo_data
from leadscore.environment import TELEMETRY_OFF

BIN = Path(sys.executable).parent


def dbt(project: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env_target = {"DBT_TARGET_PATH": str(tmp_path / "dbt_target"), "DBT_LOG_PATH": str(tmp_path / "dbt_logs")}
    return subprocess.run(
        [str(BIN / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment(tmp_path, env_target),
    )


def environment(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    import os

    return {
        **os.environ,
        **TELEMETRY_OFF,
        "LEADSCORE_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "LEADSCORE_LANDING_DIR": str(tmp_path / "landing"),
        **extra,
    }


def bouncer_failures(project: Path, tmp_path: Path) -> list[str]:
    """Parse `project` and run dbt-bouncer on it with this project's config: the failures."""
    parsed = dbt(project, tmp_path, "parse", "--quiet")
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    config = yaml.safe_load((PROJECT_DIR / "dbt-bouncer.yml").read_text())
    config["dbt_artifacts_dir"] = str(tmp_path / "dbt_target")
    config["custom_checks_dir"] = str(PROJECT_DIR / config["custom_checks_dir"])
    config_file, report = tmp_path / "dbt-bouncer.yml", tmp_path / "bouncer.json"
    config_file.write_text(yaml.safe_dump(config))
    run = subprocess.run(
        [
            str(BIN / "dbt-bouncer"),
            "--config-file",
            str(config_file),
            "--output-file",
            str(report),
            "--output-format",
            "json",
            "--output-only-failures",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment(tmp_path, {"COLUMNS": "200"}),
    )
    assert report.exists(), run.stdout + run.stderr
    failures = [f"{item['check_run_id']}: {item.get('failure_message', '')}" for item in json.loads(report.read_text())]
    assert (run.returncode == 0) == (failures == []), run.stdout + run.stderr
    return failures


def test_dbt_bouncer_conventions_hold(tmp_path: Path) -> None:
    assert bouncer_failures(PROJECT_DIR, tmp_path) == []


def test_dbt_bouncer_catches_broken_conventions(project_copy: Path, tmp_path: Path) -> None:  # noqa: F811
    marts = project_copy / "models" / "marts" / "scoring"
    (marts / "fct_shortcut.sql").write_text(
        "select leads.lead_id from {{ source('crm', 'leads') }} as leads\n"
        "inner join analytics.fct_lead_scores as scores on leads.lead_id = scores.lead_id\n"
    )
    (project_copy / "models" / "staging" / "crm" / "leads_copy.sql").write_text("select 1 as lead_id\n")
    failures = "\n".join(bouncer_failures(project_copy, tmp_path))
    for expected in (
        "check_lineage_source_cannot_be_used:0:fct_shortcut",  # a mart reads a source
        "check_model_hard_coded_references:2:fct_shortcut",  # analytics.fct_lead_scores
        "check_model_description_populated:3:fct_shortcut",  # not documented
        "check_model_has_unique_test:5:fct_shortcut",  # no primary-key test
        "check_model_has_contracts_enforced:13:fct_shortcut",  # BI-facing (scoring folder) without contract
        "check_model_has_exposure:14:fct_shortcut",  # ... and without exposure
        "check_model_names:9:leads_copy",  # staging model without the stg_ prefix
    ):
        assert expected in failures, f"{expected} not in:\n{failures}"


def test_docs_generate_shows_lineage_from_seeds_and_sources_to_exposures(tmp_path: Path) -> None:
    generate_demo_data(tmp_path / "landing", leads=50, seed=3, file_format="csv", events_per_lead=5)
    docs = dbt(PROJECT_DIR, tmp_path, "docs", "generate", "--empty-catalog", "--quiet")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    target = tmp_path / "dbt_target"
    assert (target / "index.html").stat().st_size > 0 and (target / "catalog.json").exists()

    manifest = json.loads((target / "manifest.json").read_text())
    parents = manifest["parent_map"]

    def ancestors(node: str) -> set[str]:
        seen: set[str] = set()
        todo = [node]
        while todo:
            for parent in parents.get(todo.pop(), []):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    exposures = [node for node in manifest["exposures"] if node.startswith("exposure.")]
    assert len(exposures) >= 6
    every_source = {node for node in manifest["sources"]}
    for exposure in exposures:
        upstream = ancestors(exposure)
        assert every_source & upstream, exposure
        assert any(node.startswith("seed.") for node in upstream), exposure
        assert any(node.startswith("model.leadscore.stg_") for node in upstream), exposure
    # the lead scores dashboard reaches every source table and the scoring weights
    dashboard = ancestors("exposure.leadscore.lead_scoring_overview")
    assert every_source <= dashboard
    assert {"seed.leadscore.fit_rules", "seed.leadscore.behaviour_rules"} <= dashboard


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean_over_the_python(command: list[str]) -> None:
    run = subprocess.run(
        [str(BIN / "ruff"), *command, "flows", "tests", "bench"], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]


def test_sqlfluff_is_clean_over_models_and_macros(tmp_path: Path) -> None:
    # the dbt templater compiles every model; staging reads the landing files while compiling
    generate_demo_data(tmp_path / "landing", leads=50, seed=3, file_format="csv", events_per_lead=5)
    extra = {"DBT_TARGET_PATH": str(tmp_path / "dbt_target"), "DBT_LOG_PATH": str(tmp_path / "dbt_logs")}
    lint = subprocess.run(
        [str(BIN / "sqlfluff"), "lint", "models", "macros", "--processes", "1", "--format", "json"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env=environment(tmp_path, extra),
    )
    report = json.loads(lint.stdout or "[]")
    violations = [
        f"{item['filepath']}:{violation['start_line_no']} {violation['code']} {violation['description']}"
        for item in report
        for violation in item["violations"]
    ]
    assert violations == [], "\n".join(violations)
    assert lint.returncode == 0, lint.stderr[-2000:]
    assert len(report) > 30  # every model was linted, not skipped
