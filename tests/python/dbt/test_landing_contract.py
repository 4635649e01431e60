"""The source contract: optional columns and tables really are optional, required ones fail
clearly, custom columns can be scored, and a bad seed names its file and row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings, write_csv
from leadscore.running.dbt_runner import DbtBuildError, build

AS_OF = date(2026, 3, 31)


def test_minimal_leads_file_alone_still_scores(isolated_dbt: Path) -> None:
    """Only leads, with only an id, an e-mail and a country given as a name: no accounts,
    events or lifecycle files at all."""
    landing = isolated_dbt / "landing"
    write_csv(
        landing / "leads.csv",
        "Lead ID,Email,Country",
        ["L1,ann@gmail.com,Germany", "L2,bob@example.org,united states of america", "L3,,"],
    )
    settings = make_settings(isolated_dbt, landing)
    build(settings, AS_OF)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        rows = db.execute(
            "select lead_id, model_id, country_code, region, fit_score, stage_reached "
            "from fct_lead_scores order by lead_id"
        ).fetchall()
    assert rows == [
        # personal e-mail -20, europe +8, no job title -5
        ("L1", "default", "DE", "europe", Decimal("-17.00"), "lead"),
        # north america +10, no job title -5
        ("L2", "default", "US", "north_america", Decimal("5.00"), "lead"),
        ("L3", "default", None, None, Decimal("-5.00"), "lead"),
    ]


def test_missing_required_column_names_the_file_and_column(isolated_dbt: Path) -> None:
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "email,country", ["ann@example.org,DE"])
    with pytest.raises(DbtBuildError) as failure:
        build(make_settings(isolated_dbt, landing), AS_OF)
    message = str(failure.value)
    assert "leads.csv" in message
    assert "lacks required column(s) lead_id" in message


def test_missing_leads_file_is_a_clear_error(isolated_dbt: Path) -> None:
    landing = isolated_dbt / "empty_landing"
    landing.mkdir()
    with pytest.raises(DbtBuildError) as failure:
        build(make_settings(isolated_dbt, landing), AS_OF)
    assert "No landing file for 'leads'" in str(failure.value)


def test_custom_landing_column_is_scored_by_a_seed_rule(isolated_dbt: Path, project_copy: Path) -> None:
    """A CRM's "Lead Origin" column, added to the export, is scored by one new seed row."""
    with (project_copy / "seeds" / "fit_rules.csv").open("a") as rules:
        rules.write("fit_origin_trade_show,all,lead_origin,equals,trade show,,,12,Met at a trade show\n")
    landing = isolated_dbt / "landing"
    write_csv(
        landing / "leads.csv",
        "lead_id,email,Lead Origin",
        ["L1,a@example.org,Trade Show", "L2,b@example.org,Website"],
    )
    settings = make_settings(isolated_dbt, landing, project_dir=project_copy)
    build(settings, AS_OF)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        fired = db.execute(
            "select lead_id, evidence, final_points from fct_lead_score_points where rule_id = 'fit_origin_trade_show'"
        ).fetchall()
    assert fired == [("L1", "lead_origin = trade show", Decimal("12.00"))]


def test_unparseable_values_become_null_instead_of_failing(isolated_dbt: Path, project_copy: Path) -> None:
    # one of the two events is dropped (quarantined): allow any share, the limit is not tested here
    (project_copy / "seeds" / "quality_settings.csv").write_text("max_bad_row_share\n1\n")
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "lead_id,created_at,budget", ["L1,not a date,lots", "L2,2026-01-01,5000"])
    write_csv(
        landing / "events.csv",
        "lead_id,event_type,occurred_at,duration_seconds",
        ["L1,Web Visit,2026-03-30 10:00:00,long", "L2,page_view,yesterday,10"],
    )
    settings = make_settings(isolated_dbt, landing, project_dir=project_copy)
    build(settings, AS_OF)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        visits = db.execute("select lead_id, sum(event_count) from int_lead_daily_activity group by 1").fetchall()
    # "Web Visit" is mapped to page_view by value_aliases; "yesterday" is not a timestamp
    assert visits == [("L1", 1)]


def test_non_numeric_weight_fails_naming_seed_and_line(isolated_dbt: Path, project_copy: Path) -> None:
    rules = project_copy / "seeds" / "behaviour_rules.csv"
    lines = rules.read_text().splitlines()
    broken_line = next(i for i, line in enumerate(lines) if line.startswith("beh_email_click,"))
    lines[broken_line] = lines[broken_line].replace(",15,5,35,", ",fifteen,5,35,")
    rules.write_text("\n".join(lines) + "\n")
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "lead_id", ["L1"])
    with pytest.raises(DbtBuildError) as failure:
        build(make_settings(isolated_dbt, landing, project_dir=project_copy), AS_OF)
    message = str(failure.value)
    assert "behaviour_rules" in message
    assert f"Line: {broken_line + 1}" in message
    assert "fifteen" in message


def test_duplicate_rule_fails_and_shows_the_row(isolated_dbt: Path, project_copy: Path) -> None:
    with (project_copy / "seeds" / "behaviour_rules.csv").open("a") as rules:
        rules.write("beh_email_open,all,email_click,*,consideration,1,1,1,Copy-pasted by mistake\n")
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "lead_id", ["L1"])
    with pytest.raises(DbtBuildError) as failure:
        build(make_settings(isolated_dbt, landing, project_dir=project_copy), AS_OF)
    message = str(failure.value)
    assert "behaviour_rules" in message
    assert "beh_email_open" in message


def test_typed_parquet_events_score_and_quarantine_like_text(isolated_dbt: Path, project_copy: Path) -> None:
    """A parquet events file whose occurred_at is a timestamp and duration_seconds an integer is
    read without the round trip through text: scores and quarantine rows equal the CSV's."""
    (project_copy / "seeds" / "quality_settings.csv").write_text("max_bad_row_share\n1\n")
    events = [
        "E1,L1,page_view,2026-03-30 10:00:00,120",
        "E2,L1,email_click,2026-03-29 08:30:00,",
        "E3,L2,page_view,,30",  # missing occurred_at
        "E4,L2,page_view,2026-03-28 09:00:00,-5",  # negative duration: kept, read as unknown
        "E5,L2,form_submission,2026-04-02 09:00:00,",  # after the as-of day: not scored, not bad
        "E1,L1,page_view,2026-03-30 11:00:00,60",  # a second copy of E1
    ]
    scores, quarantined = {}, {}
    for kind in ("csv", "parquet"):
        landing = isolated_dbt / f"landing_{kind}"
        write_csv(landing / "leads.csv", "lead_id,email,country", ["L1,ann@example.org,DE", "L2,bob@example.org,US"])
        events_csv = write_csv(
            landing / "events.csv", "event_id,lead_id,event_type,occurred_at,duration_seconds", events
        )
        if kind == "parquet":
            with duckdb.connect() as con:
                con.execute(
                    f"copy (select event_id, lead_id, event_type, cast(occurred_at as timestamp) as occurred_at, "
                    f"cast(duration_seconds as integer) as duration_seconds from read_csv('{events_csv}', all_varchar = true)) "
                    f"to '{landing / 'events.parquet'}' (format parquet)"
                )
                described = dict(
                    con.execute(
                        f"select column_name, column_type from (describe select * from '{landing / 'events.parquet'}')"
                    ).fetchall()
                )
            assert (described["occurred_at"], described["duration_seconds"]) == ("TIMESTAMP", "INTEGER")
            events_csv.unlink()
        settings = make_settings(isolated_dbt / kind, landing, project_dir=project_copy)
        build(settings, AS_OF)
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
            scores[kind] = db.execute(
                "select lead_id, behaviour_score, total_score, last_activity_date from fct_lead_scores order by lead_id"
            ).fetchall()
            quarantined[kind] = db.execute(
                "select event_id, lead_id, occurred_at, duration_seconds, reason, is_dropped "
                "from quarantine_events order by all"
            ).fetchall()
    assert scores["parquet"] == scores["csv"]
    assert (
        quarantined["parquet"]
        == quarantined["csv"]
        == [
            ("E1", "L1", "2026-03-30 11:00:00", "60", "duplicate event_id", True),
            ("E3", "L2", None, "30", "missing occurred_at", True),
            ("E4", "L2", "2026-03-28 09:00:00", "-5", "negative duration_seconds", False),
        ]
    )
