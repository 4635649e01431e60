"""Publishing for BI tools: readers during a run see one complete day, reruns are identical, and
personal data stays out of the published tables unless a setting asks for it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, PUBLISHED_TABLES, plant_rows, run_day
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.publish import PUBLICATIONS_TABLE

DAY_1 = date(2026, 5, 4)
DAY_2 = DAY_1 + timedelta(days=1)
PLANTED = {
    "lead_id": "P_PERSON",
    "email": "zebulon.quixotefield@planted-co.example",
    "first_name": "Zebulon",
    "last_name": "Quixotefield",
    "created_at": "2026-04-24 09:00:00",
    "seniority": "director",
    "country": "France",
}

# A BI tool in miniature: opens the serving file read-only and asks for one day, in a loop, until
# the stop file appears. `hold` keeps one connection open across the swap instead of reopening.
READER = r"""
import json, sys, time, os, duckdb
serving, out, stop, mode = sys.argv[1:5]
query = '''
select
    (select min(as_of_date) from fct_lead_scores),
    (select max(as_of_date) from fct_lead_scores),
    (select count(*) from fct_lead_scores),
    (select min(as_of_date) from fct_lead_score_points),
    (select max(as_of_date) from fct_lead_score_points),
    (select sum(total_score) from fct_lead_scores) = (select sum(final_points) from fct_lead_score_points),
    (select max(as_of_date) from fct_lead_score_history),
    (select count(*) from fct_lead_score_history
        where as_of_date = (select max(as_of_date) from fct_lead_scores))
'''
held = duckdb.connect(serving, read_only=True) if mode == 'hold' else None
with open(out, 'w') as log:
    while not os.path.exists(stop):
        started = time.time()
        try:
            connection = held or duckdb.connect(serving, read_only=True)
            row = connection.execute(query).fetchone()
            if held is None:
                connection.close()
            log.write(json.dumps({'at': started, 'row': [str(v) for v in row]}) + '\n')
        except Exception as error:
            log.write(json.dumps({'at': started, 'error': repr(error)}) + '\n')
        log.flush()
        time.sleep(0.05)
"""


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    generate_demo_data(folder, leads=300, seed=7, end_date=DAY_2, file_format="csv", events_per_lead=15)
    plant_rows(folder, "leads", [PLANTED])
    return folder


def published_checksums(serving: Path) -> dict[str, str]:
    """One checksum per served table, over its rows in a fixed order."""
    sums = {}
    with duckdb.connect(str(serving), read_only=True) as db:
        for table in PUBLISHED_TABLES:
            sums[table] = db.execute(
                f"select md5(coalesce(string_agg(row_text, '\n' order by row_text), '')) "
                f"from (select cast(t as varchar) as row_text from {table} as t)"
            ).fetchone()[0]
    return sums


def text_values(serving: Path) -> dict[str, list[str]]:
    """Every varchar column of every served table: table.column -> distinct values."""
    found = {}
    with duckdb.connect(str(serving), read_only=True) as db:
        for table in PUBLISHED_TABLES:
            for column, column_type, *_ in db.execute(f"describe {table}").fetchall():
                if column_type == "VARCHAR":
                    values = db.execute(
                        f'select distinct "{column}" from {table} where "{column}" is not null'
                    ).fetchall()
                    found[f"{table}.{column}"] = [value for (value,) in values]
    return found


def test_readers_see_one_complete_day_during_a_run_and_a_rerun_is_identical(
    prefect_harness: None, isolated_dbt: Path, landing: Path
) -> None:
    run_day(isolated_dbt, landing, DAY_1)
    published = isolated_dbt / "published"
    serving = published / "serving.duckdb"
    stop = isolated_dbt / "stop-readers"
    elsewhere = isolated_dbt / "elsewhere"  # readers run from another folder than the run
    elsewhere.mkdir()
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(serving), str(isolated_dbt / f"reads-{mode}.jsonl"), str(stop), mode],
            cwd=elsewhere,
        )
        for mode in ("reopen", "hold")
    }
    try:
        time.sleep(2)
        run_started = time.time()
        summary = run_day(isolated_dbt, landing, DAY_2)
        run_ended = time.time()
        time.sleep(2)
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=60)
    assert summary.as_of == DAY_2.isoformat()

    for mode in readers:
        reads = [json.loads(line) for line in (isolated_dbt / f"reads-{mode}.jsonl").read_text().splitlines()]
        errors = [read["error"] for read in reads if "error" in read]
        assert errors == [], f"{mode} reader failed: {errors[:3]}"
        during = [read for read in reads if run_started <= read["at"] <= run_ended]
        assert during, f"{mode} reader read nothing during the run"
        days_seen = set()
        for read in reads:
            low, high, rows, points_low, points_high, sums_match, history_day, history_rows = read["row"]
            assert low == high == points_low == points_high == history_day, read  # one day, every table
            assert sums_match == "True", read  # the ledger adds up to the scores of the same day
            assert rows == history_rows != "0", read
            days_seen.add(low)
        if mode == "hold":  # an open connection keeps reading the old day, complete
            assert days_seen == {DAY_1.isoformat()}
        else:  # a new connection after the swap gets the new day
            assert days_seen == {DAY_1.isoformat(), DAY_2.isoformat()}
            assert reads[-1]["row"][0] == DAY_2.isoformat()

    # the same inputs and day give the same tables
    first = published_checksums(serving)
    run_day(isolated_dbt, landing, DAY_2)
    assert published_checksums(serving) == first

    # the current version plus two previous ones are kept, older ones deleted
    versions = sorted(path.name for path in (published / "versions").iterdir())
    assert len(versions) == 3
    assert os.readlink(published / "current") == f"versions/{versions[-1]}"
    with duckdb.connect(str(serving), read_only=True) as db:
        served = db.execute(f"select table_name, file_path from {PUBLICATIONS_TABLE}").fetchall()
        assert {table for table, _ in served} == set(PUBLISHED_TABLES)
        assert all(not Path(path).is_absolute() and (published / path).is_file() for _, path in served)
        assert dict(served)["fct_lead_scores"] == f"versions/{versions[-1]}/fct_lead_scores.parquet"
    # data.parquet is the current version, for tools that read files directly
    assert (published / "fct_lead_scores" / "data.parquet").read_bytes() == (
        published / "versions" / versions[-1] / "fct_lead_scores.parquet"
    ).read_bytes()

    # no personal data by default: no e-mail, no names, a salted hash instead
    values = text_values(serving)
    assert not [c for c in values if c.split(".")[1] in {"email", "first_name", "last_name"}]
    leaks = {
        column: [v for v in found if "@" in v or "zebulon" in v.lower() or "quixotefield" in v.lower()]
        for column, found in values.items()
    }
    assert {column: found for column, found in leaks.items() if found} == {}
    with duckdb.connect(str(serving), read_only=True) as db:
        (email_hash,) = db.execute(
            "select distinct email_hash from fct_lead_scores where lead_id = 'P_PERSON'"
        ).fetchone()
    assert re.fullmatch(r"[0-9a-f]{64}", email_hash)
    salt = (isolated_dbt / "warehouse" / ".email_salt").read_text().strip()
    assert salt and salt not in str(values)


def test_personal_data_is_published_only_when_asked(
    prefect_harness: None, isolated_dbt: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADSCORE_PUBLISH_PERSONAL_DATA", "true")
    monkeypatch.setenv("LEADSCORE_EMAIL_SALT", "a-test-salt")
    run_day(isolated_dbt, landing, DAY_1)
    serving = isolated_dbt / "published" / "serving.duckdb"
    with duckdb.connect(str(serving), read_only=True) as db:
        row = db.execute(
            "select distinct email, first_name, last_name, email_hash, "
            "sha256('a-test-salt' || lower(email)) from fct_lead_scores where lead_id = 'P_PERSON'"
        ).fetchone()
        other_tables = db.execute("select count(*) from fct_lead_score_points where evidence like '%@%'").fetchone()[0]
    assert row[:3] == (PLANTED["email"], "Zebulon", "Quixotefield")
    assert row[3] == row[4]
    assert other_tables == 0


def test_profiles_hold_no_credentials() -> None:
    """Secrets come from environment variables: no literal password, token or key in profiles.yml."""
    secret_keys = re.compile(
        r"^\s*(password|pass|pwd|token|secret|private_key\w*|api_key|access_key\w*)\s*:\s*(.+)$", re.I
    )
    literals = [
        line
        for line in (PROJECT_DIR / "profiles.yml").read_text().splitlines()
        if (match := secret_keys.match(line)) and "env_var(" not in match.group(2)
    ]
    assert literals == []
