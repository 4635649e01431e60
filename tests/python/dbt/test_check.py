"""`leadscore check`: the landed data against the seeds, on a small export that fits them badly.

The export spells values its own way (seniority `individual`, lead source `reference`, department
`marketing_management`), a fit rule names a misspelled attribute (`seniorty`), and events and CRM
stages use words no alias maps. One check, run as a user runs it, serves every read-only test;
a second one, with the proposed value_aliases rows applied, shows that they make the values match.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, PROJECT_PARTS, write_csv
from leadscore.reporting.check import (
    DataFit,
    check_summary,
    data_fit_section,
    format_report,
    read_from_warehouse,
    run_check,
    summary_lines,
)
from leadscore.settings import Settings

AS_OF = "2026-03-31"
LEADSCORE = str(Path(sys.executable).with_name("leadscore"))
MISSPELLED_RULE = "fit_seniorty_typo,all,seniorty,equals,vp,,,5,Vice president (attribute misspelled)"


def _project_copy(root: Path) -> Path:
    copy = root / "project"
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    with (copy / "seeds" / "fit_rules.csv").open("a") as handle:
        handle.write(MISSPELLED_RULE + "\n")
    return copy


def _landing(root: Path) -> Path:
    landing = root / "landing"
    write_csv(
        landing / "leads.csv",
        "lead_id,email,created_at,job_title,seniority,department,country,lead_source,product_interest",
        [
            "L1,ann@acme.example,2026-01-05 10:00:00,Analyst,Individual,Marketing Management,US,Reference,",
            "L2,bob@beta.example,2026-01-06 10:00:00,Engineer,individual,it,DE,reference,",
            "L3,cy@gamma.example,2026-01-07 10:00:00,VP Sales,vp,marketing_management,GB,referral,",
            "L4,di@delta.example,2026-01-08 10:00:00,Founder,executive,executive,FR,partner,",
            "L5,ed@epsilon.example,2026-01-09 10:00:00,Team Lead,Manger,it,US,partner,",
        ],
    )
    write_csv(
        landing / "events.csv",
        "lead_id,event_type,occurred_at,page_url",
        [
            "L1,page_view,2026-03-20 10:00:00,https://x.example/pricing",
            "L1,Email Opens,2026-03-21 10:00:00,",
            "L2,Email Opens,2026-03-22 10:00:00,",
            "L2,Webinar Watched,2026-03-23 10:00:00,",
            "L3,Webinar Watched,2026-03-24 10:00:00,",
            "L3,Webinar Watched,2026-03-25 10:00:00,",
            "L4,email_open,2026-03-25 11:00:00,",
        ],
    )
    write_csv(
        landing / "lifecycle.csv",
        "lead_id,stage,entered_at",
        [
            "L3,Opportunity Created,2026-03-26 10:00:00",
            "L4,Converted,2026-03-27 10:00:00",
            "L1,sql,2026-03-28 10:00:00",
        ],
    )
    return landing


def _env(project: Path, landing: Path, root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LEADSCORE_PROJECT_DIR": str(project),
        "LEADSCORE_LANDING_DIR": str(landing),
        "LEADSCORE_DUCKDB_PATH": str(root / "warehouse" / "leadscore.duckdb"),
        "LEADSCORE_EMAIL_SALT": "check",
        "DBT_TARGET_PATH": str(root / "dbt_target"),
        "DBT_LOG_PATH": str(root / "dbt_logs"),
    }


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("check")
    return root, _project_copy(root), _landing(root)


@pytest.fixture(scope="module")
def checked(export) -> subprocess.CompletedProcess:
    """`leadscore check` as a user runs it: one scratch build, shared by the read-only tests."""
    root, project, landing = export
    done = subprocess.run(
        [LEADSCORE, "check", "--as-of", AS_OF],
        env=_env(project, landing, root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr
    # the check never touches the warehouse
    assert not (root / "warehouse").exists()
    return done


def _lines(text: str, start: str) -> list[str]:
    """The lines starting with `start` once indented, with runs of spaces as one."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip().startswith(start)]


def _block(text: str, title: str, end: str) -> str:
    return text.split(title, 1)[1].split(end, 1)[0]


def test_check_lists_values_with_lead_counts_and_proposes_aliases(checked):
    out = checked.stdout
    # seniority `individual` (L1's `Individual` cleaned by staging) is held by 2 leads and matches no rule
    seniority = _block(out, "  seniority (7 rules)", "  stated_need")
    assert _lines(seniority, "individual ") == ["individual 2 - near individual_contributor"]
    assert _lines(seniority, "vp ") == ["vp 1 bant_authority_seniority, fit_seniority_vp"]
    # a typo: one letter dropped (DuckDB's edit distance)
    assert _lines(seniority, "manger ") == ["manger 1 - near manager"]
    assert _lines(out, "reference ") == ["reference 2 - near referral"]
    assert _lines(out, "marketing_management ") == ["marketing_management 2 - near marketing"]
    # the proposals, as CSV lines ready to append to value_aliases.csv
    proposals = _block(out, "Proposed value_aliases rows", "What to do next").strip().splitlines()[1:]
    assert proposals == [
        "department,marketing_management,marketing",
        "event_type,email opens,email_open",
        "lead_source,reference,referral",
        "lifecycle_stage,opportunity created,opportunity",
        "seniority,individual,individual_contributor",
        "seniority,manger,manager",
    ]
    # `Webinar Watched` is as near webinar_attendance as webinar_registration: no proposal
    assert "webinar watched,webinar_" not in out
    assert checked.returncode == 1
    assert out.rstrip().endswith("need attention (exit 1).")


def test_check_lists_the_misspelled_attribute_and_rules_that_never_fire(checked):
    out = checked.stdout
    attention = _block(out, "Rules that need attention", "Rules that cannot or do not fire")
    assert (
        "\n  seniorty: no lead attribute has this name (misspelled, or a column missing from the export)\n"
        "    fit_rules: fit_seniorty_typo\n" in attention
    )
    # the export has no accounts: every rule on them needs attention
    assert "  account_industry: no lead has a value of this attribute" in attention
    # a no-recent-event decay rule on events the export lacks takes points from every lead
    assert (
        "  event type social_engagement: no event of this type up to the as-of date: it takes points from "
        "every lead\n    decay_rules: decay_no_social_30d\n" in attention
    )
    notes = _block(out, "Rules that cannot or do not fire (notes)", "Event types and CRM stages")
    seniority = _block(notes, "  seniority: no lead's value matches\n", "\n  ")
    assert seniority.startswith("    fit_rules: ") and "fit_seniority_ic (individual_contributor)" in seniority
    assert (
        "  event type webinar_attendance: no event of this type up to the as-of date\n"
        "    behaviour_rules: beh_webinar_attendance\n" in notes
    )
    assert "  seniorty: no such attribute (named by a rule)" in out


def test_check_lists_unmapped_event_types_and_stages_and_the_mql_share(checked):
    unmapped = _block(checked.stdout, "Event types and CRM stages not mapped", "MQL share per model")
    assert [" ".join(line.split()) for line in unmapped.strip().splitlines()[1:]] == [
        "event_type webinar watched 3 rows, 2 leads",
        "event_type email opens 2 rows, 2 leads near email_open",
        "lifecycle_stage converted 1 row, 1 lead",
        "lifecycle_stage opportunity created 1 row, 1 lead near opportunity",
    ]
    mql = _block(checked.stdout, "MQL share per model", "\n\n")
    default = _lines(mql, "default")[0]
    assert default.startswith("default 0 of 5 leads (0.0 %), threshold 150, top score ") and default.endswith(
        "! no MQLs"
    )
    assert _lines(mql, "crm_platform")[0].endswith("! scores no lead")


@pytest.fixture(scope="module")
def aliases_applied(export, checked, tmp_path_factory) -> tuple[DataFit, Settings]:
    """The same export checked again with the proposed rows appended to value_aliases.csv in a
    candidate seed folder (`--seeds`); the scratch file kept, to read it as the daily run reads
    its warehouse."""
    root, project, landing = export
    proposed = _block(checked.stdout, "Proposed value_aliases rows", "What to do next").strip().splitlines()[1:]
    candidate = tmp_path_factory.mktemp("candidate")
    live = (project / "seeds" / "value_aliases.csv").read_text()
    (candidate / "value_aliases.csv").write_text(live + "\n".join(proposed) + "\n")
    work = tmp_path_factory.mktemp("check_applied")
    settings = Settings.resolve(
        project_dir=project, duckdb_path=root / "warehouse" / "unused.duckdb", landing_dir=landing
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_EMAIL_SALT", "check")
        found = run_check(settings, date.fromisoformat(AS_OF), seeds=candidate, work_dir=work)
    assert not (root / "warehouse").exists()
    return found, Settings.resolve(project_dir=project, duckdb_path=work / "check.duckdb", landing_dir=landing)


def test_applying_the_proposed_aliases_makes_the_values_match(aliases_applied):
    found, _ = aliases_applied
    values = {(row["attribute"], row["attribute_value"]): row for row in found.values}
    assert values[("seniority", "individual_contributor")]["leads"] == 2
    assert values[("seniority", "individual_contributor")]["matching_rules"] == "fit_seniority_ic"
    assert ("seniority", "individual") not in values and ("seniority", "manger") not in values
    assert values[("seniority", "manager")]["matching_rules"] == "fit_seniority_manager"
    assert values[("lead_source", "referral")]["leads"] == 3
    assert values[("department", "marketing")]["matching_rules"] == "fit_department_marketing"
    assert values[("department", "marketing")]["leads"] == 2
    assert found.proposals == []
    # mapped event types and stages are scored now; the one with no near match stays listed
    assert [(row["domain"], row["raw_value"]) for row in found.unmapped] == [
        ("event_type", "webinar watched"),
        ("lifecycle_stage", "converted"),
    ]
    rules = {row["rule_id"]: row for row in found.rules}
    assert rules["fit_seniority_ic"]["finding"] is None and rules["fit_seniority_ic"]["matched_leads"] == 2
    assert rules["beh_email_open"]["matched_events"] == 3
    assert rules["fit_seniorty_typo"]["finding"] == "unknown_attribute"
    assert found.needs_attention


def test_the_daily_summary_the_report_section_and_from_warehouse_read_the_same_tables(aliases_applied, export):
    found, settings = aliases_applied
    lines = check_summary(settings)
    assert lines == summary_lines(read_from_warehouse(settings))
    assert lines[0].startswith(f"data fit: {len(found.attention)} findings need attention: ")
    assert "1 rule on an unknown attribute" in lines[0] and "2 models without leads" in lines[0]
    assert "1 unmapped event type" in lines[0] and "value_aliases row" not in lines[0]
    intro, body = data_fit_section(found)
    assert "need attention" in intro
    assert "fit_seniorty_typo" in body and "<table>" in body
    # a warehouse holding no data-fit tables: the run's summary says so instead of failing
    assert check_summary(
        Settings.resolve(
            project_dir=settings.project_dir,
            duckdb_path=settings.duckdb_path.with_name("none.duckdb"),
            landing_dir=settings.landing_dir,
        )
    )[0].startswith("data fit: not checked")
    root, project, landing = export
    done = subprocess.run(
        [LEADSCORE, "check", "--from-warehouse", "--duckdb-path", str(settings.duckdb_path)],
        env=_env(project, landing, root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[2:] == format_report(found)[2:]


def test_set_up_errors_exit_2_before_any_build(tmp_path: Path, export):
    root, project, landing = export
    env = _env(project, landing, tmp_path)
    (tmp_path / "empty").mkdir()
    for args, message in (
        (["--landing-dir", str(tmp_path / "empty")], "No leads file in the landing folder"),
        (["--as-of", "soon"], "is not a date"),
        (["--seeds", str(tmp_path / "missing")], "is neither a folder nor a git revision"),
        (["--from-warehouse", "--duckdb-path", str(tmp_path / "none.duckdb")], "No warehouse at"),
    ):
        done = subprocess.run([LEADSCORE, "check", *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr, (args, done.stderr)


def test_nothing_to_report_exits_0_and_says_so():
    clean = DataFit(
        as_of=date(2026, 3, 31),
        leads=3,
        events=0,
        values=[],
        rules=[],
        unmapped=[],
        proposals=[],
        mql_share=[
            {
                "model_id": "default",
                "leads": 3,
                "mqls": 1,
                "mql_share": 1 / 3,
                "mql_threshold": 150,
                "top_score": 160,
                "finding": None,
            }
        ],
        findings=[],
    )
    assert not clean.needs_attention
    report = format_report(clean)
    assert report[-1] == "Nothing needs attention (exit 0)."
    assert "  1. Nothing needs attention: `leadscore run` scores this data with these seeds." in report
    assert summary_lines(clean) == ["data fit: nothing needs attention"]


def test_value_aliases_domain_is_an_event_type_a_stage_or_a_lead_attribute(aliases_applied, tmp_path: Path):
    """The seed test on value_aliases.domain accepts the attribute domains the check proposed and
    fails on a domain no lead attribute has (run on the check's scratch file, a row added)."""
    from leadscore.running.dbt_runner import describe_problems, run_dbt, temporary_environment
    from leadscore.warehouse import open_duckdb

    _, settings = aliases_applied
    test = "value_aliases_domain_is_event_type_stage_or_lead_attribute"
    args = ["test", "--select", test, "--vars", f"{{as_of_date: '{AS_OF}'}}"]
    folders = {"DBT_TARGET_PATH": str(tmp_path / "dbt_target"), "DBT_LOG_PATH": str(tmp_path / "dbt_logs")}
    with temporary_environment({**folders, "LEADSCORE_EMAIL_SALT": "check"}):
        assert run_dbt(settings, args).success
        with open_duckdb(settings.duckdb_path) as connection:
            connection.execute("insert into value_aliases values ('seniorty', 'individual', 'individual_contributor')")
        failed = run_dbt(settings, args)
    assert not failed.success
    assert any("domain=seniorty, raw_value=individual" in line for line in describe_problems(failed, settings))
