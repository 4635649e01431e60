"""Deterministic demo data in the landing source contract, with a planted truth.

`generate_demo_data` writes leads, accounts, events and lifecycle files (parquet or csv) plus
`demo_truth.json`, which says what really drives conversion in the data set and what is noise.

Everything is generated inside DuckDB and streamed into `COPY ... TO`, so a million leads with
fifty million events fit in a couple of minutes and under 3 GB of memory. Randomness never comes
from `random()`: every draw is `hash(seed, key, subkey, salt)`, so the same arguments give the
same files, row for row, whatever the number of threads (with the same DuckDB version, whose hash
function is not promised to stay the same across releases).

Each lead has hidden traits, *fit* (seniority, industry, company size, business model, business
e-mail, not a student or competitor) and *intent* (random), and one buying journey: a few weeks,
starting soon after the lead was created, in which it views product and pricing pages, downloads
content, registers for webinars and may ask for a demo or to talk to sales, more of each the
higher its intent. At the journey's end it reaches sql, days later, with odds set by its fit and
by what it did on the journey (shaped like the behaviour seeds: a first event counts most,
repeats less, up to a cap), so a score taken while a lead is in its journey predicts sql within
the reports' 90-day window. Journeys that end without sql are often rejected by sales. Blog views,
site visits, social engagement and e-mail opens come from traits that have nothing to do with
conversion and happen mostly while the lead is engaged (up to a little after its journey), so
leads whose journey is over go quiet and the seeds' decay rules see it; job seekers (careers
pages) never convert. `demo_truth.json` gives every planted weight and, measured on the written
data as the calibration report counts it, each driver's conversion rates within the window.

A lead's events are built as one list per lead, sorted by time inside the list and kept in a
table of one row per lead; unnesting it gives an events file ordered by lead and time, with dense
event ids, without a global sort of the events.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from leadscore.demo.accounts import accounts_output_sql, accounts_sql
from leadscore.demo.events import event_lists_sql, event_offsets_sql, events_output_sql
from leadscore.demo.leads import lead_state_sql, leads_output_sql, leads_sql
from leadscore.demo.measured_truth import truth_events_sql, window_effects
from leadscore.demo.outcomes import lifecycle_sql
from leadscore.demo.people import titles_sql
from leadscore.demo.plan import make_plan
from leadscore.demo.random_draws import create_macros
from leadscore.demo.truth import truth_document
from leadscore.demo.writing import connect, copy_to_file


def generate_demo_data(
    out_dir: Path,
    leads: int,
    seed: int = 42,
    end_date: date | None = None,
    file_format: str = "parquet",
    events_per_lead: float = 50.0,
    progress: Callable[[str], None] | None = None,
    history_days: int = 365,
) -> dict[str, int]:
    """Write leads, accounts, events and lifecycle files plus demo_truth.json to `out_dir`.

    Events span the `history_days` days up to `end_date` (default today).

    Returns the number of rows written per file stem (leads, accounts, events, lifecycle).
    """
    if leads < 1:
        raise ValueError("leads must be at least 1")
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"file_format must be 'parquet' or 'csv', not {file_format!r}")
    if events_per_lead <= 0:
        raise ValueError("events_per_lead must be positive")
    if history_days < 28:
        raise ValueError("history_days must be at least 28")
    plan = make_plan(leads, seed, end_date or datetime.now(UTC).date(), events_per_lead, history_days)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_dir = out_dir / ".tmp"
    report = progress or (lambda _step: None)
    con = connect(tmp_dir)
    try:
        create_macros(con, plan)
        counts: dict[str, int] = {}
        report("accounts")
        con.execute(accounts_sql(plan))
        counts["accounts"] = copy_to_file(con, accounts_output_sql(), out_dir / f"accounts.{file_format}", file_format)
        report("leads")
        con.execute(titles_sql())
        con.execute(leads_sql(plan))
        counts["leads"] = copy_to_file(con, leads_output_sql(), out_dir / f"leads.{file_format}", file_format)
        for statement in lead_state_sql():
            con.execute(statement)
        report("events")
        con.execute(event_lists_sql(plan))
        for statement in event_offsets_sql():
            con.execute(statement)
        counts["events"] = copy_to_file(con, events_output_sql(plan), out_dir / f"events.{file_format}", file_format)
        con.execute(truth_events_sql(plan))
        con.execute("drop table scratch.ev_lists")
        report("lifecycle")
        counts["lifecycle"] = copy_to_file(con, lifecycle_sql(), out_dir / f"lifecycle.{file_format}", file_format)
        truth = truth_document(con, plan, counts, file_format, events_per_lead, window_effects(con, plan))
    finally:
        con.close()
        shutil.rmtree(tmp_dir, ignore_errors=True)
    (out_dir / "demo_truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return counts
