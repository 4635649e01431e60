"""The daily CRM file: published/crm/<day>.csv holds exactly the leads whose values changed since
the day sent before (every lead on a first day), a rerun of a day writes the same bytes, a run that
fails after the file was staged writes nothing, the e-mail appears only when personal data may be
published, and cells that look like formulas are neutralised."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import make_settings, plant_rows, run_day
from leadscore.demo.demo_data import generate_demo_data
from leadscore.reporting.csv_for_people import FORMULA_STARTS
from leadscore.running.crm import CrmExport, stage_crm_export, write_crm_export

DAY_1 = date(2026, 5, 4)
DAY_2 = DAY_1 + timedelta(days=1)
DAY_3 = DAY_1 + timedelta(days=2)
CMD = "=cmd|' /C calc'!A0"
AT = "@SUM(1+1)"
PLUS = "+1+1"
PROFILE = {"created_at": "2026-04-20 09:00:00", "seniority": "director", "department": "finance", "country": "France"}
PLANTED = [
    {**PROFILE, "lead_id": CMD, "email": "-dash@planted-co.example"},
    {**PROFILE, "lead_id": AT, "email": "at@planted-co.example"},
    {**PROFILE, "lead_id": PLUS, "email": "+plus@planted-co.example"},
]
# the pricing page on day 2 changes AT's score that day; CMD and PLUS stay as they were
PLANTED_EVENTS = [
    {
        "event_id": "P1",
        "lead_id": AT,
        "event_type": "page_view",
        "occurred_at": "2026-05-05 09:00:00",
        "page_url": "https://www.acme-analytics.example/pricing",
    },
]
SCORE_TABLES = ("fct_lead_scores", "fct_lead_score_points", "fct_lead_mql_dates")
HEADER = [
    "lead_id",
    "model_id",
    "score",
    "score_grade",
    "is_mql",
    "mql_flag",
    "first_mql_date",
    "top_reasons",
    "as_of_date",
]


@dataclass(frozen=True)
class World:
    root: Path
    landing: Path
    published: Path
    day_1: bytes  # published/crm/<day 1>.csv after day 1
    day_2: bytes  # published/crm/<day 2>.csv after day 2
    day_2_rerun: bytes  # the same after a rerun of day 2
    personal: Path  # a copy of published/ after day 2, its CRM file rewritten in full with e-mails
    personal_rows: int
    latest_after_day_2: bytes
    crm_after_failure: dict[str, bytes]  # every file under published/crm after the failed day 3
    crm_before_failure: dict[str, bytes]
    failure: str

    @property
    def crm(self) -> Path:
        return self.published / "crm"

    def tables(self, day: date) -> Path:
        """The published score tables as served after `day`'s run (copied then)."""
        return self.root / f"served-{day}"


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def keep_served(root: Path, day: date) -> None:
    target = root / f"served-{day}"
    target.mkdir()
    for table in SCORE_TABLES:
        shutil.copyfile(root / "published" / table / "data.parquet", target / f"{table}.parquet")


@pytest.fixture(scope="module")
def world(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Day 1, day 2, a rerun of day 2, then a day 3 whose publishing fails after its CRM file was
    staged; one warehouse and published folder for the module (the tests only read)."""
    root = tmp_path_factory.mktemp("crm_delta")
    landing = root / "landing"
    generate_demo_data(landing, leads=200, seed=5, end_date=DAY_3, file_format="csv", events_per_lead=10)
    plant_rows(landing, "leads", PLANTED)
    plant_rows(landing, "events", PLANTED_EVENTS)
    crm = root / "published" / "crm"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(root / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(root / "dbt_logs"))
        run_day(root, landing, DAY_1)
        keep_served(root, DAY_1)
        day_1 = (crm / f"{DAY_1}.csv").read_bytes()
        run_day(root, landing, DAY_2)
        keep_served(root, DAY_2)
        day_2 = (crm / f"{DAY_2}.csv").read_bytes()
        latest = (crm / "latest.csv").read_bytes()
        run_day(root, landing, DAY_2)
        day_2_rerun = (crm / f"{DAY_2}.csv").read_bytes()

        personal = root / "published-personal"
        shutil.copytree(root / "published", personal, symlinks=True)
        settings = replace(make_settings(root, landing), published_dir=personal, publish_personal_data=True)
        personal_rows = write_crm_export(settings, DAY_2, full=True).rows

        before = files(crm)

        staged: list[CrmExport] = []

        def stage(*args, **kwargs):
            staged.append(stage_crm_export(*args, **kwargs))
            return staged[-1]

        def fail(*args, **kwargs):
            hidden = [path.name for path in staged[-1].staged.values() if path.exists()]
            raise RuntimeError(f"planted publish failure; CRM files staged: {len(hidden)}")

        patch.setattr("leadscore.running.daily_flow.stage_crm_export", stage)
        patch.setattr("leadscore.running.daily_flow.publish_tables", fail)
        with pytest.raises(Exception) as failure:
            run_day(root, landing, DAY_3)
    return World(
        root=root,
        landing=landing,
        published=root / "published",
        day_1=day_1,
        day_2=day_2,
        day_2_rerun=day_2_rerun,
        latest_after_day_2=latest,
        personal=personal,
        personal_rows=personal_rows,
        crm_after_failure=files(crm),
        crm_before_failure=before,
        failure=str(failure.value),
    )


def read_csv(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(content.decode("utf-8").splitlines()))
    header, body = rows[0], rows[1:]
    return header, [dict(zip(header, row, strict=True)) for row in body]


def raw(cell: str) -> str:
    """A neutralised cell's value as the warehouse holds it."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def whole(points: Decimal) -> int:
    """Whole points as the CRM file writes them: half away from zero."""
    return int(points.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reason(rule: str, points: Decimal, evidence: str | None, description: str | None) -> str:
    """A ledger row as the CRM reasons are written, in whole points: `Asked for a demo (1 events, +60)`."""
    return f"{description or rule} ({evidence + ', ' if evidence else ''}+{whole(points)})"


def crm_values(folder: Path) -> dict[tuple[str, str], tuple]:
    """What the CRM is sent, recomputed in Python from the published score tables: per lead and
    model the score, grade, MQL flag, first MQL day and the three biggest positive ledger rows in
    words, biggest first, on a tie by rule id."""
    with duckdb.connect() as db:
        scores = db.execute(
            f"select lead_id, model_id, total_score, score_grade, is_mql from read_parquet('{folder}/fct_lead_scores.parquet')"
        ).fetchall()
        points = db.execute(
            f"select lead_id, model_id, rule_id, final_points, evidence, rule_description "
            f"from read_parquet('{folder}/fct_lead_score_points.parquet')"
        ).fetchall()
        first_mql = dict(
            ((lead, model), day)
            for lead, model, day in db.execute(
                f"select lead_id, model_id, first_mql_date from read_parquet('{folder}/fct_lead_mql_dates.parquet')"
            ).fetchall()
        )
    rules: dict[tuple[str, str], list[tuple]] = {}
    for lead, model, rule, final, evidence, description in points:
        if whole(final) > 0:
            rules.setdefault((lead, model), []).append((rule, final, evidence, description))
    top = {
        key: tuple(reason(*row) for row in sorted(found, key=lambda row: (-row[1], row[0]))[:3])
        for key, found in rules.items()
    }
    return {
        (lead, model): (whole(total), grade, mql, first_mql.get((lead, model)), top.get((lead, model), ()))
        for lead, model, total, grade, mql in scores
    }


def test_a_first_day_sends_every_lead(world: World) -> None:
    header, rows = read_csv(world.day_1)
    assert header == HEADER
    expected = crm_values(world.tables(DAY_1))
    assert [(raw(row["lead_id"]), row["model_id"]) for row in rows] == sorted(expected)
    assert {row["as_of_date"] for row in rows} == {DAY_1.isoformat()}


def test_the_day_file_holds_exactly_the_leads_that_changed_since_the_day_before(world: World) -> None:
    before, after = crm_values(world.tables(DAY_1)), crm_values(world.tables(DAY_2))
    changed = {key for key, values in after.items() if before.get(key) != values}
    assert 0 < len(changed) < len(after)  # some leads changed and some did not
    assert (AT, "default") in changed and not {(CMD, "default"), (PLUS, "default")} & changed

    header, rows = read_csv(world.day_2)
    assert header == HEADER
    sent = [(raw(row["lead_id"]), row["model_id"]) for row in rows]
    assert sent == sorted(sent) and set(sent) == changed
    for row in rows:  # and each row carries the day's values
        total, grade, mql, first_mql, reasons = after[(raw(row["lead_id"]), row["model_id"])]
        assert (int(row["score"]), row["score_grade"], row["is_mql"], row["mql_flag"]) == (
            total,
            grade or "",
            str(mql).lower(),
            str(int(mql)),
        )
        assert row["first_mql_date"] == (first_mql.isoformat() if first_mql else "")
        assert row["top_reasons"] == " | ".join(reasons)
    assert world.latest_after_day_2 == world.day_2


def test_a_rerun_of_the_day_writes_the_same_bytes(world: World) -> None:
    assert world.day_2_rerun == world.day_2
    assert world.crm_before_failure["latest.csv"] == world.day_2


def test_a_run_that_fails_after_staging_writes_nothing(world: World) -> None:
    # the failure came after the day's CRM file, latest.csv and snapshot were staged
    assert "planted publish failure; CRM files staged: 3" in world.failure
    assert world.crm_after_failure == world.crm_before_failure  # no day-3 file, latest.csv unchanged
    assert sorted(world.crm_before_failure) == [
        f"{DAY_1}.csv",
        f"{DAY_2}.csv",
        "latest.csv",
        f"snapshots/{DAY_1}.parquet",
        f"snapshots/{DAY_2}.parquet",
    ]  # and no hidden leftovers


def test_no_email_by_default_and_cells_that_look_like_formulas_are_neutralised(world: World) -> None:
    header, rows = read_csv(world.day_1)
    assert "email" not in header and b"@planted-co.example" not in world.day_1
    ids = {row["lead_id"] for row in rows}
    assert {"'" + CMD, "'" + AT, "'" + PLUS} <= ids and not {CMD, AT, PLUS} & ids
    for row in rows:
        for column, cell in row.items():
            # no cell starts like a formula, unless it is a number (a negative score)
            assert not cell.startswith(FORMULA_STARTS) or column == "score", (column, cell)
    # the snapshot the next day compares with keeps the raw ids
    with duckdb.connect() as db:
        sent = {
            row[0]
            for row in db.execute(
                f"select lead_id from read_parquet('{world.crm}/snapshots/{DAY_1}.parquet')"
            ).fetchall()
        }
    assert {CMD, AT, PLUS} <= sent


def test_leadscore_crm_export_full_sends_every_lead_with_its_email_when_personal_data_may_be_published(
    world: World,
) -> None:
    crm = world.personal / "crm"
    header, rows = read_csv((crm / f"{DAY_2}.csv").read_bytes())
    assert header == ["lead_id", "email", *HEADER[1:]]
    emails = {raw(row["lead_id"]): row["email"] for row in rows}
    assert world.personal_rows == len(rows) == len(crm_values(world.tables(DAY_2)))
    assert emails[AT] == "at@planted-co.example"
    assert emails[CMD] == "'-dash@planted-co.example" and emails[PLUS] == "'+plus@planted-co.example"
    assert (crm / "latest.csv").read_bytes() == (crm / f"{DAY_2}.csv").read_bytes()
