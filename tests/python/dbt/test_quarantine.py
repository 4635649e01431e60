"""Raw rows that cannot be scored go to the quarantine tables with a reason, the scoring path
applies the same rules, and a run fails when too many rows of a source are dropped or a seed is
broken (before any model is built)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings, write_csv
from leadscore.running.dbt_runner import DbtBuildError, build
from leadscore.running.quarantine import quarantine_counts
from leadscore.settings import Settings

AS_OF = date(2026, 3, 31)
GOOD_LEADS = [f"G{n:03d}" for n in range(1, 101)]
# leads that own exactly one bad (or edge-case) event or stage row, so their counts tell its fate
EVENT_LEADS = [f"EV{n:02d}" for n in range(1, 16)]
STAGE_LEADS = [f"LC{n}" for n in range(1, 9)]

LEAD_ROWS = [
    *(f"{lead},{lead.lower()}@example.org,2026-01-01 09:00:00,A001,," for lead in GOOD_LEADS),
    *(f"{lead},{lead.lower()}@example.org,2026-01-01 09:00:00,,," for lead in EVENT_LEADS + STAGE_LEADS),
    ",nobody@example.org,2026-01-01 09:00:00,,,",  # missing lead_id
    "DUP1,first@example.org,2026-01-01 09:00:00,,,",  # kept: earliest created
    "DUP1,second@example.org,2026-02-01 09:00:00,,,",  # duplicate lead_id
    "FUT1,fut1@example.org,2030-01-01 09:00:00,,,",  # created in the future
    "MULTI1,not an email,2030-01-01 09:00:00,,,",  # future wins over the e-mail
    "MAIL1,not-an-email,2026-01-01 09:00:00,,,",  # malformed email
    "MAIL2,ann smith@example.org,2026-01-01 09:00:00,,,",  # malformed email (space)
    "MAIL3,ann@example,2026-01-01 09:00:00,,,",  # malformed email (no domain dot)
    "DATE1,date1@example.org,soon,,,",  # unparseable created_at
    "OLD1,old1@example.org,1999-12-31 09:00:00,,,",  # created_at before 2000
    "BUD1,bud1@example.org,2026-01-01 09:00:00,,lots,",  # unparseable budget
    "BUD2,bud2@example.org,2026-01-01 09:00:00,,5000,",  # good budget
    "LATE1,late1@example.org,2026-06-01 09:00:00,,,",  # after the as-of day: not bad
    "ACC1,acc1@example.org,2026-01-01 09:00:00,NEG1,,",  # account with negative head count
    "ACC2,acc2@example.org,2026-01-01 09:00:00,DUPA,,",  # account exported twice
    "\u200b,zw@example.org,2026-01-01 09:00:00,,,",  # an id of a zero-width space: missing
    " \u00a0\t,nbsp@example.org,2026-01-01 09:00:00,,,",  # an id of blanks: missing
]

ACCOUNT_ROWS = [
    *(f"A{n:03d},Company {n},c{n}.example,software,100,1000000" for n in range(1, 61)),
    ",No Id Inc,noid.example,software,10,100",  # missing account_id
    "DUPA,Alpha,alpha.example,software,50,100",  # kept: first by name
    "DUPA,Beta,beta.example,software,70,100",  # duplicate account_id
    "NEG1,Negative Co,neg.example,software,-5,100",  # negative employee_count
    "EMP1,Many Co,many.example,software,many,100",  # unparseable employee_count
    "REV1,Rich Co,rich.example,software,10,a lot",  # unparseable annual_revenue
]

EVENT_ROWS = [
    *(f"EG{lead}{n},{lead},page_view,2026-03-1{n} 10:00:00,,10" for lead in GOOD_LEADS for n in range(3)),
    "E01,,page_view,2026-03-10 10:00:00,,10",  # missing lead_id
    "E02,NOPE,page_view,2026-03-10 10:00:00,,10",  # unknown lead
    "E03,EV03,teleport,2026-03-10 10:00:00,,10",  # unknown event_type
    "E04,EV04,page_view,,,10",  # missing occurred_at
    "E05,EV05,page_view,yesterday,,10",  # unparseable occurred_at
    "E06,EV06,page_view,2030-01-01 10:00:00,,10",  # occurred_at in the future
    "E07,EV07,page_view,1999-06-01 10:00:00,,10",  # occurred_at before 2000
    "E08,EV08,page_view,2026-03-10 10:00:00,,10",  # kept copy
    "E08,EV08,page_view,2026-03-10 10:00:00,,10",  # duplicate event_id
    "E09,EV09,page_view,2026-03-10 10:00:00,,long",  # unparseable duration_seconds
    "E10,EV10,page_view,2026-03-10 10:00:00,,-30",  # negative duration_seconds
    "E11,EV11,page_view,2026-06-01 10:00:00,,10",  # after the as-of day: not bad
    ",EV12,page_view,2026-03-10 10:00:00,,10",  # no event_id: never a duplicate
    ",EV12,page_view,2026-03-10 10:00:00,,10",
    "E13,EV13,page_view,soon,,10",  # bad copy of E13
    "E13,EV13,page_view,2026-03-10 10:00:00,,10",  # good copy: scored, not a duplicate
    "E14,EV14,Web Visit,2026-03-10 10:00:00,,10",  # alias: good
    "E15,\ufeffEV15\u200b ,page_view,2026-03-10 10:00:00,,10",  # blanks around the id: good
]

STAGE_ROWS = [
    *(
        f"{lead},{stage},2026-03-1{n} 10:00:00,"
        for lead in GOOD_LEADS
        for n, stage in enumerate(["sql", "opportunity"])
    ),
    ",won,2026-03-10 10:00:00,",  # missing lead_id
    "NOPE,won,2026-03-10 10:00:00,",  # unknown lead
    "LC1,limbo,2026-03-10 10:00:00,",  # unknown stage
    "LC2,Closed Won,2026-03-10 10:00:00,",  # alias: good
    "LC3,won,1999-01-01 10:00:00,",  # entered_at before 2000
    "LC4,won,soon,",  # unparseable entered_at
    "LC5,won,,",  # empty entered_at
    "LC6,won,2026-03-10 10:00:00,went well",  # good
    "LC7,won,infinity,",  # entered_at in the future
    "LC8,won,2099-01-01 10:00:00,",  # entered_at in the future
]

# Every quarantined row, and nothing else: (source, key, reason, is_dropped). The key is the raw
# lead_id (account_id for accounts; event_id for events), or the e-mail / name when the id is empty
# (for leads: has no letter or digit).
EXPECTED = [
    ("leads", "nobody@example.org", "missing lead_id", True),
    ("leads", "DUP1", "duplicate lead_id", True),
    ("leads", "FUT1", "created_at in the future", True),
    ("leads", "MULTI1", "created_at in the future", True),
    ("leads", "MAIL1", "malformed email", False),
    ("leads", "MAIL2", "malformed email", False),
    ("leads", "MAIL3", "malformed email", False),
    ("leads", "DATE1", "unparseable created_at", False),
    ("leads", "OLD1", "created_at before 2000", False),
    ("leads", "BUD1", "unparseable budget", False),
    ("leads", "zw@example.org", "missing lead_id", True),
    ("leads", "nbsp@example.org", "missing lead_id", True),
    ("accounts", "No Id Inc", "missing account_id", True),
    ("accounts", "DUPA", "duplicate account_id", True),
    ("accounts", "NEG1", "negative employee_count", False),
    ("accounts", "EMP1", "unparseable employee_count", False),
    ("accounts", "REV1", "unparseable annual_revenue", False),
    ("events", "E01", "missing lead_id", True),
    ("events", "E02", "unknown lead", True),
    ("events", "E03", "unknown event_type", True),
    ("events", "E04", "missing occurred_at", True),
    ("events", "E05", "unparseable occurred_at", True),
    ("events", "E06", "occurred_at in the future", True),
    ("events", "E07", "occurred_at before 2000", True),
    ("events", "E08", "duplicate event_id", True),
    ("events", "E09", "unparseable duration_seconds", False),
    ("events", "E10", "negative duration_seconds", False),
    ("events", "E13", "unparseable occurred_at", True),
    ("lifecycle", "", "missing lead_id", True),
    ("lifecycle", "NOPE", "unknown lead", True),
    ("lifecycle", "LC1", "unknown stage", True),
    ("lifecycle", "LC3", "entered_at before 2000", True),
    ("lifecycle", "LC4", "unparseable entered_at", True),
    ("lifecycle", "LC5", "unparseable entered_at", True),
    ("lifecycle", "LC7", "entered_at in the future", True),
    ("lifecycle", "LC8", "entered_at in the future", True),
]

KEYS = {
    "leads": "case when regexp_matches(lead_id, '[A-Za-z0-9]') then trim(lead_id) else email end",
    "accounts": "coalesce(nullif(trim(account_id), ''), name)",
    "events": "coalesce(nullif(trim(event_id), ''), '')",
    "lifecycle": "coalesce(nullif(trim(lead_id), ''), '')",
}


def write_landing(landing: Path, events: list[str] = EVENT_ROWS) -> None:
    write_csv(landing / "leads.csv", "lead_id,email,created_at,account_id,budget,job_title", LEAD_ROWS)
    write_csv(landing / "accounts.csv", "account_id,name,domain,industry,employee_count,annual_revenue", ACCOUNT_ROWS)
    write_csv(landing / "events.csv", "event_id,lead_id,event_type,occurred_at,page_url,duration_seconds", events)
    write_csv(landing / "lifecycle.csv", "lead_id,stage,entered_at,reason", STAGE_ROWS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One build over a landing set holding every kind of bad row among good ones."""
    root = tmp_path_factory.mktemp("quarantine")
    landing = root / "landing"
    write_landing(landing)
    settings = make_settings(root, landing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        build(settings, AS_OF)
    return settings


@pytest.fixture(scope="module")
def warehouse(built: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(built.duckdb_path), read_only=True) as db:
        yield db


def test_quarantine_counts_for_the_run_summary(built: Settings) -> None:
    counts = quarantine_counts(built)
    expected: dict[str, dict[str, int]] = {source: {} for source in KEYS}
    for source, _key, reason, _dropped in EXPECTED:
        expected[source][reason] = expected[source].get(reason, 0) + 1
    assert counts == expected


def quarantined(db: duckdb.DuckDBPyConnection) -> list[tuple]:
    parts = [f"select '{source}', {key}, reason, is_dropped from quarantine_{source}" for source, key in KEYS.items()]
    return sorted(db.execute(" union all ".join(parts)).fetchall())


def test_quarantine_holds_exactly_the_bad_rows(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert quarantined(warehouse) == sorted(EXPECTED)


@pytest.mark.parametrize(("source", "key", "reason", "is_dropped"), EXPECTED, ids=lambda v: str(v))
def test_bad_row_is_quarantined_with_its_reason(
    warehouse: duckdb.DuckDBPyConnection, source: str, key: str, reason: str, is_dropped: bool
) -> None:
    rows = warehouse.execute(
        f"select reason, is_dropped, run_date from quarantine_{source} where {KEYS[source]} = ?", [key]
    ).fetchall()
    assert rows == [(reason, is_dropped, AS_OF)]


# (query, expected): how the scoring path treats each row
SCORING = {
    "missing lead_id not scored": ("select count(*) from int_leads_enriched where email = 'nobody@example.org'", 0),
    "duplicate lead scored once, earliest copy": (
        "select count(*), min(email) from int_leads_enriched where lead_id = 'DUP1'",
        (1, "first@example.org"),
    ),
    "future lead not scored": ("select count(*) from fct_lead_scores where lead_id in ('FUT1', 'MULTI1')", 0),
    "malformed email scored without email": (
        "select count(*), count(email) from int_leads_enriched where lead_id in ('MAIL1', 'MAIL2', 'MAIL3')",
        (3, 0),
    ),
    "malformed email lead has a score": (
        "select count(distinct lead_id) from fct_lead_scores where lead_id in ('MAIL1', 'MAIL2', 'MAIL3')",
        3,
    ),
    "unparseable created_at scored without date": (
        "select count(*), count(created_at) from int_leads_enriched where lead_id = 'DATE1'",
        (1, 0),
    ),
    "created before 2000 scored without date": (
        "select count(*), count(created_at) from int_leads_enriched where lead_id = 'OLD1'",
        (1, 0),
    ),
    "unparseable budget scored without budget": (
        "select count(*), count(budget) from int_leads_enriched where lead_id = 'BUD1'",
        (1, 0),
    ),
    "good budget kept": ("select budget from int_leads_enriched where lead_id = 'BUD2'", 5000),
    "lead created after as-of: not bad, not yet scored": (
        "select count(*) from int_leads_enriched where lead_id = 'LATE1'",
        0,
    ),
    "negative head count read as unknown": (
        "select count(*), count(account_employee_count) from int_leads_enriched where lead_id = 'ACC1'",
        (1, 0),
    ),
    "duplicate account joined once, first copy": (
        "select count(*), min(company_name) from int_leads_enriched where lead_id = 'ACC2'",
        (1, "Alpha"),
    ),
    "every good lead scored": (
        "select count(distinct lead_id) from fct_lead_scores where lead_id like 'G%'",
        len(GOOD_LEADS),
    ),
    "good events all counted": (
        "select sum(event_count) from int_lead_daily_activity where lead_id like 'G%'",
        3 * len(GOOD_LEADS),
    ),
    "unknown event type not counted": ("select count(*) from int_lead_daily_activity where lead_id = 'EV03'", 0),
    "missing occurred_at not counted": ("select count(*) from int_lead_daily_activity where lead_id = 'EV04'", 0),
    "unparseable occurred_at not counted": ("select count(*) from int_lead_daily_activity where lead_id = 'EV05'", 0),
    "future event not counted": ("select count(*) from int_lead_daily_activity where lead_id = 'EV06'", 0),
    "event before 2000 not counted": ("select count(*) from int_lead_daily_activity where lead_id = 'EV07'", 0),
    "duplicate event counted once": (
        "select sum(event_count), sum(duration_seconds) from int_lead_daily_activity where lead_id = 'EV08'",
        (1, 10),
    ),
    "unparseable duration counted without duration": (
        "select sum(event_count), sum(duration_seconds) from int_lead_daily_activity where lead_id = 'EV09'",
        (1, 0),
    ),
    "negative duration counted without duration": (
        "select sum(event_count), sum(duration_seconds) from int_lead_daily_activity where lead_id = 'EV10'",
        (1, 0),
    ),
    "event after as-of: not bad, not yet counted": (
        "select count(*) from int_lead_daily_activity where lead_id = 'EV11'",
        0,
    ),
    "events without id are never duplicates": (
        "select sum(event_count) from int_lead_daily_activity where lead_id = 'EV12'",
        2,
    ),
    "good copy of an event with a bad copy counted once": (
        "select sum(event_count) from int_lead_daily_activity where lead_id = 'EV13'",
        1,
    ),
    "aliased event type counted": (
        "select event_type, event_count from int_lead_daily_activity where lead_id = 'EV14'",
        ("page_view", 1),
    ),
    "unknown stage not used": ("select stage_reached from fct_lead_scores where lead_id = 'LC1'", "lead"),
    "aliased stage used": ("select stage_reached from fct_lead_scores where lead_id = 'LC2'", "won"),
    "stage before 2000 not used": ("select stage_reached from fct_lead_scores where lead_id = 'LC3'", "lead"),
    "unparseable stage date not used": ("select stage_reached from fct_lead_scores where lead_id = 'LC4'", "lead"),
    "empty stage date not used": ("select stage_reached from fct_lead_scores where lead_id = 'LC5'", "lead"),
    "good stage used": ("select stage_reached from fct_lead_scores where lead_id = 'LC6'", "won"),
    "future stage dates not used": (
        "select count(*) from fct_lead_scores where lead_id in ('LC7', 'LC8') and stage_reached = 'lead'",
        2,
    ),
    "ids of blanks and zero-width characters not scored": (
        "select count(*) from int_leads_enriched where email in ('zw@example.org', 'nbsp@example.org')",
        0,
    ),
    "blanks around an id are not part of it": (
        "select sum(event_count) from int_lead_daily_activity where lead_id = 'EV15'",
        1,
    ),
}


@pytest.mark.parametrize("case", list(SCORING))
def test_scoring_path_applies_the_same_rules(warehouse: duckdb.DuckDBPyConnection, case: str) -> None:
    query, expected = SCORING[case]
    rows = warehouse.execute(query).fetchall()
    assert len(rows) == 1
    got = rows[0] if isinstance(expected, tuple) else rows[0][0]
    assert got == expected


def test_summary_counts_rows_and_shares(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select rows, source_rows, bad_share, is_dropped, run_date from rpt_quarantine_summary "
        "where source = 'events' and reason = 'duplicate event_id'"
    ).fetchall()
    assert rows == [(1, len(EVENT_ROWS), pytest.approx(1 / len(EVENT_ROWS)), True, AS_OF)]
    sources = warehouse.execute("select distinct source from rpt_quarantine_summary order by 1").fetchall()
    assert sources == [("accounts",), ("events",), ("leads",), ("lifecycle",)]


def test_too_many_dropped_events_fail_the_run(isolated_dbt: Path) -> None:
    landing = isolated_dbt / "landing"
    # 10 of the 300 good events get an unknown type on top of the 9 dropped ones: > 5 %
    events = [row.replace(",page_view,", ",teleport,") if i < 10 else row for i, row in enumerate(EVENT_ROWS)]
    write_landing(landing, events)
    settings = make_settings(isolated_dbt, landing)
    with pytest.raises(DbtBuildError) as failure:
        build(settings, AS_OF)
    message = str(failure.value)
    assert "bad_row_share_below_rpt_quarantine_summary" in message
    assert "source=events" in message
    assert "source=leads" not in message
    problems = [o.unique_id for o in failure.value.result.problems]
    assert len(problems) == 1 and "bad_row_share_below" in problems[0]


def _replace_line(path: Path, prefix: str, old: str, new: str) -> None:
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new)
    path.write_text("\n".join(lines) + "\n")


def _duplicate_rule(seeds: Path) -> str:
    with (seeds / "behaviour_rules.csv").open("a") as rules:
        rules.write("beh_email_open,all,email_click,*,consideration,1,1,1,Copy-pasted by mistake\n")
    return "beh_email_open"


def _unknown_event_type(seeds: Path) -> str:
    with (seeds / "behaviour_rules.csv").open("a") as rules:
        rules.write("beh_teleport,all,teleport,*,consideration,1,1,1,No such event type\n")
    return "teleport"


def _thresholds_out_of_order(seeds: Path) -> str:
    _replace_line(seeds / "grade_bands.csv", "default,score,intermediate,", ",75", ",175")
    return "grade_bands"


def _non_numeric_points(seeds: Path) -> str:
    _replace_line(seeds / "behaviour_rules.csv", "beh_email_click,", ",15,5,35,", ",fifteen,5,35,")
    return "fifteen"


def _empty_seed(seeds: Path) -> str:
    path = seeds / "fit_rules.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    return "fit_rules"


def _values_out_of_range(seeds: Path) -> tuple[str, ...]:
    """Values that parse but cannot be right, all at once: every failing test is named."""
    _replace_line(seeds / "scoring_models.csv", "default,", ",true,150,", ",true,-150,")
    _replace_line(seeds / "report_settings.csv", "30,90,", ",0.80,", ",1.5,")
    (seeds / "quality_settings.csv").write_text("max_bad_row_share\n2\n")
    return (
        "greater_than_zero_scoring_models_mql_threshold",
        "report_settings_near_mql_share",
        "quality_settings_max_bad_row_share",
    )


@pytest.mark.parametrize(
    "breakage",
    [
        _duplicate_rule,
        _unknown_event_type,
        _thresholds_out_of_order,
        _non_numeric_points,
        _empty_seed,
        _values_out_of_range,
    ],
)
def test_bad_seed_fails_before_any_model_is_built(isolated_dbt: Path, project_copy: Path, breakage) -> None:
    named = breakage(project_copy / "seeds")
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "lead_id", ["L1"])
    settings = make_settings(isolated_dbt, landing, project_dir=project_copy)
    with pytest.raises(DbtBuildError) as failure:
        build(settings, AS_OF)
    for name in (named,) if isinstance(named, str) else named:
        assert name in str(failure.value)
    result = failure.value.result
    assert result.count("model") == 0
    assert result.count("unit_test") == 0
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        tables = {row[0] for row in db.execute("select table_name from information_schema.tables").fetchall()}
    assert "fct_lead_scores" not in tables
    assert "stg_crm__leads" not in tables


def test_rule_on_an_attribute_no_lead_has_fails_the_run(isolated_dbt: Path, project_copy: Path) -> None:
    """A misspelled attribute (`seniorty`) would never fire: the seed test names the rule."""
    with (project_copy / "seeds" / "fit_rules.csv").open("a") as rules:
        rules.write("fit_typo_vp,all,seniorty,equals,vp,,,10,Misspelled attribute\n")
    landing = isolated_dbt / "landing"
    write_csv(landing / "leads.csv", "lead_id,seniority,Lead Origin", ["L1,vp,fair"])
    with pytest.raises(DbtBuildError) as failure:
        build(make_settings(isolated_dbt, landing, project_dir=project_copy), AS_OF)
    message = str(failure.value)
    assert "fit_rules_attribute_is_a_lead_attribute" in message
    assert "fit_typo_vp" in message and "seniorty" in message
    # the custom column is an attribute like the contract ones: only the typo failed
    assert message.count("rule_id=") == 1
