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
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb

SITE = "https://www.acme-analytics.example"
DAY = 86_400
WEEK = 7 * DAY

EVENT_TYPES: tuple[str, ...] = (
    "page_view",
    "email_sent",
    "email_open",
    "email_click",
    "content_download",
    "webinar_registration",
    "webinar_attendance",
    "social_engagement",
    "form_submission",
    "demo_request",
    "contact_sales",
    "unsubscribe",
    "email_bounce",
)
EV = {name: code for code, name in enumerate(EVENT_TYPES)}

# Streams: each lead's events are concatenated from these, and the stream id picks attributes.
S_EMAIL, S_BLOG, S_GENERAL, S_SOCIAL, S_CAREERS = 0, 1, 2, 3, 4
S_PRODUCT, S_PRICING, S_CONTENT, S_WEBINAR, S_DEMO, S_CONTACT = 5, 6, 7, 8, 9, 10

PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com")
COMPETITORS = (("Rival Analytics", "rival-analytics"), ("Competitor CRM", "competitor-crm"))

# (value, weight, contribution to the fit log-odds)
INDUSTRIES = (
    ("software", 18, 0.6), ("financial_services", 12, 0.5), ("healthcare", 10, 0.1),
    ("manufacturing", 12, 0.1), ("retail", 9, 0.0), ("education", 7, -0.5),
    ("government", 5, -0.6), ("media", 6, 0.0), ("professional_services", 10, 0.4),
    ("telecommunications", 5, 0.4), ("nonprofit", 6, -0.7),
)
SENIORITIES = (
    ("executive", 6, 1.0), ("vp", 7, 1.0), ("director", 13, 0.8), ("manager", 24, 0.4),
    ("individual_contributor", 46, 0.0), ("student", 4, -3.0),
)
BUSINESS_MODELS = (("b2b", 62, 0.5), ("b2c", 22, -0.5), ("b2b2c", 16, 0.1))
# upper bound of employee_count (exclusive), fit contribution
SIZE_FIT = ((10, -1.0), (50, -0.3), (200, 0.2), (1000, 0.6), (5000, 0.8), (None, 0.5))
PERSONAL_FIT, COMPETITOR_FIT, NO_ACCOUNT_FIT = -1.5, -5.0, -0.3

DEPARTMENTS = (
    ("marketing", 22), ("sales", 16), ("it", 13), ("engineering", 13), ("finance", 9),
    ("operations", 10), ("hr", 6), ("other", 11),
)
EXECUTIVE_DEPARTMENTS = (
    ("executive", 45), ("marketing", 9), ("sales", 9), ("it", 7), ("engineering", 8),
    ("finance", 10), ("operations", 8), ("hr", 4),
)
LEAD_SOURCES = (
    ("organic_search", 20), ("paid_search", 14), ("paid_social", 10), ("referral", 6),
    ("webinar", 8), ("event", 6), ("partner", 5), ("outbound", 10), ("direct", 11),
    ("content_syndication", 10),
)
COUNTRIES = (
    ("US", 35), ("GB", 10), ("DE", 9), ("FR", 6), ("NL", 4), ("ES", 4), ("IN", 8), ("BR", 5),
    ("AU", 5), ("CA", 6), ("JP", 4), ("SG", 4),
)
COUNTRY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
    "IN": "India", "BR": "Brazil",
}
DEVICES = (("desktop", 68), ("mobile", 27), ("tablet", 5))

DEPARTMENT_LABELS = {
    "marketing": "Marketing", "sales": "Sales", "it": "IT", "engineering": "Engineering",
    "finance": "Finance", "operations": "Operations", "hr": "People", "other": "Strategy",
    "executive": "Strategy",
}
EXECUTIVE_TITLES = {
    "executive": ("CEO", "Founder & CEO", "President"),
    "marketing": ("CMO", "Chief Marketing Officer"),
    "sales": ("Chief Revenue Officer", "CRO"),
    "it": ("CIO", "Chief Information Officer"),
    "engineering": ("CTO", "Chief Technology Officer"),
    "finance": ("CFO", "Chief Financial Officer"),
    "operations": ("COO", "Chief Operating Officer"),
    "hr": ("Chief People Officer", "CHRO"),
    "other": ("Managing Director", "Chief Strategy Officer"),
}
MANAGER_TITLES = {
    "marketing": ("Marketing Manager", "Demand Generation Manager", "Marketing Operations Manager"),
    "sales": ("Sales Manager", "Sales Operations Manager", "Regional Sales Manager"),
    "it": ("IT Manager", "BI Manager", "Data Platform Manager"),
    "engineering": ("Engineering Manager", "Data Engineering Manager", "Product Manager"),
    "finance": ("Finance Manager", "FP&A Manager", "Controller"),
    "operations": ("Operations Manager", "Revenue Operations Manager", "Project Manager"),
    "hr": ("HR Manager", "Talent Acquisition Manager", "People Operations Manager"),
    "other": ("Project Manager", "Office Manager", "Account Manager"),
}
CONTRIBUTOR_TITLES = {
    "marketing": ("Marketing Specialist", "Marketing Analyst", "Content Marketer"),
    "sales": ("Account Executive", "Sales Development Representative", "Business Development Representative"),
    "it": ("Data Analyst", "Systems Administrator", "BI Developer"),
    "engineering": ("Software Engineer", "Data Engineer", "Data Scientist"),
    "finance": ("Financial Analyst", "Accountant", "Finance Associate"),
    "operations": ("Operations Analyst", "RevOps Analyst", "Business Analyst"),
    "hr": ("HR Specialist", "Recruiter", "HR Generalist"),
    "other": ("Consultant", "Analyst", "Research Associate"),
}

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Thomas", "Jessica", "Daniel", "Sarah",
    "Matthew", "Karen", "Anthony", "Nancy", "Mark", "Lisa", "Paul", "Emma", "Oliver", "Sophie",
    "Lukas", "Anna", "Felix", "Lea", "Hugo", "Chloe", "Louis", "Camille", "Pablo", "Lucia",
    "Javier", "Carmen", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Neha", "Lucas", "Ana",
    "Gabriel", "Beatriz", "Rafael", "Juliana", "Haruto", "Yui", "Kenji", "Sakura", "Wei", "Mei",
    "Daan", "Sanne", "Noah", "Mia", "Liam", "Olivia", "Ethan", "Ava", "Mateo", "Isabella",
    "Samuel", "Grace", "Omar", "Fatima", "Ivan", "Elena", "Tomas", "Nina", "Jonas", "Hanna",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
    "Carter", "Phillips", "Evans", "Mueller", "Schmidt", "Schneider", "Fischer", "Weber",
    "Meyer", "Wagner", "Becker", "Dubois", "Laurent", "Bernard", "Moreau", "Fernandez", "Lopez",
    "Sanchez", "Perez", "Sharma", "Patel", "Gupta", "Singh", "Kumar", "Reddy", "Silva", "Santos",
    "Oliveira", "Souza", "Costa", "Sato", "Suzuki", "Tanaka", "Watanabe", "Chen", "Wang", "Tan",
    "de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Novak", "Kowalski",
)
NAME_PREFIXES = (
    "North", "Blue", "Summit", "Bright", "Iron", "Silver", "Green", "Apex", "Cedar", "Harbor",
    "Pioneer", "Quantum", "Red", "Stone", "River", "Atlas", "Nova", "Vertex", "Crystal", "Golden",
    "Prime", "Swift", "Maple", "Oak", "Falcon", "Eagle", "Lumen", "Polar", "Solar", "Terra",
    "Urban", "Vista", "Zen", "Alpine", "Coastal", "Delta", "Echo", "Fusion", "Granite", "Horizon",
    "Indigo", "Juniper", "Keystone", "Lake", "Meridian", "Orbit", "Pacific", "Sky", "Tidal", "West",
)
NAME_ROOTS = (
    "wind", "field", "bridge", "point", "works", "path", "gate", "line", "peak", "forge", "light",
    "leaf", "rock", "star", "view", "port", "crest", "dale", "hill", "brook", "wood", "ridge",
    "spring", "mark", "shore", "land", "scope", "sphere", "stream", "core",
)
NAME_KINDS = (
    "Labs", "Systems", "Solutions", "Partners", "Group", "Digital", "Technologies", "Holdings",
    "Industries", "Networks",
)
COMPETITOR_UNITS = ("emea", "apac", "us", "uk", "de", "labs", "research", "sales")

BLOG_TOPICS = (
    "lead-scoring", "pipeline-forecasting", "marketing-attribution", "crm-hygiene",
    "sales-dashboards", "customer-churn", "data-warehouse", "revenue-operations", "account-based-marketing",
    "email-deliverability", "b2b-funnels", "kpi-design", "cohort-analysis", "ab-testing",
    "data-quality", "sales-enablement", "intent-data", "product-analytics", "win-loss-analysis",
    "quota-planning",
)
BLOG_FORMATS = ("guide-to", "mistakes-in", "checklist-for", "trends-in", "case-for", "faq-on")
PRODUCT_PAGES = (
    "analytics-suite", "crm-platform", "dashboards", "forecasting", "pipeline", "attribution",
    "ai-insights", "workflow-automation",
)
FEATURE_PAGES = (
    "lead-scoring", "custom-reports", "alerts", "data-sync", "role-permissions", "sso",
    "api-access", "mobile-app", "embedded-analytics", "audit-log",
)
INTEGRATION_PAGES = (
    "salesforce", "hubspot", "slack", "snowflake", "bigquery", "redshift", "marketo", "zendesk",
    "stripe", "google-ads", "linkedin-ads", "segment", "dbt", "microsoft-teams", "zapier",
)
CASE_STUDIES = (
    "northwind-traders", "globex", "initech", "umbrella-health", "stark-industries",
    "wayne-financial", "acme-retail", "hooli", "vandelay-imports", "soylent-foods",
    "cyberdyne-systems", "tyrell-corp",
)
DOC_PAGES = (
    "getting-started", "installation", "data-sources", "dashboards", "api", "api/authentication",
    "api/webhooks", "sso-setup", "permissions", "scoring-rules", "imports", "exports",
    "salesforce-sync", "hubspot-sync", "faq", "release-notes", "troubleshooting", "limits",
    "billing", "security", "glossary", "sql-editor", "alerts", "embedding", "mobile",
    "changelog", "migrations", "best-practices", "support", "status",
)
CAREER_PAGES = (
    "senior-data-engineer", "account-executive", "product-designer", "sales-development-rep",
    "customer-success-manager", "backend-engineer", "frontend-engineer", "marketing-manager",
    "solutions-engineer", "data-scientist", "recruiter", "finance-analyst",
)
# (title, landing page path): gated content behind a form
CONTENT = (
    ("The State of B2B Analytics 2025 (whitepaper)", "/blog/trends-in-b2b-funnels"),
    ("CRM Buyer's Guide (ebook)", "/product/crm-platform"),
    ("Lead Scoring Playbook (ebook)", "/features/lead-scoring"),
    ("Forecasting Accuracy Benchmark (report)", "/product/forecasting"),
    ("Analytics Suite Datasheet", "/product/analytics-suite"),
    ("ROI Calculator Workbook", "/pricing"),
    ("Globex Case Study (pdf)", "/customers/globex"),
    ("Umbrella Health Case Study (pdf)", "/customers/umbrella-health"),
    ("Data Warehouse Sync Whitepaper", "/features/data-sync"),
    ("Security & Compliance Overview", "/docs/security"),
    ("Attribution Modeling Guide (ebook)", "/blog/guide-to-marketing-attribution"),
    ("Revenue Operations Maturity Model (report)", "/blog/guide-to-revenue-operations"),
)
WEBINARS = (
    "Lead Scoring in Practice", "Forecasting Without Spreadsheets", "From CRM Chaos to Clean Pipeline",
    "Attribution That Finance Trusts", "Analytics Suite Live Demo", "Building a RevOps Data Stack",
    "Customer Panel: Scaling Sales Analytics", "What's New in Acme Analytics",
)
PAID_CAMPAIGNS = (
    "brand_search", "competitor_search", "generic_analytics_search", "linkedin_abm",
    "retargeting_display", "g2_listing", "capterra_listing", "podcast_sponsorship",
)
SYNDICATION_CAMPAIGNS = (
    "content_syndication_techtarget", "content_syndication_integrate", "content_syndication_netline",
)
SOCIAL_CAMPAIGNS = ("linkedin_organic", "x_organic", "youtube_channel", "linkedin_employee_advocacy")
THURSDAY_CAMPAIGNS = ("product_update", "webinar_invite", "customer_story", "nurture_roi_guide")

BUYER_NEEDS = (
    "Replace spreadsheets for pipeline reporting", "Need a CRM for a growing sales team",
    "Consolidate marketing analytics", "Evaluating vendors this quarter",
    "Current tool contract ends soon", "Need forecasting for the board",
)
BROWSER_NEEDS = (
    "Just researching", "Learning about lead scoring", "Benchmarking tools", "Curious about pricing",
)
STUDENT_NEEDS = ("University project", "Thesis research", "Learning data analytics")
REJECTION_FALLBACK = ("Bad timing", "No budget", "Duplicate")
LOST_REASONS = (("Chose competitor", 40), ("Price", 30), ("No decision", 30))

# The buying journey: when a lead is in the market and does what the scoring seeds reward.
JOURNEY_START_MEAN_DAYS = 20  # after the lead was created (leads older than the window: any day of it)
JOURNEY_MIN_DAYS, JOURNEY_EXTRA_MEAN_DAYS = 20, 40  # length: the minimum plus an exponential
PRICING_FROM = 0.4  # pricing pages in the later part of the journey (share of its length)
HAND_RAISE_DAYS = 7  # demo requests and contact sales in the journey's last days
JOURNEY_INTENSITY = 0.435  # scales the journey's product, pricing, content and webinar events
# A lead is engaged (reads the blog, opens e-mail, engages on social) mostly from when it was
# created, or shortly before its journey, to a while after the journey; then it goes quiet.
ENGAGED_LEAD_IN_MEAN_DAYS, ENGAGED_TAIL_MEAN_DAYS = 30, 15
QUIET_SHARE = 0.05  # share of a lead's blog, site and social activity at any time of the window
QUIET_OPEN_FACTOR = 0.05  # e-mail open rate outside the engaged period, relative to inside
SQL_DELAY_MEAN_DAYS = 10  # sales accepts the lead this long (mean, exponential) after the journey

# Conversion model (log-odds): the chance that a journey ends at sql is set by fit and by what the
# lead did on it, never by the latent intent directly. Tuned so ~8-15% of leads reach sql, ~35% of
# sqls reach opportunity and ~30% of opportunities are won.
SQL_INTERCEPT, SQL_FIT = -6.5, 1.5
# (driver, journey count, log-odds of the first, of each repeat, at most): shaped like the
# behaviour seeds (points, repeat points, cap), with weights of their own
JOURNEY_DRIVERS: tuple[tuple[str, str, float, float, float], ...] = (
    ("hand_raise", "n_demo + n_contact", 3.0, 0.3, 3.3),
    ("content", "n_content", 2.2, 0.3, 2.8),
    ("webinar", "n_webinar", 1.8, 0.3, 2.4),
    ("pricing", "n_pricing", 1.4, 0.4, 2.2),
    ("product", "n_product", 0.5, 0.2, 1.3),
)
# Sales rejects a journey that ended without sql: chance by what the lead showed
REJECTED_BAD_FIT_NOTICED, REJECTED_BAD_FIT = 0.7, 0.05  # students, competitors, personal e-mail
REJECTED_HAND_RAISER, REJECTED_BUSY_JOURNEY, REJECTED_OTHER = 0.6, 0.4, 0.004
OPP_INTERCEPT, OPP_FIT, OPP_INTENT = -1.9, 0.5, 0.6
WON_INTERCEPT, WON_FIT, WON_INTENT = -1.85, 0.4, 0.4

GENERATOR_THREADS = 2
SCRATCH_ROW_GROUP = 8192

# Mean e-mail and web events per lead at scale 1; used to scale streams to events_per_lead.
EMAIL_EVENTS_AT_SCALE_1 = 23.47
WEB_EVENTS_AT_SCALE_1 = 12.67


@dataclass(frozen=True)
class _Plan:
    """Every number the SQL needs, derived once from the arguments."""

    leads: int
    accounts: int
    seed: int
    end_date: date
    start_date: date
    start_s: int
    end_s: int
    first_tuesday: date
    weeks: int
    first_wednesday: date
    email_scale: float
    web_scale: float


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
    plan = _make_plan(leads, seed, end_date or datetime.now(UTC).date(), events_per_lead, history_days)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp_dir = out_dir / ".tmp"
    report = progress or (lambda _step: None)
    con = _connect(tmp_dir)
    try:
        _create_macros(con, plan)
        counts: dict[str, int] = {}
        report("accounts")
        con.execute(_accounts_sql(plan))
        counts["accounts"] = _copy(con, _accounts_output_sql(), out_dir / f"accounts.{file_format}", file_format)
        report("leads")
        con.execute(_titles_sql())
        con.execute(_leads_sql(plan))
        counts["leads"] = _copy(con, _leads_output_sql(), out_dir / f"leads.{file_format}", file_format)
        for statement in _lead_state_sql():
            con.execute(statement)
        report("events")
        con.execute(_event_lists_sql(plan))
        for statement in _event_offsets_sql():
            con.execute(statement)
        counts["events"] = _copy(con, _events_output_sql(plan), out_dir / f"events.{file_format}", file_format)
        con.execute(_truth_events_sql(plan))
        con.execute("drop table scratch.ev_lists")
        report("lifecycle")
        counts["lifecycle"] = _copy(con, _lifecycle_sql(), out_dir / f"lifecycle.{file_format}", file_format)
        truth = _truth(con, plan, counts, file_format, events_per_lead, _window_effects(con, plan))
    finally:
        con.close()
        shutil.rmtree(tmp_dir, ignore_errors=True)
    (out_dir / "demo_truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return counts


def _make_plan(leads: int, seed: int, end_date: date, events_per_lead: float, history_days: int = 365) -> _Plan:
    start_date = end_date - timedelta(days=history_days - 1)
    first_tuesday = start_date + timedelta(days=(1 - start_date.weekday()) % 7)
    first_wednesday = start_date + timedelta(days=(2 - start_date.weekday()) % 7)
    # Up to 50 events per lead the e-mail share stays constant; above it only web activity grows.
    email_scale = min(1.0, events_per_lead / 50.0)
    web_scale = (events_per_lead - EMAIL_EVENTS_AT_SCALE_1 * email_scale) / WEB_EVENTS_AT_SCALE_1
    return _Plan(
        leads=leads,
        accounts=max(1, round(leads / 8)),
        seed=seed,
        end_date=end_date,
        start_date=start_date,
        start_s=_epoch(start_date, time(0, 0, 0)),
        end_s=_epoch(end_date, time(23, 59, 59)),
        first_tuesday=first_tuesday,
        weeks=(end_date - first_tuesday).days // 7 + 1,
        first_wednesday=first_wednesday,
        email_scale=email_scale,
        web_scale=web_scale,
    )


def _epoch(day: date, at: time) -> int:
    return int(datetime.combine(day, at, tzinfo=UTC).timestamp())


def _connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    # a scratch database left by an interrupted run would still hold its tables
    shutil.rmtree(tmp_dir, ignore_errors=True)
    tmp_dir.mkdir(parents=True)
    con = duckdb.connect(":memory:")
    con.execute("set memory_limit = '3GB'")
    # A fixed thread count keeps the parquet row groups, and so the bytes, the same on any
    # machine: a single thread writes row groups of a different size.
    con.execute(f"set threads = {GENERATOR_THREADS}")
    con.execute(f"set temp_directory = {_lit(str(tmp_dir))}")
    # Output order is part of the determinism contract.
    con.execute("set preserve_insertion_order = true")
    # The per-lead event lists live in a scratch database with small row groups: a row group is
    # the unit of ordered output, and one of 122,880 leads unnests to ~6M events that the ordered
    # COPY would hold in memory at once.
    scratch = tmp_dir / "scratch.duckdb"
    con.execute(f"attach {_lit(str(scratch))} as scratch (row_group_size {SCRATCH_ROW_GROUP})")
    return con


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path, file_format: str) -> int:
    if file_format == "csv":
        options = "format csv, header true, delimiter ',', timestampformat '%Y-%m-%d %H:%M:%S'"
    else:
        options = "format parquet, compression zstd"
    row = con.execute(f"copy ({query}) to {_lit(str(path))} ({options})").fetchone()
    return int(row[0]) if row else 0


# ---------------------------------------------------------------------------------------------
# SQL building blocks


def _lit(value: str | None) -> str:
    if value is None:
        return "null"
    return "'" + value.replace("'", "''") + "'"


def _list(values: Sequence[str | None]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _pick(uniform: str, choices: Sequence[tuple[str, float]]) -> str:
    """A weighted categorical draw from a uniform [0, 1) expression."""
    total = float(sum(weight for _, weight in choices))
    branches, cumulative = [], 0.0
    for value, weight in choices[:-1]:
        cumulative += weight / total
        branches.append(f"when {uniform} < {cumulative:.6f} then {_lit(value)}")
    return f"(case {' '.join(branches)} else {_lit(choices[-1][0])} end)"


def _lookup(expr: str, mapping: Sequence[tuple[str, float]], default: float = 0.0) -> str:
    branches = " ".join(f"when {_lit(key)} then {value}" for key, value in mapping)
    return f"(case {expr} {branches} else {default} end)"


def _element(values: Sequence[str | None], uniform: str) -> str:
    """A uniform pick from a constant list."""
    return f"{_list(values)}[1 + floor({uniform} * {len(values)})::integer]"


def _create_macros(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    seed = plan.seed
    macros = [
        # DuckDB combines the hashes of several arguments by xor-ing the last one in, so two salts
        # would give bit-wise related draws; hashing the result again mixes them apart.
        f"create temp macro h(a, b, salt) as hash(hash({int(seed)}::bigint, a::bigint, b::bigint, salt))",
        # a uniform [0, 1) from n bits of a hash, starting at bit off
        "create temp macro bits(x, off, n) as "
        "(((x >> off) & ((1::ubigint << n) - 1))::double / (1::ubigint << n)::double)",
        "create temp macro u(a, b, salt) as bits(h(a, b, salt), 11, 53)",
        "create temp macro zn(a, b, salt) as "
        "(sqrt(-2.0 * ln(1.0 - bits(h(a, b, salt), 0, 32))) * cos(2.0 * pi() * bits(h(a, b, salt), 32, 32)))",
        "create temp macro expo(a, b, salt) as (-ln(1.0 - u(a, b, salt)))",
        # heavy tailed count with mean m: an exponential scaled by m, randomly rounded
        "create temp macro cnt(m, a, b, salt) as "
        "floor(m * -ln(1.0 - bits(h(a, b, salt), 0, 32)) + bits(h(a, b, salt), 32, 32))::integer",
        "create temp macro sigmoid(x) as (1.0 / (1.0 + exp(-x)))",
        # seconds into a day: mostly working hours peaking early afternoon, some at any time
        "create temp macro tod(x) as (case when bits(x, 0, 8) < 0.85 "
        "then 28800 + (bits(x, 8, 28) + bits(x, 36, 28)) * 18000 "
        "else bits(x, 8, 28) * 86400 end)::bigint",
        # a day in [lo_d, hi_d]; most weekend days move to a weekday of the same week
        "create temp macro pick_day(lo_d, hi_d, x) as "
        "(lo_d + floor(bits(x, 0, 24) * (hi_d - lo_d + 1))::bigint)",
        "create temp macro weekday_shift(d, x) as (case "
        "when (d + 4) % 7 = 6 and bits(x, 24, 8) < 0.65 then -1 - ((x >> 32) % 5)::bigint "
        "when (d + 4) % 7 = 0 and bits(x, 24, 8) < 0.65 then 1 + ((x >> 32) % 5)::bigint "
        "else 0 end)",
        "create temp macro shifted_day(lo_d, hi_d, x) as (case "
        "when pick_day(lo_d, hi_d, x) + weekday_shift(pick_day(lo_d, hi_d, x), x) between lo_d and hi_d "
        "then pick_day(lo_d, hi_d, x) + weekday_shift(pick_day(lo_d, hi_d, x), x) "
        "else pick_day(lo_d, hi_d, x) end)",
        # an event time in [lo, hi] (epoch seconds) with the weekly and daily rhythm
        "create temp macro evt_time(lo, hi, x1, x2) as greatest(lo, least(hi, "
        f"shifted_day(lo // {DAY}, hi // {DAY}, x1) * {DAY} + tod(x2)))",
        # event times are kept as seconds since the window start, to keep the per-lead lists small
        f"create temp macro window_seconds(t) as (t - {plan.start_s})::integer",
        f"create temp macro window_timestamp(t) as make_timestamp((t::bigint + {plan.start_s}) * 1000000)",
    ]
    for macro in macros:
        con.execute(macro)


# ---------------------------------------------------------------------------------------------
# Accounts


def _accounts_sql(plan: _Plan) -> str:
    industry = _pick("r_industry", [(v, w) for v, w, _ in INDUSTRIES])
    model = _pick("r_model", [(v, w) for v, w, _ in BUSINESS_MODELS])
    revenue_factor = _lookup(
        "industry",
        [("software", 1.3), ("financial_services", 1.8), ("retail", 0.8), ("education", 0.5),
         ("government", 0.6), ("nonprofit", 0.4), ("telecommunications", 1.5)],
        1.0,
    )
    competitor_name = f"{_list([n for n, _ in COMPETITORS])}[1 + (competitor_ix)]"
    competitor_stem = f"{_list([s for _, s in COMPETITORS])}[1 + (competitor_ix)]"
    return f"""
    create temp table acc as
    with draws as (
        select
            i as account_num,
            -- about 1% competitors; accounts 7 and 11 always are, so small data sets have some
            u(i, 0, 'acc_competitor') < 0.01 or i in (7, 11) as is_competitor,
            case i when 7 then 0 when 11 then 1
                else (h(i, 0, 'acc_competitor_ix') % {len(COMPETITORS)})::integer end as competitor_ix,
            u(i, 0, 'acc_industry') as r_industry,
            u(i, 0, 'acc_model') as r_model,
            u(i, 0, 'acc_country') as r_country,
            zn(i, 0, 'acc_size') as z_size,
            zn(i, 0, 'acc_revenue') as z_revenue,
            {_element(NAME_PREFIXES, "u(i, 0, 'acc_w1')")} as w1,
            {_element(NAME_ROOTS, "u(i, 0, 'acc_w2')")} as w2,
            {_element(NAME_KINDS, "u(i, 0, 'acc_w3')")} as w3
        from range(1, {plan.accounts} + 1) t(i)
    ),
    attrs as (
        select
            account_num,
            is_competitor,
            case when is_competitor then 'software' else {industry} end as industry,
            case when is_competitor then 'b2b' else {model} end as business_model,
            {_pick("r_country", COUNTRIES)} as country,
            -- log-normal size, median 120 employees, clipped to 1..200000; competitors are not tiny
            least(200000, greatest(case when is_competitor then 300 else 1 end,
                round(exp(ln(120) + 1.8 * z_size))))::integer as employee_count,
            z_revenue,
            case when is_competitor then {competitor_name} else w1 || w2 || ' ' || w3 end as name,
            case when is_competitor then {competitor_stem} else lower(w1 || w2 || w3) end as stem
        from draws
    ),
    numbered as (
        select *, row_number() over (partition by stem order by account_num) as rn from attrs
    )
    select
        account_num,
        printf('A%06d', account_num) as account_id,
        name,
        case
            when is_competitor and rn = 1 then stem || '.example'
            -- competitor subsidiaries: own sub-domain, staff still mail from the parent domain
            when is_competitor then {_list(COMPETITOR_UNITS)}[1 + (rn - 2) % {len(COMPETITOR_UNITS)}]
                || ((rn - 2) // {len(COMPETITOR_UNITS)} + 1)::varchar || '.' || stem || '.example'
            when rn = 1 then stem || '.example'
            else stem || rn::varchar || '.example'
        end as domain,
        case when is_competitor then stem || '.example' end as mail_domain,
        industry,
        employee_count,
        (round(employee_count * exp(ln(180000) + 0.5 * z_revenue) * {revenue_factor}, -3))::decimal(18, 2)
            as annual_revenue,
        country,
        business_model,
        is_competitor,
        -- bigger companies have more leads in the database; integer weights keep the sums exact
        round(sqrt(employee_count) * 1000)::bigint as pick_weight,
        coalesce(sum(round(sqrt(employee_count) * 1000)::bigint) over (
            order by account_num rows between unbounded preceding and 1 preceding), 0) as pick_from
    from numbered
    order by account_num
    """


def _accounts_output_sql() -> str:
    return """
    select account_id, name, domain, industry, employee_count, annual_revenue, country, business_model
    from acc
    order by account_num
    """


# ---------------------------------------------------------------------------------------------
# Leads


def _titles_sql() -> str:
    rows: list[str] = []
    for seniority, _, _ in SENIORITIES:
        for department in DEPARTMENT_LABELS:
            titles = _titles_for(seniority, department)
            for idx in range(3):
                rows.append(f"({_lit(seniority)}, {_lit(department)}, {idx}, {_lit(titles[idx % len(titles)])})")
    return (
        "create temp table titles as select * from "
        f"(values {', '.join(rows)}) t(title_seniority, title_department, title_idx_, title)"
    )


def _titles_for(seniority: str, department: str) -> tuple[str, ...]:
    label = DEPARTMENT_LABELS[department]
    if seniority == "executive":
        return EXECUTIVE_TITLES[department]
    if seniority == "vp":
        return (f"VP of {label}", f"VP {label}", f"Vice President, {label}")
    if seniority == "director":
        return (f"Director of {label}", f"{label} Director", f"Senior Director, {label}")
    if seniority == "manager":
        return MANAGER_TITLES.get(department, MANAGER_TITLES["other"])
    if seniority == "individual_contributor":
        return CONTRIBUTOR_TITLES.get(department, CONTRIBUTOR_TITLES["other"])
    return ("Student", "Student", "Graduate Student")


def _fit_sql() -> str:
    size = " ".join(
        f"when h_employees < {bound} then {value}" for bound, value in SIZE_FIT if bound is not None
    )
    return (
        f"{_lookup('seniority', [(v, f) for v, _, f in SENIORITIES])}"
        f" + {_lookup('h_industry', [(v, f) for v, _, f in INDUSTRIES])}"
        f" + (case {size} else {SIZE_FIT[-1][1]} end)"
        f" + {_lookup('h_model', [(v, f) for v, _, f in BUSINESS_MODELS])}"
        f" + (case when is_personal then {PERSONAL_FIT} else 0 end)"
        f" + (case when is_competitor then {COMPETITOR_FIT} else 0 end)"
        f" + (case when account_num is null then {NO_ACCOUNT_FIT} else 0 end)"
    )


def _sql_logit_sql() -> str:
    terms = " ".join(
        f"+ (case when {count} > 0 then least({cap}, {first} + {repeat} * ({count} - 1)) else 0 end)"
        for _, count, first, repeat, cap in JOURNEY_DRIVERS
    )
    return f"{SQL_INTERCEPT} + {SQL_FIT} * fit {terms}"


def _leads_sql(plan: _Plan) -> str:
    end_d = plan.end_s // DAY
    country_name = " ".join(f"when {_lit(k)} then {_lit(v)}" for k, v in COUNTRY_NAMES.items())
    email_units = f"greatest(0, {plan.weeks} - w0) * 2"
    journey_scale = JOURNEY_INTENSITY * plan.web_scale
    return f"""
    create temp table leads_g as
    with draws as (
        select
            i as lead_num,
            u(i, 0, 'has_account') >= 0.10 as has_account,
            floor(u(i, 0, 'account_pick') * (select sum(pick_weight) from acc))::bigint as account_pick,
            u(i, 0, 'seniority') as r_seniority,
            u(i, 0, 'department') as r_department,
            (h(i, 0, 'title') % 3)::integer as title_idx,
            u(i, 0, 'personal') as r_personal,
            u(i, 0, 'country') as r_country,
            u(i, 0, 'country_own') as r_country_own,
            u(i, 0, 'country_name') as r_country_name,
            u(i, 0, 'source') as r_source,
            u(i, 0, 'interest') as r_interest,
            u(i, 0, 'budget') as r_budget,
            zn(i, 0, 'budget_size') as z_budget,
            u(i, 0, 'timeline') as r_timeline,
            zn(i, 0, 'timeline_noise') as z_timeline,
            u(i, 0, 'need') as r_need,
            u(i, 0, 'need_pick') as r_need_pick,
            u(i, 0, 'company_case') as r_company_case,
            {_element(FIRST_NAMES, "u(i, 0, 'first')")} as first_name,
            {_element(LAST_NAMES, "u(i, 0, 'last')")} as last_name,
            {_element(PERSONAL_DOMAINS, "u(i, 0, 'personal_domain')")} as personal_domain,
            (10 + h(i, 0, 'personal_number') % 90)::varchar as personal_number,
            {_element(NAME_PREFIXES, "u(i, 0, 'co_w1')")} || {_element(NAME_ROOTS, "u(i, 0, 'co_w2')")} as co_stem,
            {_element(NAME_KINDS, "u(i, 0, 'co_w3')")} as co_kind,
            -- hidden company traits of leads without an account
            least(200000, greatest(1, round(exp(ln(30) + 1.6 * zn(i, 0, 'h_size')))))::integer as free_employees,
            {_pick("u(i, 0, 'h_industry')", [(v, w) for v, w, _ in INDUSTRIES])} as free_industry,
            {_pick("u(i, 0, 'h_model')", [(v, w) for v, w, _ in BUSINESS_MODELS])} as free_model,
            -- 15% of leads were created before the one-year window
            case when u(i, 0, 'old') < 0.15
                then {end_d} - 365 - floor(u(i, 0, 'created_day') * 730)::bigint
                else {end_d} - floor(365 * pow(u(i, 0, 'created_day'), 1.3))::bigint
            end as created_d0,
            h(i, 0, 'created_shift') as x_created,
            h(i, 0, 'created_tod') as x_created_tod,
            zn(i, 0, 'intent') as intent_z,
            zn(i, 0, 'browse') as browse_z,
            zn(i, 0, 'social') as social_z,
            u(i, 0, 'reader') as reader,
            u(i, 0, 'job_seeker') < 0.04 as job_seeker,
            {_pick("u(i, 0, 'device')", DEVICES)} as device_pref
        from range(1, {plan.leads} + 1) t(i)
    ),
    picked as (
        select d.*, a.account_num as picked_account
        from draws d asof left join acc a on d.account_pick >= a.pick_from
    ),
    people as (
        select
            p.*,
            case when has_account then picked_account end as account_num,
            {_pick("r_seniority", [(v, w) for v, w, _ in SENIORITIES])} as seniority
        from picked p
    ),
    people2 as (
        select
            p.*,
            case seniority
                when 'student' then 'other'
                when 'executive' then {_pick("r_department", EXECUTIVE_DEPARTMENTS)}
                else {_pick("r_department", DEPARTMENTS)}
            end as department,
            r_personal < case when seniority = 'student' then 0.5 when account_num is null then 0.35 else 0.03 end
                as is_personal,
            coalesce(a.is_competitor, false) as is_competitor,
            coalesce(a.employee_count, free_employees) as h_employees,
            coalesce(a.industry, free_industry) as h_industry,
            coalesce(a.business_model, free_model) as h_model,
            a.account_id,
            a.industry as account_industry,
            a.business_model as account_model,
            a.employee_count,
            a.name as account_name,
            coalesce(a.mail_domain, a.domain) as account_domain,
            a.country as account_country
        from people p left join acc a using (account_num)
    ),
    timed as (
        select
            p.*,
            case when created_d0 + weekday_shift(created_d0, x_created) <= {end_d}
                then created_d0 + weekday_shift(created_d0, x_created) else created_d0 end as created_d
        from people2 p
    ),
    timed2 as (
        select
            t.*,
            created_d * {DAY} + tod(x_created_tod) as created_s,
            greatest(created_d * {DAY} + tod(x_created_tod), {plan.start_s}) as a0
        from timed t
    ),
    traits as (
        select
            t.*,
            {_fit_sql()} as fit,
            0.3 + 0.7 * ({plan.end_s} - a0) / {365 * DAY}.0 as exposure,
            -- the buying journey: leads created in the window start it soon after they were
            -- created, leads created before the window at any time of it
            case when created_s < {plan.start_s}
                then {plan.start_s} + floor(u(lead_num, 0, 'journey_start')
                    * {plan.end_s - plan.start_s + JOURNEY_START_MEAN_DAYS * DAY})::bigint
                else a0 + floor(expo(lead_num, 0, 'journey_start') * {JOURNEY_START_MEAN_DAYS * DAY})::bigint
            end as journey_start,
            {JOURNEY_MIN_DAYS * DAY} + floor(expo(lead_num, 0, 'journey_len') * {JOURNEY_EXTRA_MEAN_DAYS * DAY})::bigint
                as journey_len
        from timed2 t
    ),
    journeys as (
        select
            t.*,
            -- the journey may run past end_date: its later events and outcome are not known yet
            journey_start + journey_len as journey_end,
            case when created_s < {plan.start_s}
                then greatest(a0, journey_start
                    - floor(expo(lead_num, 0, 'engaged_lead_in') * {ENGAGED_LEAD_IN_MEAN_DAYS * DAY})::bigint)
                else a0
            end as engaged_start,
            journey_start + journey_len
                + floor(expo(lead_num, 0, 'engaged_tail') * {ENGAGED_TAIL_MEAN_DAYS * DAY})::bigint as engaged_end,
            journey_start + floor({PRICING_FROM} * journey_len)::bigint as pricing_start,
            greatest(journey_start, journey_start + journey_len - {HAND_RAISE_DAYS * DAY}) as hand_raise_start,
            greatest(0, floor((created_s - {_epoch(plan.first_tuesday, time(0))}) / {WEEK}))::integer as w0,
            u(lead_num, 0, 'subscribed') < {0.62 * plan.email_scale} as subscribed
        from traits t
    ),
    engaged as (
        select
            j.*,
            -- the e-mail weeks of the engaged period
            floor((engaged_start - {_epoch(plan.first_tuesday, time(0))}) / {WEEK})::integer as engaged_w0,
            floor((engaged_end - {_epoch(plan.first_tuesday, time(0))}) / {WEEK})::integer as engaged_w1
        from journeys j
    ),
    counts as (
        select
            b.*,
            case when subscribed then {email_units} else 0 end as n_email_units,
            case when subscribed and u(lead_num, 0, 'unsubscribes') < 0.04
                then w0 + floor(u(lead_num, 0, 'unsub_week') * greatest(1, {plan.weeks} - w0))::integer
                else 1000000 end as unsub_week,
            u(lead_num, 0, 'thursday_segment') < 0.45 as thu_seg,
            0.04 + 0.6 * reader * reader as p_open,
            sigmoid(-0.2 + 0.8 * intent_z) as p_attend,
            cnt({7.0 * plan.web_scale} * exp(0.9 * browse_z) * exposure, lead_num, 0, 'n_blog') as n_blog,
            cnt({3.2 * plan.web_scale} * exp(0.9 * browse_z) * exposure, lead_num, 0, 'n_general') as n_general,
            cnt({1.0 * plan.web_scale} * exp(1.0 * social_z) * exposure, lead_num, 0, 'n_social') as n_social,
            cnt((case when job_seeker then 5.0 else 0.03 end) * {plan.web_scale} * exposure, lead_num, 0, 'n_careers')
                as n_careers,
            cnt({1.2 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_product') as n_product,
            cnt({0.35 * journey_scale} * exp(1.3 * intent_z), lead_num, 0, 'n_pricing') as n_pricing,
            cnt({0.25 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_content') as n_content,
            cnt({0.12 * journey_scale} * exp(1.0 * intent_z), lead_num, 0, 'n_webinar') as n_webinar,
            (u(lead_num, 0, 'n_demo') < sigmoid(-4.0 + 1.5 * intent_z))::integer
                * (1 + (u(lead_num, 0, 'n_demo_again') < 0.15)::integer) as n_demo,
            (u(lead_num, 0, 'n_contact') < sigmoid(-4.6 + 1.3 * intent_z))::integer as n_contact
        from engaged b
    ),
    converted as (
        select
            c.*,
            -- the planted truth: sql at the end of the journey, with odds set by fit and by what
            -- the lead did on its journey (job seekers never convert)
            not job_seeker and u(lead_num, 0, 'cv_sql') < sigmoid({_sql_logit_sql()}) as converts,
            journey_end + 3600 + floor(expo(lead_num, 0, 'sql_delay') * {SQL_DELAY_MEAN_DAYS * DAY})::bigint as sql_s,
            u(lead_num, 0, 'cv_opp') < sigmoid({OPP_INTERCEPT} + {OPP_FIT} * fit + {OPP_INTENT} * intent_z)
                as pass_opp,
            u(lead_num, 0, 'cv_won') < sigmoid({WON_INTERCEPT} + {WON_FIT} * fit + {WON_INTENT} * intent_z)
                as pass_won
        from counts c
    ),
    staged as (
        select
            c.*,
            -- a conversion after end_date has not happened yet
            converts and sql_s <= {plan.end_s} as reach_sql,
            converts and sql_s <= {plan.end_s} and pass_opp as reach_opp,
            converts and sql_s <= {plan.end_s} and pass_opp and pass_won as won,
            converts and sql_s <= {plan.end_s} and pass_opp and not pass_won as lost,
            journey_end + 1800 + floor(expo(lead_num, 0, 'rej_delay') * {2 * DAY})::bigint as rejected_s,
            (n_demo + n_contact > 0) as hand_raiser,
            ((n_content > 0)::integer + (n_webinar > 0)::integer + (n_pricing > 0)::integer >= 2) as busy_journey,
            (is_competitor or seniority = 'student' or is_personal) as bad_fit
        from converted c
    ),
    staged2 as (
        select
            s.*,
            -- a stage that would naturally land after end_date is pulled into the time left
            sql_s + least(floor((2 + 10 * expo(lead_num, 0, 'opp_delay')) * {DAY})::bigint,
                floor(u(lead_num, 0, 'opp_left') * ({plan.end_s} - sql_s))::bigint) as opp_s,
            won and u(lead_num, 0, 'skip_sql') < 0.05 as skip_sql,
            -- sales looks at the leads that raised a hand or did much on their journey, and
            -- rejects many of those whose journey ended without sql
            not converts and rejected_s <= {plan.end_s} and u(lead_num, 0, 'rejected') < case
                when bad_fit and (hand_raiser or busy_journey) then {REJECTED_BAD_FIT_NOTICED}
                when bad_fit then {REJECTED_BAD_FIT}
                when hand_raiser then {REJECTED_HAND_RAISER}
                when busy_journey then {REJECTED_BUSY_JOURNEY}
                else {REJECTED_OTHER} end as rejected
        from staged s
    ),
    staged3 as (
        select
            s.*,
            opp_s + least(floor((10 + 40 * expo(lead_num, 0, 'close_delay')) * {DAY})::bigint,
                floor(u(lead_num, 0, 'close_left') * ({plan.end_s} - opp_s))::bigint) as close_s
        from staged2 s
    ),
    described as (
        select
            s.*,
            printf('L%07d', lead_num) as lead_id,
            coalesce(t.title, 'Consultant') as job_title,
            case
                when is_personal then personal_domain
                when account_num is not null then account_domain
                when seniority = 'student' then lower(co_stem) || '-university.example'
                else lower(co_stem) || '-' || lower(co_kind) || '.example'
            end as email_domain,
            case
                when account_num is not null and r_company_case < 0.04 then lower(account_name)
                when account_num is not null then account_name
                when seniority = 'student' then co_stem || ' University'
                else co_stem || ' ' || co_kind
            end as company_name,
            case when account_country is not null and r_country_own < 0.85 then account_country
                else {_pick("r_country", COUNTRIES)} end as country_code,
            {_pick("r_source", LEAD_SOURCES)} as lead_source,
            case
                when r_interest < 0.25 then null
                when r_interest < case when department = 'sales' then 0.35 else 0.62 end then 'analytics_suite'
                else 'crm_platform'
            end as product_interest,
            case when r_budget < 0.55 then null else
                greatest(500, round(exp(ln(3000) + 0.45 * ln(h_employees) + 0.7 * z_budget)
                    * case when seniority = 'student' then 0.05 else 1 end, -3))::decimal(12, 2)
            end as budget,
            case
                when r_timeline < 0.5 then null
                when seniority = 'student' or job_seeker then 'no_plans'
                when 0.8 * intent_z + 0.6 * z_timeline > 1.0 then 'this_quarter'
                when 0.8 * intent_z + 0.6 * z_timeline > 0.1 then 'next_quarter'
                when 0.8 * intent_z + 0.6 * z_timeline > -0.8 then '6_12_months'
                else 'no_plans'
            end as purchase_timeline,
            case
                when r_need < 0.6 then null
                when job_seeker then 'Exploring career opportunities'
                when is_competitor then 'Market research'
                when seniority = 'student' then {_element(STUDENT_NEEDS, 'r_need_pick')}
                when intent_z > 0.5 then {_element(BUYER_NEEDS, 'r_need_pick')}
                else {_element(BROWSER_NEEDS, 'r_need_pick')}
            end as stated_need
        from staged3 s
        left join titles t
            on t.title_seniority = s.seniority and t.title_department = s.department and t.title_idx_ = s.title_idx
    )
    select
        d.*,
        lower(replace(first_name, ' ', '')) || '.' || lower(replace(last_name, ' ', ''))
            || case when is_personal then personal_number else '' end || '@' || email_domain as email,
        case when r_country_name < 0.2 then case country_code {country_name} else country_code end
            else country_code end as country,
        case
            when is_competitor then 'Competitor'
            when seniority = 'student' then 'Student / not a buyer'
            when is_personal or h_employees < 20 then 'Not a fit - too small'
            when purchase_timeline = 'no_plans' then 'Bad timing'
            when budget < 5000 then 'No budget'
            else {_element(REJECTION_FALLBACK, "u(lead_num, 0, 'rej_reason')")}
        end as rejected_reason,
        {_pick("u(lead_num, 0, 'lost_reason')", LOST_REASONS)} as lost_reason
    from described d
    order by lead_num
    """


# What the events, lifecycle and truth steps need of a lead; the rest of leads_g is dropped
# after the leads file is written, to leave memory to the per-lead event lists.
LEAD_STATE_COLUMNS = (
    "lead_num", "lead_id", "created_s", "a0", "journey_start", "journey_len", "journey_end", "pricing_start",
    "hand_raise_start", "engaged_start", "engaged_end", "engaged_w0", "engaged_w1", "device_pref",
    "w0", "n_email_units", "unsub_week", "thu_seg", "p_open", "p_attend", "n_blog", "n_general",
    "n_social", "n_careers", "n_product", "n_pricing", "n_content", "n_webinar", "n_demo",
    "n_contact", "job_seeker", "bad_fit", "reach_sql", "reach_opp", "won", "lost", "skip_sql",
    "rejected", "sql_s", "opp_s", "close_s", "rejected_s", "rejected_reason", "lost_reason",
    "seniority", "account_industry", "account_model", "employee_count", "is_personal", "is_competitor",
)


def _lead_state_sql() -> tuple[str, ...]:
    return (
        f"create temp table lead_state as select {', '.join(LEAD_STATE_COLUMNS)} from leads_g order by lead_num",
        "drop table leads_g",
        "drop table acc",
        "drop table titles",
    )


def _leads_output_sql() -> str:
    return """
    select
        lead_id, email, first_name, last_name, make_timestamp(created_s * 1000000) as created_at,
        account_id, company_name, job_title, seniority, department, country, lead_source,
        product_interest, budget, purchase_timeline, stated_need
    from leads_g
    order by lead_num
    """


# ---------------------------------------------------------------------------------------------
# Events


def _event_struct(t: str, e: str | int, s: str | int, unit: str, v: str) -> str:
    """One event inside a lead's list; every stream must produce the same struct type."""
    return (
        f"{{'t': window_seconds({t}), 'e': ({e})::tinyint, 's': ({s})::tinyint, "
        f"'u': ({unit})::integer, 'v': ({v})::smallint}}"
    )


def _hashes(stream: int, names: Sequence[str]) -> str:
    """Per-unit hashes computed once, so later lambdas can reuse them as fields."""
    fields = ", ".join(f"'{n}': h(lead_num, {stream * 1_000_000_000}::bigint + k, 'ev_{n}')" for n in names)
    return f"lambda k: {{'k': k, {fields}}}"


def _single_stream(stream: int, count: str, lo: str, hi: str, event: int) -> str:
    """Streams of single page views or social actions spread over [lo, hi]."""
    struct = _event_struct(f"evt_time({lo}, {hi}, x.h1, x.h2)", event, stream, "x.k", "0")
    return f"list_transform(list_transform(range({count}), {_hashes(stream, ['h1', 'h2'])}), lambda x: {struct})"


def _engaged_stream(stream: int, count: str, event: int, plan: _Plan) -> str:
    """Single events mostly in the lead's engaged period up to end_date, QUIET_SHARE of them at
    any time; a lead engaged only after end_date (an old lead whose journey is still to come) is
    spread over its whole time. Their number, like the stream's, grows with the lead's time in the
    window, whatever part of it was engaged."""
    # h1's top bits: evt_time reads its low 32 bits and the high 32 only modulo 5
    quiet = f"(bits(x.h1, 48, 16) < {QUIET_SHARE} or engaged_start > {plan.end_s})"
    lo = f"(case when {quiet} then a0 else engaged_start end)"
    hi = f"(case when {quiet} then {plan.end_s} else least(engaged_end, {plan.end_s}) end)"
    struct = _event_struct(f"evt_time({lo}, {hi}, x.h1, x.h2)", event, stream, "x.k", "0")
    return f"list_transform(list_transform(range({count}), {_hashes(stream, ['h1', 'h2'])}), lambda x: {struct})"


def _paired_stream(stream: int, count: str, lo: str, hi: str, first: int, second: int) -> str:
    """Units of two events in [lo, hi]: a page or form first, the action a little later."""
    anchors = (
        f"lambda x: {{'k': x.k, 'at': evt_time({lo}, {hi}, x.h1, x.h2), "
        "'lead_in': 10 + floor(bits(x.h3, 0, 16) * 600)::bigint}"
    )
    pair = (
        f"[{_event_struct('greatest(a0, x.at - x.lead_in)', first, stream, 'x.k', '0')}, "
        f"{_event_struct('x.at', second, stream, 'x.k', '0')}]"
    )
    units = f"list_transform(list_transform(range({count}), {_hashes(stream, ['h1', 'h2', 'h3'])}), {anchors})"
    return f"flatten(list_transform({units}, lambda x: {pair}))"


def _webinar_stream(plan: _Plan) -> str:
    """Registration then attendance of a scheduled webinar (every other Wednesday, 16:00), at a
    moment of the lead's journey."""
    first = _epoch(plan.first_wednesday, time(16, 0))
    pick = "(journey_start + floor(bits(x.h1, 0, 32) * (journey_len + 1))::bigint)"
    # the last webinar starting (with its 5 minute jitter) no later than the picked moment
    j = f"floor(({pick} - {first} - 300) / {2 * WEEK})::bigint"
    sessions = (
        f"lambda x: {{'k': x.k, 'j': {j}, "
        f"'attend': {first} + {j} * {2 * WEEK} + floor(bits(x.h1, 32, 8) * 300)::bigint, "
        f"'lead_in': 3600 + floor(bits(x.h2, 0, 32) * {9 * DAY})::bigint, 'attended': bits(x.h2, 32, 16) < p_attend}}"
    )
    register = _event_struct("greatest(a0, x.attend - x.lead_in)", EV["webinar_registration"], S_WEBINAR, "x.k", "x.j")
    attend = _event_struct("x.attend", EV["webinar_attendance"], S_WEBINAR, "x.k", "x.j")
    units = f"list_transform(list_transform(range(n_webinar), {_hashes(S_WEBINAR, ['h1', 'h2'])}), {sessions})"
    held = f"list_filter({units}, lambda x: x.j >= 0 and x.attend >= a0)"
    both = f"case when x.attended then [{register}, {attend}] else [{register}] end"
    return f"flatten(list_transform({held}, lambda x: {both}))"


def _email_campaigns(plan: _Plan) -> str:
    """The campaigns a lead was sent, one struct each with everything its events need.

    Unit k of a lead is campaign v = 2 * week + c: c = 0 is the Tuesday newsletter at 10:00,
    c = 1 the Thursday campaign at 14:00. Built in stages (hashes, then the send) so that no
    expression runs more than once per campaign: e-mail is most of the generator's work.
    """
    first = _epoch(plan.first_tuesday, time(0))
    units = (
        "lambda k: {'w': w0 + k // 2, 'c': k % 2, "
        "'ha': h(lead_num, 2 * (w0 + k // 2) + k % 2, 'em_a'), "
        "'hb': h(lead_num, 2 * (w0 + k // 2) + k % 2, 'em_b')}"
    )
    send = f"({first} + x.w * {WEEK} + x.c * {2 * DAY + 4 * 3600} + 36000 + floor(bits(x.hb, 0, 16) * 1800)::bigint)"
    last_week = "(x.w = unsub_week and x.c = 0)"
    sends = (
        "lambda x: {"
        f"'v': 2 * x.w + x.c, 'send': {send}, "
        "'in_segment': (case when x.c = 0 then bits(x.ha, 0, 16) < 0.92 "
        f"else thu_seg and bits(x.ha, 0, 16) < 0.8 end) or {last_week}, "
        f"'subscribed': x.w < unsub_week or {last_week}, 'last': {last_week}, "
        "'bounced': bits(x.ha, 16, 16) < 0.02, "
        "'open_ok': bits(x.ha, 32, 16) < p_open * (case when x.w between engaged_w0 and engaged_w1 "
        f"then 1.0 else {QUIET_OPEN_FACTOR} end), "
        "'click_ok': bits(x.ha, 48, 16) < 0.15, "
        f"'open_t': {send} + 60 + floor(-ln(1.0 - bits(x.hb, 16, 24)) * 21600)::bigint, "
        "'click_after': 5 + floor(bits(x.hb, 40, 12) * 300)::bigint, "
        "'unsub_after': 20 + floor(bits(x.hb, 52, 12) * 600)::bigint, "
        "'bounce_after': 2 + (x.hb >> 60)::bigint}"
    )
    sent = f"y.in_segment and y.subscribed and y.send >= created_s and y.send <= {plan.end_s}"
    return f"list_filter(list_transform(list_transform(range(n_email_units), {units}), {sends}), lambda y: {sent})"


def _email_stream(plan: _Plan) -> str:
    """Sends with their opens, clicks, bounces and the rare unsubscribe, from column `campaigns`.

    Opens and clicks follow the send and nothing passes end_date.
    """
    end_s = plan.end_s
    opened = f"not y.bounced and (y.open_ok or y.last) and y.open_t <= {end_s}"
    parts = [
        ("true", "y.send", "email_sent"),
        (opened, "y.open_t", "email_open"),
        (f"{opened} and y.click_ok and y.open_t + y.click_after <= {end_s}", "y.open_t + y.click_after", "email_click"),
        ("y.bounced", "y.send + y.bounce_after", "email_bounce"),
        (f"{opened} and y.last and y.open_t + y.unsub_after <= {end_s}", "y.open_t + y.unsub_after", "unsubscribe"),
    ]
    lists = []
    for condition, at, event in parts:
        source = "campaigns" if condition == "true" else f"list_filter(campaigns, lambda y: {condition})"
        lists.append(f"list_transform({source}, lambda y: {_event_struct(at, EV[event], S_EMAIL, 'y.v', 'y.v')})")
    return f"list_concat({', '.join(lists)})"


def _campaign_lists(plan: _Plan) -> tuple[list[str | None], list[str | None], list[str]]:
    """Campaign and content per e-mail campaign index v, and campaign per webinar index."""
    campaigns: list[str | None] = []
    contents: list[str | None] = []
    for week in range(plan.weeks):
        tuesday = plan.first_tuesday + timedelta(days=7 * week)
        thursday = tuesday + timedelta(days=2)
        kind = THURSDAY_CAMPAIGNS[week % len(THURSDAY_CAMPAIGNS)]
        campaigns += [f"weekly_newsletter_{tuesday:%Y_%m_%d}", f"{kind}_{thursday:%Y_%m_%d}"]
        thursday_content = {
            "webinar_invite": WEBINARS[(week // 2) % len(WEBINARS)],
            "customer_story": CONTENT[6 + week % 2][0],
            "nurture_roi_guide": "ROI Calculator Workbook",
        }.get(kind)
        contents += [None, thursday_content]
    # registrations up to end_date may be for a webinar held after it
    webinar_count = (plan.end_date + timedelta(days=10) - plan.first_wednesday).days // 14 + 1
    webinars = [
        f"webinar_{plan.first_wednesday + timedelta(days=14 * j):%Y_%m_%d}" for j in range(max(1, webinar_count))
    ]
    return campaigns, contents, webinars


def _page_sql() -> str:
    blog = [f"/blog/{fmt}-{topic}" for topic in BLOG_TOPICS for fmt in BLOG_FORMATS]
    family = "bits(ha, 40, 12)"
    item = "bits(ha, 52, 12)"
    general = (
        f"case when {family} < 0.35 then '/' when {family} < 0.45 then '/about' "
        f"when {family} < 0.92 then {_element([f'/docs/{p}' for p in DOC_PAGES], item)} else '/investors' end"
    )
    jobs = _element([f"/careers/{p}" for p in CAREER_PAGES], item)
    careers = f"case when {family} < 0.4 then '/careers' else {jobs} end"
    product = (
        f"case when {family} < 0.35 then {_element([f'/product/{p}' for p in PRODUCT_PAGES], item)} "
        f"when {family} < 0.65 then {_element([f'/features/{p}' for p in FEATURE_PAGES], item)} "
        f"when {family} < 0.85 then {_element([f'/integrations/{p}' for p in INTEGRATION_PAGES], item)} "
        f"else {_element([f'/customers/{p}' for p in CASE_STUDIES], item)} end"
    )
    # blog popularity is skewed: a few posts get most views
    blog_pick = f"{_list(blog)}[1 + floor({item} * {item} * {len(blog)})::integer]"
    content = _element([path for _, path in CONTENT], item)
    # streams without a page (e-mail, social, webinar) fall through to null
    return f"""{_lit(SITE)} || case x.s
        when {S_BLOG} then {blog_pick}
        when {S_GENERAL} then {general}
        when {S_CAREERS} then {careers}
        when {S_PRODUCT} then {product}
        when {S_PRICING} then '/pricing'
        when {S_CONTENT} then {content}
        when {S_DEMO} then '/demo'
        when {S_CONTACT} then '/contact'
    end"""


def _event_lists_sql(plan: _Plan) -> str:
    """One row per lead with its events as a list sorted by time."""
    end_s = plan.end_s
    engaged = [
        _engaged_stream(S_BLOG, "n_blog", EV["page_view"], plan),
        _engaged_stream(S_GENERAL, "n_general", EV["page_view"], plan),
        _engaged_stream(S_SOCIAL, "n_social", EV["social_engagement"], plan),
    ]
    # the journey may run past end_date: only what happened by then is written
    journey = [
        _single_stream(S_PRODUCT, "n_product", "journey_start", "journey_end", EV["page_view"]),
        _single_stream(S_PRICING, "n_pricing", "pricing_start", "journey_end", EV["page_view"]),
        _paired_stream(
            S_CONTENT, "n_content", "journey_start", "journey_end", EV["form_submission"], EV["content_download"]
        ),
        _webinar_stream(plan),
        _paired_stream(S_DEMO, "n_demo", "hand_raise_start", "journey_end", EV["page_view"], EV["demo_request"]),
        _paired_stream(S_CONTACT, "n_contact", "hand_raise_start", "journey_end", EV["page_view"], EV["contact_sales"]),
    ]
    streams = [
        _email_stream(plan),
        *engaged,
        _single_stream(S_CAREERS, "n_careers", "a0", str(end_s), EV["page_view"]),
        *(f"list_filter({stream}, lambda x: x.t <= {end_s - plan.start_s})" for stream in journey),
    ]
    return f"""
    create table scratch.ev_lists as
    select lead_num, lead_id, device_pref, len(evs) as n_events, evs
    from (
        select lead_num, lead_id, device_pref, list_sort(list_concat({', '.join(streams)})) as evs
        from (select *, {_email_campaigns(plan)} as campaigns from lead_state)
    )
    """


def _event_offsets_sql() -> tuple[str, ...]:
    """Where each lead's event ids start, so ids are dense and follow the file order.

    An in-place update rather than a join in the final query: a join may hand rows over in a
    different order depending on the number of threads.
    """
    return (
        "alter table scratch.ev_lists add column ev_off bigint",
        """
        update scratch.ev_lists set ev_off = o.ev_off
        from (
            select lead_num, coalesce(sum(n_events) over (
                order by lead_num rows between unbounded preceding and 1 preceding), 0) as ev_off
            from scratch.ev_lists
        ) o
        where o.lead_num = ev_lists.lead_num
        """,
    )


def _events_output_sql(plan: _Plan) -> str:
    campaigns, contents, webinars = _campaign_lists(plan)
    web_campaign = f"case when bits(hb, 0, 16) < 0.12 then {_element(PAID_CAMPAIGNS, 'bits(hb, 16, 16)')} end"
    normal = "sqrt(-2.0 * ln(1.0 - bits(ha, 0, 20))) * cos(2.0 * pi() * bits(ha, 20, 20))"
    return f"""
    with rows_ as (
        select lead_num, lead_id, ev_off, device_pref, unnest(evs) as x, generate_subscripts(evs, 1) as n
        from scratch.ev_lists
    ),
    keyed as (
        select
            *,
            h(lead_num, x.s::bigint * 1000000000 + x.u, 'attr_a') as ha,
            h(lead_num, x.s::bigint * 1000000000 + x.u, 'attr_b') as hb
        from rows_
    )
    select
        'E' || case when ev_off + n < 1000000000 then lpad((ev_off + n)::varchar, 9, '0')
            else (ev_off + n)::varchar end as event_id,
        lead_id,
        {_list(EVENT_TYPES)}[x.e + 1] as event_type,
        window_timestamp(x.t) as occurred_at,
        {_page_sql()} as page_url,
        case
            when x.e = {EV['page_view']} then least(1800, 2 + floor(exp(3.5 + {normal})))::integer
            when x.e = {EV['webinar_attendance']} then (300 + floor(bits(ha, 0, 20) * 3300))::integer
        end as duration_seconds,
        case x.s
            when {S_EMAIL} then {_list(campaigns)}[x.v + 1]
            when {S_WEBINAR} then {_list(webinars)}[x.v + 1]
            when {S_SOCIAL} then {_element(SOCIAL_CAMPAIGNS, 'bits(hb, 16, 16)')}
            when {S_CAREERS} then null
            when {S_CONTENT} then case when bits(hb, 0, 16) < 0.3
                then {_element(SYNDICATION_CAMPAIGNS, 'bits(hb, 16, 16)')} end
            else {web_campaign}
        end as campaign,
        case x.s
            when {S_EMAIL} then {_list(contents)}[x.v + 1]
            when {S_WEBINAR} then {_list(WEBINARS)}[1 + x.v % {len(WEBINARS)}]
            when {S_CONTENT} then {_element([title for title, _ in CONTENT], 'bits(ha, 52, 12)')}
        end as content,
        case when x.s = {S_EMAIL} then null
            when bits(hb, 32, 16) < 0.8 then device_pref
            else {_element([d for d, _ in DEVICES], 'bits(hb, 48, 16)')}
        end as device
    from keyed
    """


# ---------------------------------------------------------------------------------------------
# Lifecycle and truth


def _lifecycle_sql() -> str:
    return """
    select lead_id, stage, make_timestamp(t * 1000000) as entered_at, reason
    from (
        select lead_num, lead_id, 'sql' as stage, 1 as ord, sql_s as t, null::varchar as reason
        from lead_state where reach_sql and not skip_sql
        union all
        select lead_num, lead_id, 'opportunity', 2, opp_s, null from lead_state where reach_opp
        union all
        select lead_num, lead_id, 'won', 3, close_s, null from lead_state where won
        union all
        select lead_num, lead_id, 'lost', 3, close_s, lost_reason from lead_state where lost
        union all
        select lead_num, lead_id, 'rejected', 1, rejected_s, rejected_reason from lead_state where rejected
    )
    order by lead_num, ord
    """


def _observed(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    row = con.execute(
        """
        select
            avg(reach_sql::int),
            sum(reach_opp::int) / nullif(sum(reach_sql::int), 0),
            sum(won::int) / nullif(sum(reach_opp::int), 0),
            avg(rejected::int),
            avg(reach_sql::int) filter (where n_demo > 0),
            avg(reach_sql::int) filter (where n_demo = 0),
            avg(reach_sql::int) filter (where n_pricing > 0),
            avg(reach_sql::int) filter (where n_pricing = 0),
            avg(reach_sql::int) filter (where bad_fit),
            avg(reach_sql::int) filter (where job_seeker),
            avg(reach_sql::int) filter (where n_blog > (select median(n_blog) from lead_state)),
            avg(reach_sql::int) filter (where n_blog <= (select median(n_blog) from lead_state))
        from lead_state
        """
    ).fetchone()
    names = (
        "sql_rate", "opportunity_rate_of_sql", "won_rate_of_opportunity", "rejected_rate",
        "sql_rate_with_demo_request", "sql_rate_without_demo_request",
        "sql_rate_with_pricing_view", "sql_rate_without_pricing_view",
        "sql_rate_students_competitors_personal_email", "sql_rate_job_seekers",
        "sql_rate_blog_views_above_median", "sql_rate_blog_views_at_or_below_median",
    )
    return {name: round(float(value), 4) if value is not None else None for name, value in zip(names, row or ())}


# ---------------------------------------------------------------------------------------------
# What the planted drivers do over the reports' conversion window, measured on the written data

CONVERSION_WINDOW_DAYS = 90  # report_settings.conversion_window_days
OBSERVATION_EVERY_DAYS = 30
# the window effects are measured on the first leads only, so they cost the same at any size
TRUTH_SAMPLE_LEADS = 20_000

# Each event type or page category of drivers and noise: a condition on event_type and page_url
# (page views by the page_categories seed's patterns).
_PAGE = "event_type = 'page_view' and page_url like "
WINDOW_FEATURES: tuple[tuple[str, str], ...] = (
    ("demo_request", "event_type = 'demo_request'"),
    ("contact_sales", "event_type = 'contact_sales'"),
    ("content_download", "event_type = 'content_download'"),
    ("form_submission", "event_type = 'form_submission'"),
    ("webinar_registration", "event_type = 'webinar_registration'"),
    ("webinar_attendance", "event_type = 'webinar_attendance'"),
    ("pricing", f"{_PAGE}'%/pricing%'"),
    ("demo", f"{_PAGE}'%/demo%'"),
    ("contact", f"{_PAGE}'%/contact%'"),
    ("case_study", f"{_PAGE}'%/customers/%'"),
    ("product", f"({_PAGE}'%/product/%' or {_PAGE}'%/features/%' or {_PAGE}'%/integrations/%')"),
    ("careers", f"{_PAGE}'%/careers%'"),
    ("blog", f"{_PAGE}'%/blog/%'"),
    ("docs", f"{_PAGE}'%/docs/%'"),
    ("investor_relations", f"{_PAGE}'%/investors%'"),
    ("home_and_about", f"event_type = 'page_view' and page_url in ({_lit(SITE + '/')}, {_lit(SITE + '/about')})"),
    ("social_engagement", "event_type = 'social_engagement'"),
    ("email_open", "event_type = 'email_open'"),
    ("email_click", "event_type = 'email_click'"),
    ("email_bounce", "event_type = 'email_bounce'"),
    ("unsubscribe", "event_type = 'unsubscribe'"),
)
SIZE_BANDS = ((10, "1-9"), (50, "10-49"), (200, "50-199"), (1000, "200-999"), (5000, "1000-4999"), (None, "5000+"))


def _observation_days(plan: _Plan) -> list[date]:
    """Every 30 days from 30 days after the window's start, while the day's whole conversion
    window lies in the data."""
    last = plan.end_date - timedelta(days=CONVERSION_WINDOW_DAYS)
    days, day = [], plan.start_date + timedelta(days=OBSERVATION_EVERY_DAYS)
    while day <= last:
        days.append(day)
        day += timedelta(days=OBSERVATION_EVERY_DAYS)
    return days


def _truth_events_sql(plan: _Plan) -> str:
    """The sampled leads' events, as the events file holds them (type, time, page)."""
    return f"""
    create temp table truth_events as
    with rows_ as (
        select lead_num, unnest(evs) as x from scratch.ev_lists where lead_num <= {TRUTH_SAMPLE_LEADS}
    ),
    keyed as (
        select lead_num, x, h(lead_num, x.s::bigint * 1000000000 + x.u, 'attr_a') as ha from rows_
    )
    select
        lead_num,
        x.t::bigint + {plan.start_s} as t,
        {_list(EVENT_TYPES)}[x.e + 1] as event_type,
        {_page_sql()} as page_url
    from keyed
    """


def _window_effects(con: duckdb.DuckDBPyConnection, plan: _Plan) -> dict[str, object]:
    """Conversion within the window after an observation day, as the calibration report counts
    it: every lead that exists at the end of day d and is not yet at sql (or beyond) is an
    observation of d; it converted when it reached sql (or beyond) within the next 90 days.
    Rates with and without each event type or page category seen by the end of d, and by fit
    attribute."""
    days = _observation_days(plan)
    result: dict[str, object] = {
        "conversion_window_days": CONVERSION_WINDOW_DAYS,
        "observation_days": [day.isoformat() for day in days],
        "sample": f"leads L0000001 to L{min(plan.leads, TRUTH_SAMPLE_LEADS):07d}",
        "definition": (
            "an observation is a lead on an observation day: created by the end of the day and not at "
            "sql or a later stage (opportunity, won, lost) by then; it converted when it reached one of "
            f"them within the next {CONVERSION_WINDOW_DAYS} days. 'with' counts observations whose lead "
            "had at least one such event (a page view of the category) by the end of the day."
        ),
    }
    if not days:
        return result | {"observations": 0, "conversions": 0, "base_rate": None, "events": {}, "fit": {}}
    day_ends = ", ".join(f"({_epoch(day + timedelta(days=1), time(0))})" for day in days)
    firsts = ", ".join(f"min(t) filter (where {condition}) as f_{name}" for name, condition in WINDOW_FEATURES)
    size = " ".join(f"when employee_count < {bound} then '{label}'" for bound, label in SIZE_BANDS if bound)
    con.execute(f"""
        create temp table truth_obs as
        with days as (select * from (values {day_ends}) v(day_end)),
        firsts as (select lead_num, {firsts} from truth_events group by lead_num),
        leads as (
            select
                *,
                case when reach_sql then case when skip_sql then opp_s else sql_s end end as first_sql_s
            from lead_state
            where lead_num <= {TRUTH_SAMPLE_LEADS}
        )
        select
            l.lead_num,
            d.day_end,
            coalesce(l.first_sql_s < d.day_end + {CONVERSION_WINDOW_DAYS * DAY}, false) as converted,
            l.seniority,
            coalesce(l.account_industry, 'no account') as industry,
            coalesce(l.account_model, 'no account') as business_model,
            case when l.employee_count is null then 'no account' {size} else '{SIZE_BANDS[-1][1]}' end
                as company_size,
            -- as the e-mail address shows it: a competitor's employee may write from gmail
            case when l.is_personal then 'personal' when l.is_competitor then 'competitor' else 'business' end
                as email_domain,
            {", ".join(f"coalesce(f.f_{name} < d.day_end, false) as {name}" for name, _ in WINDOW_FEATURES)}
        from leads l
        cross join days d
        left join firsts f on f.lead_num = l.lead_num
        where l.created_s < d.day_end
            and (l.first_sql_s is null or l.first_sql_s >= d.day_end)
    """)
    counts = ", ".join(
        f"count(*) filter (where {name}), count(*) filter (where {name} and converted)" for name, _ in WINDOW_FEATURES
    )
    row = con.execute(f"select count(*), count(*) filter (where converted), {counts} from truth_obs").fetchone()
    assert row is not None
    total, converted = int(row[0]), int(row[1])
    events = {}
    for index, (name, _) in enumerate(WINDOW_FEATURES):
        with_n, with_c = int(row[2 + 2 * index]), int(row[3 + 2 * index])
        events[name] = _effect(with_n, with_c, total - with_n, converted - with_c)
    fit: dict[str, dict[str, object]] = {}
    for attribute in ("seniority", "industry", "business_model", "company_size", "email_domain"):
        rows = con.execute(
            f"select {attribute}, count(*), count(*) filter (where converted) from truth_obs group by 1 order by 1"
        ).fetchall()
        fit[attribute] = {
            str(value): {"observations": int(n), "conversions": int(c), "rate": _ratio(int(c), int(n))}
            for value, n, c in rows
        }
    return result | {
        "observations": total,
        "conversions": converted,
        "base_rate": _ratio(converted, total),
        "events": events,
        "fit": fit,
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _effect(with_n: int, with_c: int, without_n: int, without_c: int) -> dict[str, object]:
    """Conversion with and without a feature, and the odds ratio (null when a cell is empty)."""
    cells = (with_c, with_n - with_c, without_c, without_n - without_c)
    odds_ratio = round(cells[0] * cells[3] / (cells[1] * cells[2]), 3) if all(cells) else None
    return {
        "with": {"observations": with_n, "conversions": with_c, "rate": _ratio(with_c, with_n)},
        "without": {"observations": without_n, "conversions": without_c, "rate": _ratio(without_c, without_n)},
        "odds_ratio": odds_ratio,
    }


def _strength(log_odds: float) -> str:
    return "strong" if log_odds >= 1.5 else "medium" if log_odds >= 0.8 else "weak"


def _planted_drivers() -> list[dict[str, object]]:
    """The drivers with what they do to the odds of sql: the journey's drivers, fit, job seekers."""
    by_driver = {name: (first, repeat, cap) for name, _, first, repeat, cap in JOURNEY_DRIVERS}

    def journey(name: str, driver: str, kind: str, how: str, **extra: object) -> dict[str, object]:
        first, repeat, cap = by_driver[driver]
        return {
            "name": name, "kind": kind, "sign": 1, "strength": _strength(first), "journey_driver": driver,
            "log_odds_first": first, "log_odds_repeat": repeat, "log_odds_max": cap,
            "odds_ratio_first": round(math.exp(first), 2), "how": how, **extra,
        }

    def fit_weights(values: Sequence[tuple[str, float, float]]) -> dict[str, float]:
        return {v: round(SQL_FIT * f, 3) for v, _, f in values}

    hand = "the lead asked for a demo or to talk to sales: counts once per request"
    return [
        journey("demo_request", "hand_raise", "event_type", hand),
        journey("contact_sales", "hand_raise", "event_type", hand),
        journey("demo", "hand_raise", "page_category", "the page of a demo request", url="/demo"),
        journey("contact", "hand_raise", "page_category", "the page of a contact request", url="/contact"),
        journey("content_download", "content", "event_type", "per download of gated content"),
        journey("form_submission", "content", "event_type", "the form in front of each download"),
        journey("webinar_registration", "webinar", "event_type", "per webinar registered for"),
        journey("webinar_attendance", "webinar", "event_type",
                "follows registration (more often for high intent leads); adds nothing of its own"),
        journey("pricing", "pricing", "page_category", "per pricing page view", url="/pricing"),
        journey("product", "product", "page_category", "per product, feature, integration or customer story view",
                url="/product/, /features/, /integrations/"),
        journey("case_study", "product", "page_category", "counted with the product pages", url="/customers/"),
        {"name": "recency", "kind": "behaviour", "sign": 1, "strength": "strong",
         "how": "sql comes at the end of the lead's journey, and its blog, site, social and e-mail activity "
                "mostly between its creation (or shortly before the journey) and a little after the journey: "
                "a lead active now is more often in its journey, and one quiet for months rarely converts"},
        {"name": "purchase_timeline", "kind": "attribute", "sign": 1, "strength": "weak",
         "how": "this_quarter/next_quarter derive partly from intent, which drives the journey's activity"},
        {"name": "seniority", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(SENIORITIES)},
        {"name": "industry", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(INDUSTRIES)},
        {"name": "employee_count", "kind": "fit_attribute", "sign": 1,
         "log_odds": {f"<{b}" if b else ">=5000": round(SQL_FIT * f, 3) for b, f in SIZE_FIT}},
        {"name": "business_model", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(BUSINESS_MODELS)},
        {"name": "personal_email", "kind": "fit_attribute", "sign": -1, "log_odds": round(SQL_FIT * PERSONAL_FIT, 3)},
        {"name": "competitor", "kind": "fit_attribute", "sign": -1, "log_odds": round(SQL_FIT * COMPETITOR_FIT, 3)},
        {"name": "no_account", "kind": "fit_attribute", "sign": -1, "log_odds": round(SQL_FIT * NO_ACCOUNT_FIT, 3),
         "how": "the lead's company is not among the accounts (its size, industry and model still count)"},
        {"name": "careers", "kind": "page_category", "url": "/careers", "sign": -1, "strength": "strong",
         "how": "job seekers (4% of leads, most careers page views) never convert"},
    ]


def _truth(
    con: duckdb.DuckDBPyConnection,
    plan: _Plan,
    counts: dict[str, int],
    file_format: str,
    events_per_lead: float,
    window_effects: dict[str, object],
) -> dict[str, object]:
    terms = " + ".join(f"{name}_log_odds" for name, *_ in JOURNEY_DRIVERS)
    return {
        "generator": "leadscore.demo.demo_data",
        "seed": plan.seed,
        "end_date": plan.end_date.isoformat(),
        "window_start": plan.start_date.isoformat(),
        "leads": plan.leads,
        "events_per_lead": events_per_lead,
        "file_format": file_format,
        "counts": counts,
        "how_outcomes_are_drawn": [
            "Each lead has one buying journey: leads created in the window start it a few days after "
            f"creation (mean {JOURNEY_START_MEAN_DAYS} days), older leads on any day of the window; it lasts "
            f"{JOURNEY_MIN_DAYS} days plus an exponential of mean {JOURNEY_EXTRA_MEAN_DAYS} days and may run "
            "past end_date.",
            "On its journey a lead views product pages and customer stories, downloads content (form first), "
            f"registers for webinars, views pricing (from {PRICING_FROM:.0%} of the journey) and may ask for a "
            f"demo or to talk to sales (its last {HAND_RAISE_DAYS} days); how many of each grows with a "
            "latent intent (standard normal).",
            f"At the end of the journey the lead reaches sql with probability sigmoid({SQL_INTERCEPT} + "
            f"{SQL_FIT} * fit + {terms}): fit is the sum of the fit attributes' weights; each driver's "
            "log-odds are its first event's plus each repeat's, up to its maximum (conversion_model). "
            "Intent itself adds nothing: it acts only through what the lead does. Job seekers never convert.",
            f"sql follows the journey's end by an hour plus an exponential of mean {SQL_DELAY_MEAN_DAYS} days; "
            "a conversion after end_date is not in the data yet. Opportunity, won and lost follow sql as "
            "before (conversion_model), pulled before end_date when they would land after it.",
            "A journey that ends without sql is rejected by sales with a probability by what the lead showed "
            "(sales_rejection), with a reason from its attributes.",
            "Blog, site (home, about, docs, investors) and social activity and e-mail opens come from traits "
            "that say nothing of conversion; they happen mostly while the lead is engaged (from creation, or "
            f"shortly before the journey, to a little after it; {QUIET_SHARE:.0%} of them at any time, e-mail "
            f"opens outside at {QUIET_OPEN_FACTOR:.0%} of the rate), so a lead quiet for months is one whose "
            "journey is over.",
        ],
        "latent_variables": {
            "fit": "sum of the fit attributes' weights; a fit_attribute driver's log_odds are its weight "
                   "times conversion_model.sql.fit",
            "intent": "standard normal per lead; the journey's event counts grow with exp(intent)",
        },
        "journey": {
            "start_after_creation_mean_days": JOURNEY_START_MEAN_DAYS,
            "length_days": {"minimum": JOURNEY_MIN_DAYS, "plus_exponential_mean": JOURNEY_EXTRA_MEAN_DAYS},
            "pricing_from_share_of_journey": PRICING_FROM,
            "hand_raise_last_days": HAND_RAISE_DAYS,
            "sql_delay_mean_days": SQL_DELAY_MEAN_DAYS,
            "engaged_lead_in_mean_days": ENGAGED_LEAD_IN_MEAN_DAYS,
            "engaged_tail_mean_days": ENGAGED_TAIL_MEAN_DAYS,
            "quiet_share_of_activity": QUIET_SHARE,
            "quiet_email_open_factor": QUIET_OPEN_FACTOR,
        },
        "conversion_model": {
            "sql": {
                "intercept": SQL_INTERCEPT,
                "fit": SQL_FIT,
                "drivers": [
                    {"driver": name, "count": count, "log_odds_first": first, "log_odds_repeat": repeat,
                     "log_odds_max": cap, "odds_ratio_first": round(math.exp(first), 2),
                     "odds_ratio_max": round(math.exp(cap), 2)}
                    for name, count, first, repeat, cap in JOURNEY_DRIVERS
                ],
                "note": "p = sigmoid(intercept + fit_weight * fit + sum of the drivers' log-odds) at the end "
                        "of the journey; job seekers never convert",
            },
            "opportunity_given_sql": {"intercept": OPP_INTERCEPT, "fit": OPP_FIT, "intent": OPP_INTENT},
            "won_given_opportunity": {"intercept": WON_INTERCEPT, "fit": WON_FIT, "intent": WON_INTENT},
        },
        "sales_rejection": {
            "bad_fit_hand_raiser_or_busy_journey": REJECTED_BAD_FIT_NOTICED,
            "bad_fit": REJECTED_BAD_FIT,
            "hand_raiser": REJECTED_HAND_RAISER,
            "busy_journey": REJECTED_BUSY_JOURNEY,
            "other": REJECTED_OTHER,
            "note": "bad fit: student, competitor or personal e-mail; busy journey: two of content, webinar, "
                    "pricing; only journeys that end without sql, by end_date",
        },
        "drivers": _planted_drivers(),
        "noise": [
            {"name": "blog", "kind": "page_category", "url": "/blog/", "note": "volume from a browsing trait"},
            {"name": "social_engagement", "kind": "event_type", "note": "volume from a social trait"},
            {"name": "email_open", "kind": "event_type", "note": "rate from a newsletter reader trait"},
            {"name": "email_click", "kind": "event_type", "note": "follows opens"},
            {"name": "email_sent", "kind": "event_type", "note": "newsletter subscription"},
            {"name": "email_bounce", "kind": "event_type"},
            {"name": "unsubscribe", "kind": "event_type"},
            {"name": "docs", "kind": "page_category", "url": "/docs/"},
            {"name": "investor_relations", "kind": "page_category", "url": "/investors"},
            {"name": "home_and_about", "kind": "page_category", "url": "/, /about"},
            {"name": "department", "kind": "attribute"},
            {"name": "lead_source", "kind": "attribute"},
            {"name": "country", "kind": "attribute"},
            {"name": "product_interest", "kind": "attribute"},
        ],
        "personal_domains": list(PERSONAL_DOMAINS),
        "competitor_domains": [f"{stem}.example" for _, stem in COMPETITORS],
        "rejection_reasons": {
            "competitor": "Competitor", "student": "Student / not a buyer",
            "personal_email_or_tiny_company": "Not a fit - too small",
        },
        "observed": _observed(con),
        "window_effects": window_effects,
    }
