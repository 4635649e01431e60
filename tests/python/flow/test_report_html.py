"""The day's report: files beside the page, the figures on it, and the page as Chromium renders it.

The warehouse here is a tiny DuckDB file with hand-made rows in the report tables' columns, so
every figure on the page is known in advance (4 leads, 1 SQL: 25.0%; 3 MQLs, 1 SQL: 33.3%)."""

from __future__ import annotations

import struct
import subprocess
import zlib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import REPORT_TABLES
from leadscore.cli import app
from leadscore.reporting.report_data import ReportError
from leadscore.reporting.report_files import write_report
from leadscore.settings import Settings

AS_OF = date(2026, 5, 4)
CHROMIUM = Path("/usr/bin/chromium")
CHART_SECTIONS = ("conversion", "distribution", "calibration", "probability", "velocity")
SECTIONS = ["conversion", "distribution", "calibration", "probability", "velocity", "priority", "accounts", "data-fit"]
HISTORY_MESSAGE = "Not enough score history: calibration needs scores at least 90 days old; run leadscore backfill"

# fmt: off
SCHEMAS = {
    "fct_lead_scores": "as_of_date date, lead_id varchar, model_id varchar, total_score decimal(18,2), "
    "is_mql boolean, mql_threshold integer, conversion_probability decimal(18,4), conversion_probability_reason varchar",
    "report_settings": "min_segment_leads integer, conversion_window_days integer, "
    "target_mql_to_sql_rate decimal(18,4), threshold_rule varchar, near_mql_share decimal(18,4), "
    "priority_list_size integer",
    "rpt_conversion_by_segment": "segment_dimension varchar, segment_value varchar, cohort_month date, "
    "is_all_cohorts boolean, leads integer, mqls integer, sqls integer, opportunities integer, won integer, "
    "lead_to_mql_rate decimal(18,4), lead_to_sql_rate decimal(18,4), lead_to_won_rate decimal(18,4), "
    "mql_to_sql_rate decimal(18,4), sql_to_won_rate decimal(18,4), median_days_lead_to_sql double, "
    "p90_days_lead_to_sql double, median_days_lead_to_won double, p90_days_lead_to_won double, "
    "median_days_mql_to_sql double, p90_days_mql_to_sql double, median_days_mql_to_won double, "
    "p90_days_mql_to_won double, rejected integer, rejected_share decimal(18,4), top_rejection_reasons varchar, "
    "is_small_segment boolean, as_of_date date",
    "rpt_mql_velocity": "model_id varchar, week_start date, new_mqls integer, mqls_reaching_sql integer, "
    "mql_to_sql_rate decimal(18,4), scored_leads integer, as_of_date date",
    "rpt_score_band_conversion": "model_id varchar, band_kind varchar, band_label varchar, band_min integer, "
    "band_max integer, observations integer, conversions integer, conversion_rate decimal(18,4), "
    "base_rate decimal(18,4), lift decimal(18,4), predicted_probability decimal(18,4), "
    "heldout_probability decimal(18,4), as_of_date date",
    "rpt_score_threshold_curve": "model_id varchar, threshold integer, mqls_at_threshold integer, "
    "conversions_captured integer, precision decimal(18,4), recall decimal(18,4), f1 decimal(18,4), "
    "is_recommended boolean, recommendation_rule varchar, current_mql_threshold integer, as_of_date date",
    "rpt_sales_priority": "model_id varchar, priority_rank integer, lead_id varchar, total_score decimal(18,2), "
    "score_grade varchar, fit_grade varchar, is_mql boolean, is_near_mql boolean, qualification_status varchar, "
    "stage_reached varchar, last_activity_date date, reason_1 varchar, reason_2 varchar, reason_3 varchar, "
    "score_change_since_previous_day decimal(18,2), changed_rules varchar, as_of_date date",
    "fct_account_scores": "account_id varchar, model_id varchar, account_score decimal(18,2), leads integer, "
    "engaged_leads integer, mqls integer, account_grade varchar, sqls_ever integer, mql_to_sql_rate decimal(18,4), "
    "last_sql_at timestamp, as_of_date date",
}
D = AS_OF.isoformat()
RULE = "best F1 for sql within 90 days"
ROWS: dict[str, list[tuple]] = {
    # four leads of the default model, three of them MQLs; L1 is at sql, the others are expected
    # to bring 0.30 + 0.25 + 0.05 = 0.6 SQLs
    "fct_lead_scores": [
        (D, "L1", "default", 180, True, 150, None, "already at sql or beyond"),
        (D, "L2", "default", 160, True, 150, 0.30, None),
        (D, "L3", "default", 155, True, 150, 0.25, None), (D, "L4", "default", 40, False, 150, 0.05, None),
    ],
    "report_settings": [(30, 90, 0.30, "best_f1", 0.80, 200)],
    "rpt_conversion_by_segment": [
        # industry: software 1 SQL of 4 leads (25.0 %), of 3 MQLs (33.3 %, small); retail 5 SQLs and 1 won
        # of 40 leads (12.5 % and 2.5 %), of 10 MQLs (50.0 %); media 2 leads, no SQL and no MQL
        ("industry", "software", None, True, 4, 3, 1, 1, 0, 0.75, 0.25, 0.0, 0.3333, 0.0, 12, 20, None, None,
         5, 9, None, None, 1, 0.25, "No budget (1)", True, D),
        ("industry", "retail", None, True, 40, 10, 5, 2, 1, 0.25, 0.125, 0.025, 0.5, 0.2, 18.5, 40, 61, 61,
         7, 20, 30, 60, 0, 0.0, None, False, D),
        ("industry", "media", None, True, 2, 0, 0, 0, 0, 0.0, 0.0, 0.0, None, None, None, None, None, None,
         None, None, None, None, 0, 0.0, None, True, D),
        # a cohort row: in the CSV, not on the page
        ("industry", "software", "2026-04-01", False, 4, 3, 1, 1, 0, 0.75, 0.25, 0.0, 0.3333, 0.0, 12, 20, None,
         None, 5, 9, None, None, 1, 0.25, "No budget (1)", True, D),
        ("scoring_model", "default", None, True, 46, 13, 6, 3, 1, 0.2826, 0.1304, 0.0217, 0.4615, 0.1667, 15, 30,
         61, 61, 6, 15, 30, 60, 1, 0.0217, "No budget (1)", False, D),
    ],
    "rpt_mql_velocity": [
        ("default", "2026-04-13", 4, 2, 0.5, 30, D),
        ("default", "2026-04-20", 6, 1, 0.1667, 32, D),
        ("default", "2026-04-27", 3, 0, 0.0, 35, D),
    ],
    "rpt_score_band_conversion": [
        ("default", "band", "0-24", 0, 24, 50, 2, 0.04, 0.0875, 0.4571, 0.05, 0.06, D),
        ("default", "band", "25-49", 25, 49, 20, 3, 0.15, 0.0875, 1.7143, 0.14, 0.12, D),
        ("default", "band", "50-74", 50, 74, 10, 2, 0.2, 0.0875, 2.2857, 0.18, 0.16, D),
        ("default", "decile", "1", 0, 10, 8, 0, 0.0, 0.0875, 0.0, 0.05, 0.06, D),
        ("default", "decile", "10", 60, 74, 8, 2, 0.25, 0.0875, 2.8571, 0.18, 0.16, D),
        # the probability's bins: in the CSV, not drawn (the reliability chart uses the deciles)
        ("default", "probability_bin", "1", 0, 24, 50, 2, 0.04, 0.0875, 0.4571, 0.05, 0.06, D),
        ("default", "probability_bin", "2", 25, 49, 20, 3, 0.15, 0.0875, 1.7143, 0.14, 0.12, D),
        ("default", "probability_bin", "3", 50, 74, 10, 2, 0.2, 0.0875, 2.2857, 0.18, 0.16, D),
    ],
    "rpt_score_threshold_curve": [
        ("default", 0, 80, 7, 0.0875, 1.0, 0.1609, False, RULE, 150, D),
        ("default", 50, 30, 5, 0.1667, 0.7143, 0.2703, True, RULE, 150, D),
        ("default", 100, 10, 2, 0.2, 0.2857, 0.2353, False, RULE, 150, D),
        ("default", 150, 0, 0, None, 0.0, None, False, RULE, 150, D),
    ],
    "rpt_sales_priority": [
        ("default", 1, "L1", 180, "A", "A", True, False, "qualified", "mql", "2026-05-03",
         "Asked for a demo (1 events, +60)", "Visited the pricing page (3 events, +20)", None, 12, "B_DEMO", D),
        ("default", 2, "L2", 160, "A", "B", True, False, "partial", "lead", "2026-05-01",
         "Contacted sales <urgent> (1 events, +50)", None, None, None, None, D),
    ],
    "fct_account_scores": [
        ("A1", "default", 340, 2, 2, 2, "A", 1, 0.5, "2026-04-20 10:00:00", D),
        ("A2", "default", 155, 1, 1, 1, "B", 0, 0.0, None, D),
    ],
}


# fmt: on


def build_warehouse(path: Path, empty: tuple[str, ...] = (), rows: dict[str, list[tuple]] | None = None) -> Path:
    """A DuckDB file with every table the report reads; the tables named in `empty` have no rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        for table, schema in SCHEMAS.items():
            connection.execute(f"create table {table} ({schema})")
            table_rows = [] if table in empty else (rows or ROWS)[table]
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                connection.executemany(f"insert into {table} values ({marks})", table_rows)
    return path


def settings_for(tmp_path: Path, database: Path) -> Settings:
    return Settings.resolve(duckdb_path=database, reports_dir=tmp_path / "reports")


# --- reading the page -------------------------------------------------------------------------


class ChartParser(HTMLParser):
    """Charts (svg.chart) per page section, with their marks: rect.bar and path.line."""

    def __init__(self) -> None:
        super().__init__()
        self.section: str | None = None
        self.chart: str | None = None
        self.charts: dict[str, int] = {}
        self.chart_sections: dict[str, str | None] = {}
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "section":
            self.section = attributes.get("data-section")
            self.sections.append(self.section or "")
        elif tag == "svg" and "chart" in classes:
            self.chart = attributes.get("data-chart") or f"unnamed-{len(self.charts)}"
            self.charts[self.chart] = 0
            self.chart_sections[self.chart] = self.section
        elif self.chart and ((tag == "rect" and "bar" in classes) or (tag == "path" and "line" in classes)):
            self.charts[self.chart] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.chart = None
        elif tag == "section":
            self.section = None


def parse_charts(dom: str) -> ChartParser:
    parser = ChartParser()
    parser.feed(dom)
    parser.close()
    return parser


def assert_charts_not_empty(dom: str) -> dict[str, int]:
    """Every <svg class="chart"> has at least one mark; returns the marks per chart."""
    charts = parse_charts(dom).charts
    empty = sorted(name for name, marks in charts.items() if marks == 0)
    if empty:
        raise AssertionError(f"charts without a single bar or line: {', '.join(empty)}")
    return charts


def section_text(dom: str, section: str) -> str:
    start = dom.index(f'data-section="{section}"')
    return dom[start : dom.index("</section>", start)]


# --- Chromium ---------------------------------------------------------------------------------


def chromium(page: Path, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the report page test needs Debian's chromium package, which .ci/run must "
            "install (apt-get install -y chromium)."
        )
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,3000",
        *arguments,
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def rendered_dom(page: Path, tmp_path: Path) -> str:
    return chromium(page, tmp_path, "--dump-dom").stdout


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    return width, height, zlib.decompress(idat)


# --- tests ------------------------------------------------------------------------------------


def test_report_files_hold_the_warehouse_rows(tmp_path: Path) -> None:
    database = build_warehouse(tmp_path / "warehouse.duckdb")
    folder = write_report(settings_for(tmp_path, database), AS_OF)

    assert folder == tmp_path / "reports" / "2026-05-04"
    with duckdb.connect(str(database), read_only=True) as db:
        for table in REPORT_TABLES:
            expected = sorted(db.execute(f"select columns(*)::varchar from {table}").fetchall(), key=str)
            from_parquet = db.execute(f"select columns(*)::varchar from '{folder / table}.parquet'").fetchall()
            from_csv = db.execute(f"select * from read_csv('{folder / table}.csv', all_varchar = true)").fetchall()
            assert sorted(from_parquet, key=str) == expected, table
            assert sorted(from_csv, key=str) == expected, table
            assert (folder / f"{table}.csv").read_text().split("\n", 1)[0].split(",") == [
                column[0] for column in db.execute(f"describe {table}").fetchall()
            ]
        priority_columns = [column[0] for column in db.execute("describe rpt_sales_priority").fetchall()]
    header, *lines = (folder / "sales_priority.csv").read_text().strip().split("\n")
    assert header.split(",")[:4] == ["model_id", "priority_rank", "lead_id", "total_score"]
    assert sorted(header.split(",")) == sorted(priority_columns)
    assert [line.split(",")[2] for line in lines] == ["L1", "L2"]


def test_report_page_shows_the_figures(tmp_path: Path) -> None:
    database = build_warehouse(tmp_path / "warehouse.duckdb")
    page = (write_report(settings_for(tmp_path, database), AS_OF) / "report.html").read_text()

    charts = assert_charts_not_empty(page)
    assert charts == {
        # a lead->SQL bar per segment, MQLs or not (media has none, and no SQL: a sliver at 0 %), and a
        # lead->won bar inside it where the segment won leads (retail); the cohort row is not drawn
        "conversion-industry": 4,
        "conversion-scoring_model": 2,
        "distribution-default": 6,  # three 'band' rows x converted / not; deciles are not drawn
        "calibration-default": 3,  # precision, recall, F1
        "reliability-default": 2,  # held out and in-sample, over the two deciles
        "velocity-default": 4,  # three weekly bars and the rate line
    }
    industry = section_text(page, "conversion")
    assert "25.0%</tspan> SQL · 0.0% won · 4 leads · 12 d to SQL" in industry
    assert "12.5%</tspan> SQL · 2.5% won · 40 leads · 18.5 d to SQL" in industry
    assert '0.0%</tspan> SQL · 0.0% won · 2 leads  <tspan class="tag">small' in industry  # no days without SQLs
    # the MQL->SQL rate is a diamond where there are MQLs (software, retail, the default model), against
    # the target
    assert industry.count('data-series="mql_to_sql_rate"') == 3
    assert "MQL→SQL 33.3% (3 MQLs)" in industry and "MQL→SQL 50.0% (10 MQLs)" in industry
    assert "media: 2 leads: 0 SQLs, 0 won; no MQLs; median days from creation: – to SQL, – to won" in industry
    assert (
        "retail: 40 leads: 5 SQLs, 1 won; 10 MQLs, MQL→SQL 50.0%; median days from creation: 18.5 d to SQL" in industry
    )
    assert industry.count('data-small="true"') == 2 and ">small</tspan>" in industry
    assert "MQL→SQL target 30%" in industry
    probability = section_text(page, "probability")
    assert "0.6 SQLs expected</strong> within 90 days from the 3 open leads with a probability" in probability
    # deciles 1 and 10: held out 0.06 and 0.16 against 0 and 0.25 observed, (8 x 0.06 + 8 x 0.09) / 16
    assert "miss the observed rate by 7.5 percentage points on average" in probability
    assert probability.count('<circle class="dot"') == 2
    assert (
        "decile 10, scores 60 to 74: 8 observations, 2 reached SQL (25.0%); predicted 16.0% held out, 18.0% in-sample"
        in probability
    )
    calibration = section_text(page, "calibration")
    assert "recommended 50" in calibration and "current 150" in calibration
    assert f"Recommended: 50</strong> ({RULE}): precision 16.7%, recall 71.4%." in calibration
    assert "Current 150: precision –, recall 0.0%." in calibration
    # header: leads scored and MQLs per model
    assert ">4<" in page and "MQLs · default" in page and ">3<" in page and "of 4 leads, threshold 150" in page
    priority = section_text(page, "priority")
    assert "Asked for a demo (1 events, +60)" in priority and "+12" in priority
    assert "&lt;urgent&gt;" in priority and "<urgent>" not in page  # text is escaped
    accounts = section_text(page, "accounts")
    assert accounts.index(">A1<") < accounts.index(">A2<") and "50.0%" in accounts
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_report_page_renders_in_chromium(tmp_path: Path) -> None:
    database = build_warehouse(tmp_path / "warehouse.duckdb")
    page = write_report(settings_for(tmp_path, database), AS_OF) / "report.html"
    screenshot = tmp_path / "report.png"

    chromium(page, tmp_path, f"--screenshot={screenshot}")
    assert screenshot.exists() and screenshot.stat().st_size > 10_000
    width, height, scanlines = png_pixels(screenshot)
    assert (width, height) == (1400, 3000)
    # a single-colour image decompresses to a handful of byte values whatever the row filters
    assert len(set(scanlines)) > 64

    dom = rendered_dom(page, tmp_path)
    parsed = parse_charts(dom)
    assert parsed.sections == SECTIONS
    marks = assert_charts_not_empty(dom)
    for section in CHART_SECTIONS:
        in_section = [marks[name] for name, where in parsed.chart_sections.items() if where == section]
        assert in_section and all(count > 0 for count in in_section), section
    assert "33.3%" in dom


def test_tables_without_rows_show_a_message_not_an_empty_chart(tmp_path: Path) -> None:
    # before 90 days of history: no calibration rows, so no probability either (the model's leads say
    # why); and no lead of 'region' is an MQL, yet its lead->SQL and lead->won rates are drawn
    few = "too few outcomes: observations 0 (needs 200), converted leads 0 (needs 20)"
    rows = {
        **ROWS,
        "fct_lead_scores": [
            (D, "L1", "default", 180, True, 150, None, "already at sql or beyond"),
            *[(D, lead, "default", 40, False, 150, None, few) for lead in ("L2", "L3", "L4")],
        ],
        "rpt_conversion_by_segment": [
            *ROWS["rpt_conversion_by_segment"],
            (
                "region",
                "europe",
                None,
                True,
                3,
                0,
                1,
                1,
                1,
                0.0,
                0.3333,
                0.3333,
                None,
                1.0,
                20,
                20,
                20,
                20,
                None,
                None,
                None,
                None,
                0,
                0.0,
                None,
                True,
                D,
            ),
        ],
    }
    database = build_warehouse(
        tmp_path / "warehouse.duckdb", empty=("rpt_score_band_conversion", "rpt_score_threshold_curve"), rows=rows
    )
    page = write_report(settings_for(tmp_path, database), AS_OF) / "report.html"
    dom = rendered_dom(page, tmp_path)

    marks = assert_charts_not_empty(dom)
    assert not any(name.startswith(("distribution-", "calibration-", "reliability-")) for name in marks)
    for section in ("distribution", "calibration"):
        text = section_text(dom, section)
        assert HISTORY_MESSAGE in text and "<svg" not in text
    probability = section_text(dom, "probability")
    assert f"No conversion probability for this model: {few}." in probability and "<svg" not in probability
    region = section_text(dom, "conversion")
    assert marks["conversion-region"] == 2  # lead->SQL and lead->won, without a single MQL
    assert "33.3%</tspan> SQL · 33.3% won · 3 leads · 20 d to SQL" in region
    assert "europe: 3 leads: 1 SQL, 1 won; no MQLs" in region
    assert marks["conversion-industry"] == 4 and marks["velocity-default"] == 4


def test_assert_charts_not_empty_catches_an_empty_chart() -> None:
    with_marks = (
        '<section data-section="x"><svg class="chart" data-chart="a"><rect class="bar"/><rect class="swatch"/>'
        '</svg><svg class="chart" data-chart="b"><path class="line" d="M0,0"/></svg></section>'
    )
    assert assert_charts_not_empty(with_marks) == {"a": 1, "b": 1}
    empty = '<section data-section="x"><svg class="chart" data-chart="c"><rect class="swatch"/><text>0%</text></svg>'
    with pytest.raises(AssertionError, match="charts without a single bar or line: c"):
        assert_charts_not_empty(with_marks + empty)


def test_report_refuses_a_warehouse_without_the_tables_or_of_another_day(tmp_path: Path) -> None:
    database = build_warehouse(tmp_path / "warehouse.duckdb")
    settings = settings_for(tmp_path, database)
    with pytest.raises(ReportError, match="holds scores as of 2026-05-04, not 2026-05-05"):
        write_report(settings, date(2026, 5, 5))
    with duckdb.connect(str(database)) as db:
        db.execute("drop table rpt_mql_velocity")
    with pytest.raises(ReportError, match="has no rpt_mql_velocity"):
        write_report(settings, AS_OF)
    assert not (tmp_path / "reports").exists()


def test_report_command_rebuilds_the_day_or_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = build_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("LEADSCORE_DUCKDB_PATH", str(database))
    monkeypatch.setenv("LEADSCORE_REPORTS_DIR", str(tmp_path / "reports"))
    runner = CliRunner()

    done = runner.invoke(app, ["report", "--as-of", "2026-05-04"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "reports" / "2026-05-04" / "report.html").exists()

    other_day = runner.invoke(app, ["report", "--as-of", "2026-05-05"])
    assert other_day.exit_code == 2
    assert "leadscore run --as-of 2026-05-05" in other_day.output and "not 2026-05-05" in other_day.output
    assert "without rebuilding any model" in " ".join(runner.invoke(app, ["report", "--help"]).output.split())


def test_the_flow_links_the_report_as_an_artifact(prefect_harness: None, tmp_path: Path) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from leadscore.running.daily_flow import RunSummary, _artifacts

    # a day no other test scores: the Prefect test server is shared by the whole session, and
    # artifacts with one key accumulate across its flow runs
    folder = tmp_path / "reports" / "2031-01-02"
    summary = RunSummary(
        as_of="2031-01-02",
        leads_scored=4,
        mqls=3,
        new_mqls=1,
        grade_changes=0,
        previous_day=None,
        models_built=1,
        tests_passed=1,
        published=[],
        report_dir=str(folder),
        duration_seconds=1.0,
    )
    flow(name="report-artifact")(_artifacts)(summary)

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["lead-scoring-2031-01-02-report"]))
        )
    # Prefect stores a link artifact as the markdown link
    assert [artifact.data for artifact in artifacts] == [
        f"[Lead scoring report as of 2031-01-02]({(folder / 'report.html').as_uri()})"
    ]
