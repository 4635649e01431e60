"""CSV files people open in a spreadsheet never carry a formula: a text cell starting with =, +, -,
@, a tab or a carriage return (a lead id, an account id, a rejection reason from the CRM) gets a
leading single quote, numbers stay numbers, and the Parquet files keep the raw value. Seed CSVs
written for dbt stay raw."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import REPORT_TABLES, make_settings
from leadscore.evaluation.backtest import BacktestResult, write_outputs
from leadscore.evaluation.suggest_weights import write_learned_weights, write_seed
from leadscore.reporting.csv_for_people import FORMULA_STARTS, copy_csv_for_people, neutralise_cell
from leadscore.reporting.report_files import write_report
from leadscore.running.dbt_runner import build

AS_OF = date(2026, 3, 31)
CMD = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example","click")'
PLUS = "+1+1"
AT = "@SUM(1+1)"
DASH = "-2+3"
REJECTED_ACCOUNT = "-ACC"

CREATED = {"created_at": "2026-01-05 10:00:00"}
HOT = {**CREATED, "seniority": "vp", "department": "marketing", "country": "DE", "lead_source": "referral"}
COLD = {**CREATED, "seniority": "student", "department": "other", "country": "US", "lead_source": ""}
LEADS = [
    {**HOT, "lead_id": CMD, "email": "a@acme.example", "account_id": HYPERLINK},
    {**HOT, "lead_id": PLUS, "email": "b@acme.example", "account_id": AT},
    {**HOT, "lead_id": DASH, "email": "c@acme.example", "account_id": AT},
    {**HOT, "lead_id": AT, "email": "d@acme.example", "account_id": HYPERLINK},
    # rejected by sales, each for a reason a spreadsheet would run (and that a negative rule matches)
    {**COLD, "lead_id": "R1", "email": "r1@rival.example", "account_id": REJECTED_ACCOUNT},
    {**COLD, "lead_id": "R2", "email": "r2@rival.example", "account_id": REJECTED_ACCOUNT},
]
ACCOUNTS = [
    {"account_id": HYPERLINK, "name": "Evil", "industry": "software", "employee_count": "250", "country": "DE"},
    {"account_id": AT, "name": "At", "industry": "software", "employee_count": "40", "country": "DE"},
    {"account_id": REJECTED_ACCOUNT, "name": "Rival", "industry": "retail", "employee_count": "5", "country": "US"},
]
HOT_EVENTS = [
    ("page_view", "2026-03-27 10:00:00", "https://x.example/pricing"),
    ("demo_request", "2026-03-28 10:00:00", ""),
    ("contact_sales", "2026-03-29 10:00:00", ""),
    ("content_download", "2026-03-29 11:00:00", ""),
]
EVENTS = [
    {"lead_id": lead, "event_type": kind, "occurred_at": at, "page_url": url}
    for lead in (CMD, PLUS, DASH, AT)
    for kind, at, url in HOT_EVENTS
]
LIFECYCLE = [
    {"lead_id": "R1", "stage": "rejected", "entered_at": "2026-03-20 10:00:00", "reason": f"{CMD} competitor"},
    {"lead_id": "R2", "stage": "rejected", "entered_at": "2026-03-21 10:00:00", "reason": f"{AT} competitor"},
]
CSV_FILES = {f"{table}.csv": table for table in REPORT_TABLES} | {"sales_priority.csv": "rpt_sales_priority"}


def write_landing(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the planted landing folder and its reports/<day>/ (shared: the tests read)."""
    work = tmp_path_factory.mktemp("csv_for_people")
    landing = work / "landing"
    write_landing(landing / "leads.csv", LEADS)
    write_landing(landing / "accounts.csv", ACCOUNTS)
    write_landing(landing / "events.csv", EVENTS)
    write_landing(landing / "lifecycle.csv", LIFECYCLE)
    settings = replace(make_settings(work, landing), reports_dir=work / "reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_TARGET_PATH", str(work / "dbt_target"))
        patch.setenv("DBT_LOG_PATH", str(work / "dbt_logs"))
        build(settings, AS_OF)
    return write_report(settings, AS_OF)


def parquet_as_text(path: Path, columns: list[str]) -> tuple[dict[str, str], list[list[str | None]]]:
    """Column types and every value as text, in the file's row order, as DuckDB writes it."""
    with duckdb.connect() as db:
        db.execute("set TimeZone = 'UTC'")
        described = db.execute(f"describe select * from read_parquet('{path}')").fetchall()
        types = {row[0]: row[1] for row in described}
        selected = ", ".join(f'cast("{column}" as varchar)' for column in columns)
        rows = db.execute(f"select {selected} from read_parquet('{path}')").fetchall()
    return types, [list(row) for row in rows]


@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_every_report_csv_cell_is_the_parquet_value_with_text_formulas_neutralised(report: Path, name: str) -> None:
    header, rows = read_csv(report / name)
    types, raw_rows = parquet_as_text(report / f"{CSV_FILES[name]}.parquet", header)
    assert len(rows) == len(raw_rows)  # (calibration tables are empty without history)
    for row, raw_row in zip(rows, raw_rows, strict=True):
        for column, cell, raw in zip(header, row, raw_row, strict=True):
            expected = "" if raw is None else raw
            if types[column] == "VARCHAR" and expected.startswith(FORMULA_STARTS):
                expected = "'" + expected
            assert cell == expected, (name, column, raw)
            # the invariant a spreadsheet needs: no cell starts like a formula, unless it is a number
            assert not cell.startswith(FORMULA_STARTS) or is_number(cell), (name, column, cell)


def test_planted_ids_and_reasons_are_quoted_in_the_csv_and_raw_in_the_parquet(report: Path) -> None:
    def csv_column(name: str, column: str) -> list[str]:
        header, rows = read_csv(report / name)
        return [row[header.index(column)] for row in rows]

    def parquet_column(table: str, column: str) -> list[str]:
        with duckdb.connect() as db:
            query = f"select \"{column}\" from read_parquet('{report / table}.parquet')"
            return [row[0] for row in db.execute(query).fetchall()]

    hot = {CMD, PLUS, DASH, AT}
    assert hot <= set(parquet_column("rpt_sales_priority", "lead_id"))
    assert {"'" + lead for lead in hot} <= set(csv_column("sales_priority.csv", "lead_id"))
    assert {"'" + lead for lead in hot} <= set(csv_column("rpt_sales_priority.csv", "lead_id"))

    accounts = {HYPERLINK, AT, REJECTED_ACCOUNT}
    assert accounts <= set(parquet_column("fct_account_scores", "account_id"))
    assert {"'" + account for account in accounts} <= set(csv_column("fct_account_scores.csv", "account_id"))

    reasons = [value for value in parquet_column("rpt_conversion_by_segment", "top_rejection_reasons") if value]
    assert reasons and all(value.startswith((CMD, AT)) for value in reasons)
    quoted = [value for value in csv_column("rpt_conversion_by_segment.csv", "top_rejection_reasons") if value]
    assert sorted(quoted) == sorted("'" + value for value in reasons)


def test_the_duckdb_writer_quotes_text_columns_only(tmp_path: Path) -> None:
    """A text column's "-5" is quoted, a number column's -5 is a number; order and columns kept."""
    with duckdb.connect() as db:
        db.execute(
            """
            create table t as select * from (values
                ('-5', -5, -2.50::decimal(9, 2), -0.5::double, date '2026-03-01', true, ['=x'], 2),
                (?, 3, 1.00, 1e300, null, null, [], 1),
                ('a"b,c', 0, 0, 0, null, false, null, 3)
            ) as v(label, n, amount, ratio, day, flag, tags, ordinal)
            """,
            [CMD],
        )
        copy_csv_for_people(db, "select * from t order by ordinal", tmp_path / "t.csv")
    header, rows = read_csv(tmp_path / "t.csv")
    assert header == ["label", "n", "amount", "ratio", "day", "flag", "tags", "ordinal"]
    assert rows == [
        ["'" + CMD, "3", "1.00", "1e+300", "", "", "[]", "1"],
        ["'-5", "-5", "-2.50", "-0.5", "2026-03-01", "true", "['=x']", "2"],
        ['a"b,c', "0", "0.00", "0.0", "", "false", "", "3"],
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (CMD, "'" + CMD),
        (HYPERLINK, "'" + HYPERLINK),
        (PLUS, "'+1+1"),
        (AT, "'" + AT),
        ("-x", "'-x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("L0001", "L0001"),
        ("a=b", "a=b"),
        ("", ""),
        (-12.5, -12.5),
        (-3, -3),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_cell(value, written) -> None:
    assert neutralise_cell(value) == written


def test_backtest_csvs_neutralise_text_and_keep_numbers(tmp_path: Path) -> None:
    metrics = [
        {
            "scope": scope,
            "seed_set": seed_set,
            "observations": 10,
            "conversions": 2,
            "roc_auc": 0.5,
            "pr_auc": 0.25,
            "top_decile_lift": -1.5,
            "mqls": 3,
            "mql_to_sql_rate": 0.5,
        }
        for scope in ("all", "=evil_model")
        for seed_set in ("live", "candidate")
    ]
    flips = [
        {
            "lead_id": CMD,
            "model_id": "default",
            "observed_on": "2026-03-01",
            "live_score": -12.5,
            "candidate_score": 151.0,
            "flip": "becomes MQL",
            "converted": False,
        }
    ]
    write_outputs(BacktestResult(tmp_path, [date(2026, 3, 1)], AS_OF, metrics, flips), HYPERLINK)

    header, rows = read_csv(tmp_path / "comparison.csv")
    assert [row[0] for row in rows] == ["all", "all", "'=evil_model", "'=evil_model"]
    assert {row[header.index("top_decile_lift")] for row in rows} == {"-1.5"}
    header, rows = read_csv(tmp_path / "mql_flips.csv")
    assert rows == [["'" + CMD, "default", "2026-03-01", "-12.5", "151.0", "becomes MQL", "False"]]


def test_learned_weights_csv_is_neutralised_but_seed_csvs_stay_raw(tmp_path: Path) -> None:
    (tmp_path / "report").mkdir()
    weights = [
        {
            "rule": f"fit lead_source equals {CMD}",
            "coefficient": 0.5,
            "points": 12,
            "repeat_points": "",
            "was": "new rule",
        },
        {"rule": PLUS, "coefficient": -0.25, "points": -8, "repeat_points": -2, "note": "-x"},
    ]
    write_learned_weights(tmp_path / "report", weights)
    _, rows = read_csv(tmp_path / "report" / "learned_weights.csv")
    assert rows == [
        [f"fit lead_source equals {CMD}", "0.5", "12", "", "new rule", ""],
        ["'+1+1", "-0.25", "-8", "-2", "", "'-x"],
    ]

    # a seed CSV is read by dbt, not by people: its values stay exactly as the rule needs them
    rule = {"rule_id": "r", "match_value": CMD, "points": -5}
    write_seed(tmp_path, "fit_rules", ["rule_id", "match_value", "points"], [rule])
    _, rows = read_csv(tmp_path / "fit_rules.csv")
    assert rows == [["r", CMD, "-5"]]
