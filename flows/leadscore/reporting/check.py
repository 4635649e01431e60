"""`leadscore check`: how well the landed data fits the seeds, before anyone trusts a score.

The comparison is SQL: the models of models/marts/data_fit (rpt_data_fit_*) list each lead
attribute's values with the rules matching them, every rule with what of the data it can fire on,
event types and CRM stages no alias maps, the MQL share per model and the value_aliases rows a
near match suggests. Every `dbt build` builds them, so the daily run's summary and report read
them from the warehouse (`check_summary`, `load_data_fit`, `data_fit_section`).

`leadscore check` builds them on its own, into a scratch DuckDB file in a temporary folder
(never the warehouse, never published/): it loads and tests the seeds, then runs (without tests)
the models the check reads, so a seed that `leadscore run` would stop on (a fit rule on a
misspelled attribute) is still compared and listed. `--from-warehouse` reads the tables the last
run built instead, read-only and without building. Python only prints.

Exit codes: 0 nothing needs attention; 1 something does (a finding that needs attention, or a
seed test that fails), or the data or seeds cannot be built (the message names them); 2 a usage
or set-up error (a bad option or date, no leads file in the landing folder, unusable candidate
seeds, a warehouse without the data-fit tables); 3 the warehouse is held by a run
(--from-warehouse only).
"""

import csv
import html
import io
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from leadscore.settings import Settings

# what the check reads; `dbt run --select +tag:data_fit` builds them and everything they need
DATA_FIT_SELECTOR = "+tag:data_fit"
DATA_FIT_TABLES = (
    "rpt_data_fit_attribute_values",
    "rpt_data_fit_rules",
    "rpt_data_fit_unmapped_values",
    "rpt_data_fit_alias_proposals",
    "rpt_data_fit_mql_share",
    "rpt_data_fit_findings",
)
EXIT_CLEAN, EXIT_ATTENTION, EXIT_USAGE = 0, 1, 2  # 3 (a run holds the warehouse) comes from cli.py
DEFAULT_VALUES_SHOWN = 10
Progress = Callable[[str], None]
Row = dict[str, Any]


class CheckError(RuntimeError):
    """The check could not compare: the data or the seeds could not be built (exit 1)."""


class CheckSetupError(RuntimeError):
    """The check cannot start: nothing to check, or a path or candidate it cannot use (exit 2)."""


# --- what the check found -------------------------------------------------------------------------

FINDING_TEXT = {
    "unknown_attribute": "no lead attribute has this name (misspelled, or a column missing from the export)",
    "attribute_without_values": "no lead has a value of this attribute (the export lacks the column, or it is empty)",
    "event_type_not_in_data": "no event of this type up to the as-of date",
    "page_category_not_in_data": "no page view of this page category up to the as-of date",
    "never_fires": "nothing in the data matches it",
}
DECAY_WITHOUT_EVENTS = "no event of this type up to the as-of date: it takes points from every lead"


@dataclass
class DataFit:
    """The rpt_data_fit_* tables as rows, and the seed tests that failed (a scratch check only)."""

    as_of: date | None
    leads: int
    events: int
    values: list[Row]
    rules: list[Row]
    unmapped: list[Row]
    proposals: list[Row]
    mql_share: list[Row]
    findings: list[Row]
    seed_test_failures: list[str] = field(default_factory=list)

    @property
    def attention(self) -> list[Row]:
        return [row for row in self.findings if row["needs_attention"]]

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention or self.seed_test_failures)

    def count(self, *findings: str) -> int:
        return sum(1 for row in self.findings if row["finding"] in findings)


def _rows(connection, query: str) -> list[Row]:
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def has_data_fit(connection) -> bool:
    """True when the connection's database holds every rpt_data_fit_ table."""
    names = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    return all(table in names for table in DATA_FIT_TABLES)


def load_data_fit(connection) -> DataFit | None:
    """The data-fit tables of the database `connection` reads (a DuckDB connection, such as the
    report's), or None when it has none (a warehouse built before the check existed)."""
    if not has_data_fit(connection):
        return None
    as_of = connection.execute("select max(as_of_date) from fct_lead_scores").fetchone()[0]
    leads = connection.execute("select count(*) from int_leads_enriched").fetchone()[0]
    events = connection.execute("select coalesce(sum(event_count), 0) from int_lead_event_stats").fetchone()[0]
    return DataFit(
        as_of=as_of,
        leads=int(leads),
        events=int(events),
        values=_rows(
            connection,
            "select * from rpt_data_fit_attribute_values order by attribute, value_rank",
        ),
        rules=_rows(connection, "select * from rpt_data_fit_rules order by rule_seed, rule_id"),
        unmapped=_rows(
            connection,
            "select * from rpt_data_fit_unmapped_values order by domain, landed_rows desc, raw_value",
        ),
        proposals=_rows(
            connection,
            "select * from rpt_data_fit_alias_proposals order by domain, coalesce(landed_rows, leads) desc, raw_value",
        ),
        mql_share=_rows(connection, "select * from rpt_data_fit_mql_share order by model_id"),
        findings=_rows(
            connection,
            "select * from rpt_data_fit_findings order by needs_attention desc, finding, seed_name, subject",
        ),
    )


# --- building into a scratch file ---------------------------------------------------------------


def run_check(
    settings: Settings,
    as_of: date,
    seeds: str | Path | None = None,
    progress: Progress | None = None,
    work_dir: Path | None = None,
) -> DataFit:
    """Build what the check reads into a scratch DuckDB file (in `work_dir`, else a temporary
    folder removed afterwards) from the landing files and the live seeds, or the live seeds
    overlaid by the candidate `seeds`; return what it found. Raises CheckSetupError, CheckError."""
    from leadscore.running.seedsets import SeedSetError, candidate_csvs, seed_overlay

    if not any(settings.landing_dir.glob("leads*")):
        raise CheckSetupError(
            f"No leads file in the landing folder {settings.landing_dir}: put leads.csv or leads.parquet "
            "there (see README, Source contract), or set LEADSCORE_LANDING_DIR / --landing-dir."
        )
    if seeds is not None:
        try:
            candidate_csvs(settings.project_dir, seeds)
        except SeedSetError as error:
            raise CheckSetupError(str(error)) from error
    work = Path(tempfile.mkdtemp(prefix="leadscore-check-")) if work_dir is None else work_dir
    work.mkdir(parents=True, exist_ok=True)
    try:
        with seed_overlay(settings.project_dir, seeds) as overlay:
            scoped = replace(
                settings,
                target="duckdb",
                duckdb_path=work / "check.duckdb",
                seeds_dir=overlay,
            )
            return _build_and_read(scoped, as_of, work, progress)
    finally:
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)


def _build_and_read(settings: Settings, as_of: date, work: Path, progress: Progress | None) -> DataFit:
    from leadscore.running.dbt_runner import SEED_PHASE, dbt_vars, describe_problems, run_dbt, temporary_environment
    from leadscore.warehouse import open_duckdb

    variables = ["--vars", dbt_vars(as_of)]
    folders = {"DBT_TARGET_PATH": str(work / "dbt_target"), "DBT_LOG_PATH": str(work / "dbt_logs")}
    with temporary_environment(folders):
        if progress:
            progress("loading and testing the seeds")
        seeds = run_dbt(settings, ["build", *variables, *SEED_PHASE])
        not_loaded = [o for o in seeds.problems if o.resource_type == "seed"]
        if not_loaded or (seeds.error and not seeds.outcomes):
            raise CheckError(_lines("the seeds could not be loaded", describe_problems(seeds, settings)))
        failing_tests = describe_problems(seeds, settings) if seeds.problems else []
        if progress:
            progress("building the models the check reads (without tests)")
        models = run_dbt(settings, ["run", *variables, "--select", DATA_FIT_SELECTOR])
        if not models.success:
            raise CheckError(_lines("the landing data could not be built", describe_problems(models, settings)))
    if progress:
        progress("reading what it found")
    with open_duckdb(settings.duckdb_path, read_only=True) as connection:
        found = load_data_fit(connection)
    if found is None:  # pragma: no cover - the run above built every table or failed
        raise CheckError("the data-fit tables were not built")
    found.seed_test_failures = failing_tests
    return found


def _lines(title: str, details: list[str]) -> str:
    return "\n".join([f"{title}:", *(f"  - {line}" for line in details)])


def read_from_warehouse(settings: Settings) -> DataFit:
    """The data-fit tables the last build wrote into the warehouse, read-only. Raises
    FileNotFoundError, WarehouseUnavailable, CheckSetupError (no such tables)."""
    return _read_warehouse(settings)[0]


def _read_warehouse(settings: Settings):
    """The warehouse's data-fit tables and its latest run (None without a run ledger)."""
    from leadscore.warehouse import connect, latest_run

    with connect(settings) as connection:
        found = load_data_fit(connection)
        run = latest_run(connection) if found is not None else None
    if found is None:
        raise CheckSetupError(
            f"The warehouse {settings.duckdb_path} has no data-fit tables (rpt_data_fit_*): run `leadscore run` "
            "first, or `leadscore check` without --from-warehouse."
        )
    return found, run


# --- printing -----------------------------------------------------------------------------------


def _n(value: Any) -> str:
    return "-" if value is None else f"{int(value):,}"


def _count(value: Any, word: str) -> str:
    """`1 lead`, `2 leads`."""
    return f"{_n(value)} {word}{'' if value == 1 else 's'}"


def _needing(count: int) -> str:
    """`1 finding needs`, `2 findings need`."""
    return f"{count:,} finding needs" if count == 1 else f"{count:,} findings need"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{float(value) * 100:.1f} %"


def _value_label(row: Row) -> str:
    kind = row["value_kind"]
    if kind == "missing":
        return "(missing)"
    if kind == "numbers":
        return f"(numbers: {_n(row['distinct_values'])} distinct)"
    if kind == "other_values":
        return f"(any value: {_n(row['distinct_values'])} distinct)"
    return str(row["attribute_value"])


def _rule_subject(rule: Row) -> str:
    """What a rule's finding is about: its attribute, event type, page category or reasons."""
    if rule["attribute"] is not None:
        return rule["attribute"]
    if rule["rule_kind"] == "negative_rejection":
        return "rejection reasons"
    if rule["finding"] == "page_category_not_in_data":
        return f"{rule['page_category']} pages"
    if rule["event_type"] is not None and rule["finding"] == "event_type_not_in_data":
        return f"event type {rule['event_type']}"
    if rule["event_type"] is not None and rule["page_category"] == "*" and rule["finding"] == "never_fires":
        return f"{rule['event_type']} events no other rule counts"
    if rule["event_type"] is not None and rule["page_category"] not in (None, "*"):
        return f"{rule['event_type']} on {rule['page_category']} pages"
    if rule["event_type"] is not None:
        return f"event type {rule['event_type']}"
    return rule["rule_kind"]


def _rule_detail(rule: Row) -> str:
    """The value a rule that never fires looks for, e.g. `(individual_contributor)`."""
    if rule["finding"] != "never_fires" or rule["match_type"] in (None, "range", "present", "missing"):
        return ""
    return f" ({rule['match_value']})"


def _rule_reason(rule: Row) -> str:
    if rule["finding"] == "event_type_not_in_data" and rule["rule_kind"] == "decay_no_recent_event":
        return DECAY_WITHOUT_EVENTS
    if rule["finding"] == "never_fires" and rule["match_type"] == "range":
        return "no lead's number falls in the range of these rules"
    if rule["finding"] == "never_fires" and rule["match_type"] == "missing":
        return "every lead has a value"
    if rule["finding"] == "never_fires" and rule["attribute"] is not None:
        return "no lead's value matches"
    return FINDING_TEXT.get(rule["finding"], rule["finding"])


def proposal_csv_lines(proposals: list[Row]) -> list[str]:
    """The proposed value_aliases rows as CSV lines (domain,raw_value,canonical_value), quoted
    where a value needs it, ready to append to seeds/value_aliases.csv."""
    lines = []
    for row in proposals:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([row["domain"], row["raw_value"], row["canonical_value"]])
        lines.append(buffer.getvalue())
    return lines


def format_report(found: DataFit, values_shown: int = DEFAULT_VALUES_SHOWN, source: str = "") -> list[str]:
    """The check's report, line by line (plain text, no markup)."""
    as_of = found.as_of.isoformat() if found.as_of else "?"
    lines = [f"Data fit as of {as_of}: {_n(found.leads)} leads, {_n(found.events)} scored events{source}", ""]
    lines += _attribute_lines(found, values_shown)
    lines += _rule_lines(found)
    lines += _unmapped_lines(found)
    lines += _mql_lines(found)
    if found.seed_test_failures:
        lines += ["Seed tests that fail (`leadscore run` stops on them)"]
        lines += [f"  {line}" for line in found.seed_test_failures] + [""]
    if found.proposals:
        lines += [
            "Proposed value_aliases rows (domain,raw_value,canonical_value; near matches, review each):",
            *proposal_csv_lines(found.proposals),
            "",
        ]
    lines += ["What to do next", *[f"  {i}. {step}" for i, step in enumerate(next_steps(found), 1)], ""]
    attention = len(found.attention) + len(found.seed_test_failures)
    lines.append(f"{_needing(attention)} attention (exit 1)." if attention else "Nothing needs attention (exit 0).")
    # landed values are printed as they are, but never as terminal control sequences
    return [line.translate(_CONTROL_CHARACTERS) for line in lines]


_CONTROL_CHARACTERS = {code: "?" for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


def _attribute_lines(found: DataFit, values_shown: int) -> list[str]:
    rule_counts: dict[str, int] = {}
    for rule in found.rules:
        if rule["attribute"] is not None:
            rule_counts[rule["attribute"]] = rule_counts.get(rule["attribute"], 0) + 1
    by_attribute: dict[str, list[Row]] = {}
    for row in found.values:
        by_attribute.setdefault(row["attribute"], []).append(row)
    lines = ["Lead attributes: values, leads, and the rules matching each (- none)"]
    # attributes rules name first, then the others
    order = sorted(by_attribute, key=lambda name: (name not in rule_counts, name))
    width = max((len(_value_label(row)) for rows in by_attribute.values() for row in rows), default=10)
    width = min(max(width, 10), 40)
    for attribute in order:
        rows = by_attribute[attribute]
        rules = rule_counts.get(attribute, 0)
        lines.append(
            f"  {attribute} ({rules} rule{'s' if rules != 1 else ''})" if rules else f"  {attribute} (no rule)"
        )
        shown = [row for row in rows if row["value_rank"] <= values_shown or row["proposed_canonical_value"]]
        for row in shown:
            near = f"   near {row['proposed_canonical_value']}" if row["proposed_canonical_value"] else ""
            label = _value_label(row)
            lines.append(f"    {label:<{width}} {_n(row['leads']):>10}  {row['matching_rules'] or '-'}{near}")
        hidden = [row for row in rows if row not in shown]
        if hidden:
            lines.append(
                f"    ... {len(hidden)} more, {_n(sum(r['leads'] for r in hidden))} leads "
                f"({sum(1 for r in hidden if not r['is_matched'])} matching no rule)"
            )
    unknown = sorted({r["attribute"] for r in found.rules if r["finding"] == "unknown_attribute"})
    for attribute in unknown:
        lines.append(f"  {attribute}: no such attribute (named by a rule)")
    return lines + [""]


RuleGroup = tuple[str, str, dict[str, list[str]]]  # what it is about, why, rule ids per seed


def rule_groups(found: DataFit, attention: bool) -> list[RuleGroup]:
    """The rules that cannot or do not fire, needing attention or not, grouped by what they are
    about (an attribute, an event type, a page category) and why."""
    attention_ids = {(row["seed_name"], row["subject"]) for row in found.attention}
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}
    flagged = [rule for rule in found.rules if rule["finding"]]
    for rule in sorted(flagged, key=lambda r: (_rule_subject(r), r["rule_seed"], r["rule_id"])):
        if ((rule["rule_seed"], rule["rule_id"]) in attention_ids) == attention:
            seeds = groups.setdefault((_rule_subject(rule), _rule_reason(rule)), {})
            seeds.setdefault(rule["rule_seed"], []).append(f"{rule['rule_id']}{_rule_detail(rule)}")
    return [(subject, reason, seeds) for (subject, reason), seeds in groups.items()]


def _rule_lines(found: DataFit) -> list[str]:
    flagged = sum(1 for rule in found.rules if rule["finding"])
    if not flagged:
        return ["Rules: every rule can fire on this data", ""]
    lines = []
    for title, attention in (("Rules that need attention", True), ("Rules that cannot or do not fire (notes)", False)):
        groups = rule_groups(found, attention)
        if groups:
            lines.append(title)
        for subject, reason, seeds in groups:
            lines.append(f"  {subject}: {reason}")
            lines += [f"    {seed}: {', '.join(rule_ids)}" for seed, rule_ids in seeds.items()]
    return lines + [f"  {len(found.rules) - flagged} of {len(found.rules)} rules can fire on this data", ""]


def _unmapped_lines(found: DataFit) -> list[str]:
    if not found.unmapped:
        return ["Event types and CRM stages: all canonical or mapped by value_aliases", ""]
    lines = ["Event types and CRM stages not mapped (their rows are left out of scoring)"]
    for row in found.unmapped:
        near = f"   near {row['proposed_canonical_value']}" if row["proposed_canonical_value"] else ""
        value = "(missing)" if row["raw_value"] is None else row["raw_value"]
        counts = f"{_count(row['landed_rows'], 'row')}, {_count(row['leads'], 'lead')}"
        lines.append(f"  {row['domain']:<16} {value:<30} {counts:>22}{near}")
    return lines + [""]


def _mql_lines(found: DataFit) -> list[str]:
    lines = ["MQL share per model"]
    warnings = {
        "no_leads": "scores no lead",
        "no_mqls": "no MQLs",
        "mql_share_above_limit": "above the limit (80 % by default)",
    }
    for row in found.mql_share:
        warning = f"   ! {warnings[row['finding']]}" if row["finding"] else ""
        top = "-" if row["top_score"] is None else f"{float(row['top_score']):g}"
        threshold = "-" if row["mql_threshold"] is None else f"{float(row['mql_threshold']):g}"
        lines.append(
            f"  {row['model_id']:<20} {_n(row['mqls']):>8} of {_n(row['leads'])} leads ({_pct(row['mql_share'])}), "
            f"threshold {threshold}, top score {top}{warning}"
        )
    return lines + [""]


def next_steps(found: DataFit) -> list[str]:
    """What to do about what was found, most effective first."""
    steps = []
    kinds = {row["finding"] for row in found.attention}
    if found.proposals:
        steps.append(
            "Review the proposed value_aliases rows above and append those you accept to seeds/value_aliases.csv "
            "(or put a copy in a candidate folder and run `leadscore check --seeds <folder>`); then check again. "
            "Values with no proposal that should score: add their own value_aliases rows or fit rules."
        )
    if "unknown_attribute" in kinds:
        steps.append(
            "Correct the attribute of the rules marked 'no lead attribute has this name': it must be one of the "
            "attributes listed above (custom columns in snake_case). `leadscore run` stops on it."
        )
    if "attribute_without_values" in kinds:
        steps.append(
            "For rules on an attribute no lead has a value of: add the column to your leads or accounts export "
            "(see README, Source contract), or delete those rules."
        )
    if kinds & {"unmapped_event_type", "unmapped_stage"}:
        steps.append(
            "Add a value_aliases row (domain event_type or lifecycle_stage) for every unmapped value you want "
            "scored, then run `leadscore run --full-refresh` once (stored events keep their old mapping)."
        )
    if "event_type_not_in_data" in kinds:
        steps.append(
            "Delete the no_recent_event decay rules counting an event type your export does not have: they take "
            "points from every lead."
        )
    if found.seed_test_failures:
        steps.append("Fix the seed rows the failing seed tests name: `leadscore run` fails until then.")
    if kinds & {"no_mqls", "mql_share_above_limit", "no_leads"}:
        steps.append(
            "Fix the mismatches above first, then set each model's mql_threshold in seeds/scoring_models.csv "
            "from your outcomes (`leadscore suggest-weights`, the report's calibration section); a model that "
            "scores no lead needs scoring_model_assignments rows matching your values."
        )
    if not steps:
        steps.append("Nothing needs attention: `leadscore run` scores this data with these seeds.")
    if found.count("never_fires", "event_type_not_in_data", "page_category_not_in_data"):
        steps.append(
            "The rules listed as notes never fire on this data: fine for rare cases (a competitor, a rejection "
            "reason); otherwise spell their values as your data does, or delete them."
        )
    return steps


# --- the daily run and the report ---------------------------------------------------------------


def summary_lines(found: DataFit | None) -> list[str]:
    """One or two lines for the daily run's summary."""
    if found is None:
        return ["data fit: not checked (the warehouse has no rpt_data_fit_ tables)"]
    notes = len(found.findings) - len(found.attention)
    noted = f" ({notes} note{'s' if notes != 1 else ''}: rules that cannot fire)" if notes else ""
    if not found.attention:
        return [f"data fit: nothing needs attention{noted}"]
    labels = {
        "alias_proposed": ("value_aliases row proposed", "value_aliases rows proposed"),
        "unmapped_event_type": ("unmapped event type", "unmapped event types"),
        "unmapped_stage": ("unmapped CRM stage", "unmapped CRM stages"),
        "no_mqls": ("model without MQLs", "models without MQLs"),
        "mql_share_above_limit": ("model above the MQL share limit", "models above the MQL share limit"),
        "no_leads": ("model without leads", "models without leads"),
        "unknown_attribute": ("rule on an unknown attribute", "rules on an unknown attribute"),
        "attribute_without_values": ("rule on an attribute without values", "rules on attributes without values"),
        "event_type_not_in_data": ("decay rule on missing events", "decay rules on missing events"),
    }
    counts: dict[str, int] = {}
    for row in found.attention:
        counts[row["finding"]] = counts.get(row["finding"], 0) + 1
    parts = [
        f"{count} {labels.get(kind, (kind, kind))[0 if count == 1 else 1]}" for kind, count in sorted(counts.items())
    ]
    return [
        f"data fit: {_needing(len(found.attention))} attention: {', '.join(parts)}{noted}",
        "data fit: run `leadscore check` for the values, rules and proposed value_aliases rows",
    ]


def check_summary(settings: Settings) -> list[str]:
    """The daily run's short check: summary lines from the data-fit tables the run's build wrote
    into the warehouse (read-only; call it after the build). Never raises: a check that cannot be
    read says so in its line instead of failing the run."""
    from leadscore.warehouse import connect

    try:
        with connect(settings) as connection:
            return summary_lines(load_data_fit(connection))
    except Exception as error:  # noqa: BLE001 - the run's summary must not fail on its check
        return [f"data fit: not checked ({str(error).splitlines()[0] if str(error) else type(error).__name__})"]


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


DATA_FIT_TITLE = "Data fit: the landed data against the seeds"


def data_fit_section(found: DataFit | None) -> tuple[str, str]:
    """The report page's data-fit section as (intro, body) HTML, in the markup of its other
    sections (figure > figcaption + table, td.num, p.empty, p.note): the rules that need attention
    grouped by what they are about, unmapped event types and stages, the MQL share per model, the
    proposed value_aliases rows, and the notes folded in a <details>. Every value is escaped."""
    if found is None:
        return "", '<p class="empty">The warehouse has no data-fit tables yet: the next leadscore run builds them.</p>'

    intro = (
        f"{_e(_needing(len(found.attention)))} attention. "
        "<code>leadscore check</code> lists every value with its rules and prints the proposed rows as CSV."
    )
    parts = []
    if not found.attention:
        parts.append('<p class="note">Nothing needs attention: the rules meet the values in the data.</p>')
    groups = rule_groups(found, attention=True)
    if groups:
        parts.append(_html_table("Rules that need attention", ["about", "why", "rules"], _group_rows(groups), set()))
    if found.unmapped:
        unmapped_rows = [
            [
                _e(row["domain"]),
                _e("(missing)" if row["raw_value"] is None else row["raw_value"]),
                _e(_n(row["landed_rows"])),
                _e(_n(row["leads"])),
                _e(row["proposed_canonical_value"] or ""),
            ]
            for row in found.unmapped
        ]
        parts.append(
            _html_table(
                "Event types and CRM stages not mapped (rows left out of scoring)",
                ["domain", "value", "rows", "leads", "proposed"],
                unmapped_rows,
                {2, 3},
            )
        )
    share_rows = [
        [
            _e(row["model_id"]),
            _e(_n(row["leads"])),
            _e(_n(row["mqls"])),
            _e(_pct(row["mql_share"])),
            _e(row["finding"].replace("_", " ") if row["finding"] else ""),
        ]
        for row in found.mql_share
    ]
    parts.append(
        _html_table("MQL share per model", ["model", "leads", "MQLs", "share", "warning"], share_rows, {1, 2, 3})
    )
    if found.proposals:
        proposal_rows = [
            [
                _e(row["domain"]),
                _e(row["raw_value"]),
                _e(row["canonical_value"]),
                _e(row["match_kind"].replace("_", " ")),
                _e(_n(row["landed_rows"] if row["landed_rows"] is not None else row["leads"])),
            ]
            for row in found.proposals
        ]
        parts.append(
            _html_table(
                "Proposed value_aliases rows",
                ["domain", "raw_value", "canonical_value", "near match", "leads or rows"],
                proposal_rows,
                {4},
            )
        )
    notes = rule_groups(found, attention=False)
    if notes:
        parts.append(
            f"<details><summary>Notes: {_e(sum(len(ids) for _, _, seeds in notes for ids in seeds.values()))} rules "
            "that cannot or do not fire on this data</summary>"
            + _html_table("", ["about", "why", "rules"], _group_rows(notes), set())
            + "</details>"
        )
    return intro, "".join(parts)


def _group_rows(groups: list[RuleGroup]) -> list[list[str]]:
    return [
        [_e(subject), _e(reason), "<br>".join(f"{_e(seed)}: {_e(', '.join(ids))}" for seed, ids in seeds.items())]
        for subject, reason, seeds in groups
    ]


def _html_table(caption: str, headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    css = lambda i: ' class="num"' if i in numeric else ""  # noqa: E731
    head = "".join(f"<th{css(i)}>{_e(h)}</th>" for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td{css(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows)
    caption_html = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f"<figure>{caption_html}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></figure>"


# --- the command (registered at the end of cli.py) ----------------------------------------------


def register(app) -> None:
    """Add the `check` command to the CLI (cli.py calls this once it has defined its options; the
    annotations are evaluated here, so this module has no `from __future__ import annotations`)."""
    from leadscore.cli import DuckdbPath, LandingDir, ProjectDir, SeedsOption

    @app.command("check")
    def check(
        as_of: Annotated[
            str | None, typer.Option(help="Compare as of this day, YYYY-MM-DD (default: today, UTC)")
        ] = None,
        seeds: SeedsOption = None,
        values: Annotated[
            int, typer.Option(min=1, help="Values shown per attribute (values with a proposal are always shown)")
        ] = DEFAULT_VALUES_SHOWN,
        from_warehouse: Annotated[
            bool,
            typer.Option(
                "--from-warehouse",
                help="Read the data-fit tables the last run built into the warehouse (read-only, no build) instead of building them from the landing files",
            ),
        ] = False,
        project_dir: ProjectDir = None,
        duckdb_path: DuckdbPath = None,
        landing_dir: LandingDir = None,
    ) -> None:
        """Compare the landed data with the seeds before trusting a score: each attribute's values
        with their leads and matching rules, rules that cannot fire, unmapped event types and CRM
        stages, the MQL share per model, and value_aliases rows for near matches, printed as CSV
        lines to paste. Builds into a scratch DuckDB file, never the warehouse. Exit 0 when nothing
        needs attention, 1 when something does, 2 for a set-up error."""
        from rich.text import Text

        from leadscore.cli import _check_landing, _parse_day, _say, _settings, _warehouse_error, console

        settings = _settings(project_dir, duckdb_path, landing_dir)
        started = time.monotonic()
        if from_warehouse:
            if seeds is not None or as_of is not None:
                _say("--from-warehouse reads the tables of the last run: it takes no --seeds or --as-of")
                raise typer.Exit(EXIT_USAGE)
            found = _from_warehouse(settings, _say, _warehouse_error)
            source = f" (warehouse {settings.duckdb_path}, as its last build left it)"
        else:
            day = _parse_day(as_of)
            _check_landing(settings.landing_dir)
            try:
                with console.status(Text("Checking the data against the seeds...")) as status:
                    found = run_check(
                        settings, day, seeds, progress=lambda step: status.update(Text(f"Check: {step}..."))
                    )
            except CheckSetupError as error:
                _say(str(error))
                raise typer.Exit(EXIT_USAGE) from error
            except CheckError as error:
                _say(f"leadscore check: {error}")
                raise typer.Exit(EXIT_ATTENTION) from error
            source = f" (landing {settings.landing_dir}, seeds {seeds or 'seeds/'})"
        for line in format_report(found, values, source):
            typer.echo(line)
        console.print(f"checked in {time.monotonic() - started:.1f} s", markup=False, highlight=False)
        raise typer.Exit(EXIT_ATTENTION if found.needs_attention else EXIT_CLEAN)


def _from_warehouse(settings: Settings, say, warehouse_error) -> DataFit:
    from leadscore.warehouse import SUCCEEDED, WarehouseUnavailable

    try:
        found, run = _read_warehouse(settings)
        if run is not None and run.status != SUCCEEDED:
            say(
                f"warning: the latest run of {settings.duckdb_path}, {run.describe()}: what follows comes from its "
                "tables, which may not be a complete day. `leadscore check` without --from-warehouse builds its own.",
                style="yellow",
            )
        return found
    except FileNotFoundError as error:
        say(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    except WarehouseUnavailable as error:
        warehouse_error(settings, error)
    except CheckSetupError as error:
        say(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    raise AssertionError("unreachable")  # pragma: no cover
