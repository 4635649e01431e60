"""Landing files as a hostile or careless export writes them: headers that are SQL, keywords or
punctuation, a custom column named like an internal one, a folder of CSV files with different
columns, a field of megabytes, timestamps with offsets or time zones on a host far from UTC. Each
is either read by column name or refused with a message naming the file and column."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, make_settings, write_csv
from leadscore.running.dbt_runner import describe_problems, run_dbt
from leadscore.settings import Settings

AS_OF = date(2026, 3, 31)
LEADS = [f"L{n:02d}" for n in range(1, 61)]
BIG_FIELD = 3_000_000
# what a crafted header pastes into the SQL: the file it reads must never reach a table
INJECTED = "lead_id\" || (select content from read_text('{secret}')) || \"lead_id"
HOSTILE_HEADERS = ["Order", "2nd Phone", "#", "Copy Number"]


def _leads(landing: Path, secret: Path) -> None:
    header = [
        "lead_id",
        "email",
        "created_at",
        "seniority",
        "country",
        *HOSTILE_HEADERS,
        "Notes",
        INJECTED.format(secret=secret),
    ]
    created = {
        "L58": "2026-04-01T02:00:00+05:00",  # 2026-03-31 21:00 UTC: known on the as-of day
        "L59": "2026-03-31T23:30:00-05:00",  # 2026-04-01 04:30 UTC: not yet a lead on the as-of day
    }
    rows = [
        [
            lead,
            f"{lead.lower()}@example.org",
            created.get(lead, "2026-01-05 10:00:00"),
            "vp",
            "DE",
            "1",
            "555-0100",
            "7",
            "2",
            "x" * BIG_FIELD if lead == "L01" else "short",
            "x",
        ]
        for lead in LEADS
    ]
    text = "\n".join(",".join(f'"{cell.replace(chr(34), chr(34) * 2)}"' for cell in row) for row in [header, *rows])
    (landing / "leads.csv").write_text(text + "\n")


def _events(landing: Path) -> None:
    """Parquet events whose occurred_at is time-zone aware (as UTC+14 writes it)."""
    with duckdb.connect() as db:
        db.execute("set TimeZone = 'Pacific/Kiritimati'")
        db.execute(
            f"""
            copy (
                select * from (values
                    ('E1', 'L01', 'page_view', timestamptz '2026-03-31 23:00:00+00', 'https://x.example/pricing'),
                    ('E2', 'L02', 'page_view', timestamptz '2026-03-30 12:00:00+00', 'https://x.example/blog')
                ) as events(event_id, lead_id, event_type, occurred_at, page_url)
            ) to '{landing / "events.parquet"}' (format parquet)
            """
        )


def _lifecycle(landing: Path) -> None:
    """A folder of CSV files with different columns, one of them gzipped."""
    folder = landing / "lifecycle"
    write_csv(
        folder / "a.csv", "lead_id,stage,entered_at", ["L03,sql,2026-03-01 10:00:00", "L04,sql,2026-03-02 10:00:00"]
    )
    write_csv(folder / "b.csv", "Reason,entered_at,lead_id,Stage", ["too small,2026-03-03 10:00:00,L05,rejected"])
    with gzip.open(folder / "c.csv.gz", "wt") as handle:
        handle.write("lead_id,stage,entered_at,reason\nL06,won,2026-03-04 10:00:00,signed\n")
    # a file linked into the folder (as a landing job may do) is read like the others
    linked = write_csv(
        landing.parent / "elsewhere" / "d.csv", "lead_id,stage,entered_at", ["L07,sql,2026-03-05 10:00:00"]
    )
    (folder / "d.csv").symlink_to(linked)


def _build_in_subprocess(settings: Settings, time_zone: str) -> None:
    """dbt in a process of its own on a host at `time_zone` (DuckDB reads the zone once per process)."""
    code = (
        "import sys; from datetime import date; from leadscore.settings import Settings; "
        "from leadscore.running.dbt_runner import build; "
        "build(Settings.resolve(project_dir=None), date.fromisoformat(sys.argv[1]))"
    )
    environment = {
        **os.environ,
        "TZ": time_zone,
        "LEADSCORE_PROJECT_DIR": str(PROJECT_DIR),
        "LEADSCORE_DUCKDB_PATH": str(settings.duckdb_path),
        "LEADSCORE_LANDING_DIR": str(settings.landing_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, AS_OF.isoformat()], env=environment, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    root = tmp_path_factory.mktemp("hostile")
    secret = root / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    landing = root / "landing"
    landing.mkdir()
    _leads(landing, secret)
    _events(landing)
    _lifecycle(landing)
    settings = make_settings(root, landing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        _build_in_subprocess(settings, "Pacific/Kiritimati")
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as db:
        yield db, secret


def test_a_header_is_a_name_never_sql(hostile) -> None:
    db, secret = hostile
    for table in ("stg_crm__leads", "int_leads_enriched", "int_lead_attributes_unpivoted"):
        dumped = db.execute(f"select string_agg(cast(columns(*) as varchar), '|') from {table}").fetchall()
        assert not any(secret.read_text() in str(value) for value in dumped[0]), table
    names = {row[0] for row in db.execute("select attribute from int_lead_attribute_names").fetchall()}
    # keywords, a leading digit, punctuation only and the crafted header are plain attributes
    assert {"order", "2nd_phone", "column_8", "copy_number", "notes"} <= names
    assert any(name.startswith("lead_id_select_content_from_read_text_") for name in names)
    values = db.execute('select "order", "2nd_phone", column_8 from stg_crm__leads where lead_id = \'L02\'').fetchall()
    assert values == [("1", "555-0100", "7")]


def test_a_custom_column_never_takes_an_internal_ones_place(hostile) -> None:
    """`Copy Number` = 2 on every row once made staging keep no copy of any lead."""
    db, _ = hostile
    scored = db.execute("select count(distinct lead_id) from fct_lead_scores").fetchone()[0]
    assert scored == len(LEADS) - 1  # all but L59, created after the as-of day


def test_a_field_of_megabytes_is_read(hostile) -> None:
    db, _ = hostile
    assert db.execute("select length(notes) from stg_crm__leads where lead_id = 'L01'").fetchone()[0] == BIG_FIELD


def test_text_offsets_are_honoured(hostile) -> None:
    db, _ = hostile
    created = dict(
        db.execute("select lead_id, created_at from stg_crm__leads where lead_id in ('L58', 'L59')").fetchall()
    )
    assert {lead: str(at) for lead, at in created.items()} == {
        "L58": "2026-03-31 21:00:00",
        "L59": "2026-04-01 04:30:00",
    }
    scored = {
        row[0] for row in db.execute("select lead_id from fct_lead_scores where lead_id in ('L58', 'L59')").fetchall()
    }
    assert scored == {"L58"}


def test_time_zone_aware_parquet_is_read_as_utc_on_any_host(hostile) -> None:
    """Built on a host at UTC+14: an event at 23:00 UTC on the as-of day is that day's."""
    db, _ = hostile
    days = db.execute("select lead_id, activity_date from int_lead_daily_activity order by 1").fetchall()
    assert [(lead, str(day)) for lead, day in days] == [("L01", "2026-03-31"), ("L02", "2026-03-30")]
    assert db.execute("select count(*) from quarantine_events").fetchone()[0] == 0


def test_a_folder_of_csv_files_is_read_by_column_name(hostile) -> None:
    db, _ = hostile
    stages = db.execute("select lead_id, stage, reason from stg_crm__lifecycle_stages order by 1").fetchall()
    assert stages == [
        ("L03", "sql", None),
        ("L04", "sql", None),
        ("L05", "rejected", "too small"),
        ("L06", "won", "signed"),
        ("L07", "sql", None),
    ]


# Landings that must stop the run before any model is built, each with the words its message needs.
REFUSED = {
    "two headers with one name": (
        {"leads.csv": "lead_id,Lead Source,lead_source\nL1,web,ads\n"},
        ["leads.csv", "'Lead Source'", "'lead_source'"],
    ),
    "a header given twice": (
        {"leads.csv": "lead_id,Region,Region\nL1,emea,apac\n"},
        ["leads.csv", "'Region'", "region"],
    ),
    "a custom column named like a derived one": (
        {"leads.csv": "lead_id,country,Region\nL1,DE,emea\n"},
        ["'Region'", "leads.csv", "region", "Reserved for leads"],
    ),
    "an account column named like a renamed one": (
        {"leads.csv": "lead_id\nL1\n", "accounts.csv": "account_id,name,Account Name\nA1,Acme,Acme Inc\n"},
        ["'Account Name'", "accounts.csv", "account_name"],
    ),
    "CSV beside Parquet": (
        {"leads.csv": "lead_id\nL1\n", "accounts.csv": "account_id\nA1\n", "accounts.parquet": None},
        ["accounts.csv", "accounts.parquet", "Keep one format"],
    ),
    "a file of another format in a folder": (
        {"leads.csv": "lead_id\nL1\n", "events/a.csv": "lead_id,event_type,occurred_at\n", "events/b.xlsx": "PK"},
        ["events/b.xlsx", "cannot read"],
    ),
    "a leads file with only a header": ({"leads.csv": "lead_id,email\n"}, ["leads.csv", "nothing to score"]),
    "a malformed line": (
        {
            "leads.csv": 'lead_id,email,notes\nL1,a@example.org,x\nL2,secret@person.example,"open\nL3,c@example.org,a,b,c\n'
        },
        ["leads.csv", "could not be split into columns"],
    ),
}


def _land(landing: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = landing / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:  # a Parquet file of one row
            with duckdb.connect() as db:
                db.execute(f"copy (select 'A2' as account_id) to '{path}' (format parquet)")
        else:
            path.write_text(text)


@pytest.fixture(scope="module")
def compile_landing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Path]]:
    """One landing folder and one dbt target for every refused case: only the files change, so
    dbt's parse is reused and each case costs a compile of the staging models."""
    root = tmp_path_factory.mktemp("refused")
    landing = root / "landing"
    landing.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        yield make_settings(root, landing), landing


@pytest.mark.parametrize("case", list(REFUSED))
def test_landing_that_cannot_be_read_by_name_is_refused(compile_landing, case: str) -> None:
    settings, landing = compile_landing
    for leftover in sorted(landing.rglob("*"), reverse=True):
        leftover.rmdir() if leftover.is_dir() else leftover.unlink()
    files, words = REFUSED[case]
    _land(landing, files)
    # one thread: `dbt compile` stops at the first error, and a second thread still querying would
    # turn its message into "connection is busy"
    command = ["compile", "--threads", "1", "--select", "staging", "int_leads_enriched"]
    result = run_dbt(settings, [*command, "--vars", f"{{as_of_date: '{AS_OF}'}}"])
    assert not result.success
    message = "\n".join(describe_problems(result))
    for word in words:
        assert word in message, message
    assert "secret@person.example" not in message  # a message names files and columns, never a row


def test_a_bad_line_deep_in_a_csv_is_named_without_its_content(compile_landing) -> None:
    """Past the reader's sample, a row with more fields than the header stops the scan: the
    message names the file and the line, never the row (it may hold e-mails and names)."""
    settings, landing = compile_landing
    for leftover in sorted(landing.rglob("*"), reverse=True):
        leftover.rmdir() if leftover.is_dir() else leftover.unlink()
    rows = [f"L{n},l{n}@example.org" for n in range(30_000)]
    rows.insert(25_000, "LX,secret@person.example,extra")
    write_csv(landing / "leads.csv", "lead_id,email", rows)
    command = ["run", "--threads", "1", "--select", "+quarantine_leads"]
    result = run_dbt(settings, [*command, "--vars", f"{{as_of_date: '{AS_OF}'}}"])
    assert not result.success
    message = "\n".join(describe_problems(result))
    assert "leads.csv" in message and "25002" in message, message
    assert "secret@person.example" not in message
    assert "secret@person.example" not in (Path(os.environ["DBT_LOG_PATH"]) / "dbt.log").read_text()
