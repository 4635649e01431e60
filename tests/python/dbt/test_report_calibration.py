"""Score calibration (rpt_score_band_conversion, rpt_score_threshold_curve) and the conversion
probability (dim_score_probability_bins, fct_lead_scores.conversion_probability) on real DuckDB
builds: a hand-made landing set whose numbers are worked out below, and demo data recomputed here
in plain Python from the score history, the raw lifecycle file and the probability_settings seed
(bins, smoothing and pool-adjacent-violators written again, the textbook way)."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, make_settings, write_csv
from leadscore.demo.demo_data import generate_demo_data
from leadscore.running.dbt_runner import build

WINDOW_DAYS = 90  # report_settings.conversion_window_days
# Stages at or beyond sql (lifecycle_stages rank >= 2): a lead won without a sql record converted.
SQL_OR_LATER = {"sql", "opportunity", "lost", "won"}
CALIBRATION = ["+rpt_score_band_conversion", "+rpt_score_threshold_curve", "fct_lead_scores"]
ALREADY_CONVERTED = "already at sql or beyond"


@pytest.fixture
def calibration_only(isolated_dbt: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Build only the calibration models and their own tests: a test that joins another report
    model to a shared parent (scoring_models) is left to that model's build."""
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    return isolated_dbt


def rows(database: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as db:
        return db.execute(query).fetchall()


def shown(value: Fraction | None) -> Decimal | None:
    """A ratio as the models show it, to 4 decimals (None when undefined)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def assert_same(actual: dict[tuple, tuple], expected: dict[tuple, tuple]) -> None:
    """Same keys, same counts and scores; ratios may differ by one unit in the 4th decimal (the
    database rounds a binary double, this test the exact fraction, so a 5 in the 5th decimal
    can go either way)."""
    assert actual.keys() == expected.keys()
    for key, values in expected.items():
        for got, want in zip(actual[key], values, strict=True):
            if isinstance(want, Decimal) and got is not None and want.as_tuple().exponent == -4:
                assert abs(got - want) <= Decimal("0.0001"), (key, actual[key], values)
            else:
                assert got == want, (key, actual[key], values)


# ---------------------------------------------------------------------------------------------
# Hand-made case: nine leads without events, three profiles, scored on two days 100 days apart.

DAY_1 = date(2026, 1, 5)
DAY_2 = DAY_1 + timedelta(days=100)

# No events and no creation date: fit points, and the two decay rules for leads that never
# engaged, no social engagement in 30 days -8 and no web visit in 45 days -15 (-23 in all):
#   NEG  personal e-mail -20, Germany (europe) +8, no job title -5 - 23          = -40
#   LOW  business e-mail, United States (north america) +10, director +15,
#        finance +5 - 23                                                          =   7
#   HIGH United States +10, vp +18, marketing +10, referral +10 - 23              =  25
PROFILES = {
    "NEG": "{lead}@gmail.com,Germany,,,,",
    "LOW": "{lead}@lowco.example,United States,Finance Director,director,finance,",
    "HIGH": "{lead}@highco.example,United States,VP Marketing,vp,marketing,referral",
}
HAND_SCORES = {"NEG": Decimal("-40.00"), "LOW": Decimal("7.00"), "HIGH": Decimal("25.00")}
HAND_LEADS = {
    "N1": "NEG",
    "N2": "NEG",
    "N3": "NEG",
    "L1": "LOW",
    "L2": "LOW",
    "L3": "LOW",
    "H1": "HIGH",
    "H2": "HIGH",
    "H3": "HIGH",
}
# Day 1 + 90 days is 2026-04-05: sql up to the end of that day counts.
HAND_STAGES = [
    "N1,sql,2026-01-15 10:00:00,",  # converted
    "N3,rejected,2026-01-10 10:00:00,Bad timing",  # rejected is not sql: not converted
    "L1,sql,2026-04-10 10:00:00,",  # day 1 + 95 days: too late
    "L2,won,2026-02-14 10:00:00,",  # won without a sql record: converted
    "L3,sql,2026-01-05 08:00:00,",  # at sql on day 1 already: no observation
    "H1,sql,2026-04-05 12:00:00,",  # the last day of the window: converted
    "H2,opportunity,2026-01-08 10:00:00,",  # converted
]


def hand_landing(folder: Path) -> Path:
    write_csv(
        folder / "leads.csv",
        "lead_id,email,country,job_title,seniority,department,lead_source",
        [f"{lead}," + PROFILES[profile].format(lead=lead.lower()) for lead, profile in HAND_LEADS.items()],
    )
    write_csv(folder / "lifecycle.csv", "lead_id,stage,entered_at,reason", HAND_STAGES)
    return folder


def test_hand_made_history_gives_the_bands_and_threshold_worked_out_by_hand(calibration_only: Path) -> None:
    settings = make_settings(calibration_only, hand_landing(calibration_only / "landing"))
    for day in (DAY_1, DAY_2):
        build(settings, day, select=CALIBRATION)
    database = settings.duckdb_path

    day_1_scores = dict(
        rows(
            database,
            f"select lead_id, total_score from fct_lead_score_history where as_of_date = '{DAY_1}'",
        )
    )
    assert day_1_scores == {lead: HAND_SCORES[profile] for lead, profile in HAND_LEADS.items()}

    # Day 2 is too recent (10 days left of the window); L3 was at sql on day 1. Eight
    # observations, four converted (N1, L2, H1, H2): base rate 0.5.
    observations = rows(
        database, "select lead_id, observed_on, converted from fct_lead_score_observations order by lead_id"
    )
    assert observations == [
        ("H1", DAY_1, True),
        ("H2", DAY_1, True),
        ("H3", DAY_1, False),
        ("L1", DAY_1, False),
        ("L2", DAY_1, True),
        ("N1", DAY_1, True),
        ("N2", DAY_1, False),
        ("N3", DAY_1, False),
    ]

    d = Decimal
    bands = rows(
        database,
        """
        select band_kind, band_label, band_min, band_max, observations, conversions,
            conversion_rate, base_rate, lift
        from rpt_score_band_conversion
        where model_id = 'default'
        order by band_kind, band_min, band_label
        """,
    )
    assert bands == [
        # '<0': N1-N3, 1 of 3: 0.3333, lift (1/3) / (1/2) = 0.6667
        ("band", "<0", d("-40.00"), d("-40.00"), 3, 1, d("0.3333"), d("0.5000"), d("0.6667")),
        # '0-24': L1, L2, 1 of 2, lift 1
        ("band", "0-24", d("7.00"), d("7.00"), 2, 1, d("0.5000"), d("0.5000"), d("1.0000")),
        # '25-49' (25 is its lower edge): H1-H3, 2 of 3, lift 1.3333
        ("band", "25-49", d("25.00"), d("25.00"), 3, 2, d("0.6667"), d("0.5000"), d("1.3333")),
        # eight observations: one per decile 1-8, in score then lead order
        ("decile", "1", d("-40.00"), d("-40.00"), 1, 1, d("1.0000"), d("0.5000"), d("2.0000")),  # N1
        ("decile", "2", d("-40.00"), d("-40.00"), 1, 0, d("0.0000"), d("0.5000"), d("0.0000")),  # N2
        ("decile", "3", d("-40.00"), d("-40.00"), 1, 0, d("0.0000"), d("0.5000"), d("0.0000")),  # N3
        ("decile", "4", d("7.00"), d("7.00"), 1, 0, d("0.0000"), d("0.5000"), d("0.0000")),  # L1
        ("decile", "5", d("7.00"), d("7.00"), 1, 1, d("1.0000"), d("0.5000"), d("2.0000")),  # L2
        ("decile", "6", d("25.00"), d("25.00"), 1, 1, d("1.0000"), d("0.5000"), d("2.0000")),  # H1
        ("decile", "7", d("25.00"), d("25.00"), 1, 1, d("1.0000"), d("0.5000"), d("2.0000")),  # H2
        ("decile", "8", d("25.00"), d("25.00"), 1, 0, d("0.0000"), d("0.5000"), d("0.0000")),  # H3
    ]

    # Eight observations are far from the 200 (and 4 converted leads from the 20) a probability
    # needs: one bin of bin size 50, rate (4 + 10 x 0.5) / (8 + 10) = 0.5 smoothed, not calibrated.
    assert rows(
        database,
        "select training_set, bin_number, observations, conversion_probability, set_converted_leads, is_calibrated "
        "from dim_score_probability_bins where training_set = 'all'",
    ) == [("all", 1, 8, d("0.5000"), 4, False)]
    # so no lead has a probability: on day 2 N2, N3 (rejected) and H3 are open and say why
    reasons = dict(rows(database, "select lead_id, conversion_probability_reason from fct_lead_scores"))
    few = "too few outcomes: observations 8 (needs 200), converted leads 4 (needs 20)"
    assert reasons == {lead: few if lead in ("N2", "N3", "H3") else ALREADY_CONVERTED for lead in HAND_LEADS}
    assert rows(database, "select count(conversion_probability) from fct_lead_scores") == [(0,)]

    curve = rows(
        database,
        """
        select threshold, mqls_at_threshold, conversions_captured, precision, recall, f1,
            is_recommended, recommendation_rule, current_mql_threshold
        from rpt_score_threshold_curve
        where model_id = 'default'
        order by threshold
        """,
    )
    rule = "best F1 for sql within 90 days"
    # Thresholds -40 to 25. At -40 all 8 pass (4 converted): F1 2 x 4 / (8 + 4) = 0.6667; from
    # -35 to 5 the LOW and HIGH leads pass (5, 3 converted): F1 2 x 3 / (5 + 4) = 0.6667; from 10
    # to 25 the HIGH leads (3, 2 converted): F1 2 x 2 / (3 + 4) = 0.5714. Best F1 is tied from
    # -40 to 5: the higher threshold wins, 5.
    all_pass = (8, 4, d("0.5000"), d("1.0000"), d("0.6667"))
    low_up = (5, 3, d("0.6000"), d("0.7500"), d("0.6667"))
    high_only = (3, 2, d("0.6667"), d("0.5000"), d("0.5714"))
    expected = [(-40, *all_pass)]
    expected += [(t, *low_up) for t in range(-35, 10, 5)]
    expected += [(t, *high_only) for t in (10, 15, 20, 25)]
    assert curve == [
        (d(threshold).quantize(d("0.01")), *counts, threshold == 5, rule, d("150.00"))
        for threshold, *counts in expected
    ]


# ---------------------------------------------------------------------------------------------
# Demo data: the same numbers recomputed here from the history and the raw lifecycle file.

DEMO_END = date(2026, 6, 30)
DEMO_DAYS = (DEMO_END - timedelta(days=150), DEMO_END - timedelta(days=91), DEMO_END)


def sql_dates(lifecycle_file: Path, as_of: date) -> dict[str, datetime]:
    """First time each lead was at sql or beyond, known on the as-of day."""
    cutoff = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    first: dict[str, datetime] = {}
    with lifecycle_file.open(newline="") as handle:
        for row in csv.DictReader(handle):
            entered = datetime.fromisoformat(row["entered_at"])
            if row["stage"] in SQL_OR_LATER and entered < cutoff:
                first[row["lead_id"]] = min(entered, first.get(row["lead_id"], entered))
    return first


def observations(history: Iterable[tuple], sql_at: dict[str, datetime], as_of: date) -> list[tuple]:
    """(model_id, lead_id, day, total_score, converted) for days old enough, lead not yet at sql."""
    found = []
    for day, lead_id, model_id, total_score in history:
        if (as_of - day).days < WINDOW_DAYS:
            continue
        start = datetime.combine(day + timedelta(days=1), datetime.min.time())
        reached = sql_at.get(lead_id)
        if reached is not None and reached < start:
            continue
        converted = reached is not None and reached < start + timedelta(days=WINDOW_DAYS)
        found.append((model_id, lead_id, day, total_score, converted))
    return found


def ntile(count: int, buckets: int) -> list[int]:
    """SQL ntile: the first count % buckets groups get one row more."""
    size, extra = divmod(count, buckets)
    groups = []
    for bucket in range(1, buckets + 1):
        groups += [bucket] * (size + (1 if bucket <= extra else 0))
    return groups


def band_label(score: Decimal) -> str:
    if score < 0:
        return "<0"
    start = floor(score / 25) * 25
    return f"{start}-{start + 24}"


def expected_bands(observed: list[tuple], predicted: dict[tuple, tuple]) -> dict[tuple, tuple]:
    by_model: dict[str, list[tuple]] = defaultdict(list)
    for row in observed:
        by_model[row[0]].append(row)
    expected = {}
    for model_id, model_rows in by_model.items():
        total, converted = len(model_rows), sum(row[4] for row in model_rows)
        ordered = sorted(model_rows, key=lambda row: (row[3], row[1], row[2]))
        groups: dict[tuple, list[tuple]] = defaultdict(list)
        for row, decile in zip(ordered, ntile(len(ordered), 10)):
            groups[("band", band_label(row[3]))].append(row)
            groups[("decile", str(decile))].append(row)
            if predicted[row[:3]][0] is not None:
                groups[("probability_bin", str(predicted[row[:3]][0]))].append(row)
        for (kind, label), members in groups.items():
            hits = sum(row[4] for row in members)
            lift = Fraction(hits * total, len(members) * converted) if converted else None
            expected[(model_id, kind, label)] = (
                min(row[3] for row in members),
                max(row[3] for row in members),
                len(members),
                hits,
                shown(Fraction(hits, len(members))),
                shown(Fraction(converted, total)),
                shown(lift),
                mean([predicted[row[:3]][1] for row in members if predicted[row[:3]][1] is not None]),
                mean([predicted[row[:3]][2] for row in members if predicted[row[:3]][2] is not None]),
            )
    return expected


def probability_settings() -> dict[str, int]:
    with (PROJECT_DIR / "seeds" / "probability_settings.csv").open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    return {key: int(value) for key, value in row.items()}


def lead_half(lead_id: str) -> int:
    return 1 if hashlib.md5(lead_id.encode()).hexdigest()[-1] in "01234567" else 2


def learn_bins(observed: list[tuple], settings: dict[str, int]) -> dict:
    """The probability bins of one model's observations (model, lead, day, score, converted):
    equal-frequency cuts that keep ties together, short cuts joined to the bin below, smoothing
    towards the base rate, then pool adjacent violators with a stack."""
    count = len(observed)
    conversions = sum(row[4] for row in observed)
    converted_leads = len({row[1] for row in observed if row[4]})
    base = Fraction(conversions, count)
    size = max(settings["min_bin_observations"], ceil(count / settings["max_bins"]))
    by_score: dict[Decimal, list[bool]] = defaultdict(list)
    for row in observed:
        by_score[row[3]].append(row[4])
    cuts: dict[int, list[tuple[Decimal, list[bool]]]] = defaultdict(list)
    below = 0
    for score in sorted(by_score):
        cuts[below // size].append((score, by_score[score]))
        below += len(by_score[score])
    bins: list[dict] = []
    for cut in sorted(cuts):
        outcomes = [flag for _, flags in cuts[cut] for flag in flags]
        if not bins or len(outcomes) >= size:
            bins.append({"scores": [], "outcomes": []})
        bins[-1]["scores"] += [score for score, _ in cuts[cut]]
        bins[-1]["outcomes"] += outcomes
    prior = settings["prior_observations"]
    blocks: list[list] = []  # [smoothed conversions, smoothed observations, bins in the block]
    for item in bins:
        blocks.append([sum(item["outcomes"]) + prior * base, len(item["outcomes"]) + prior, 1])
        while len(blocks) > 1 and Fraction(blocks[-2][0]) / blocks[-2][1] > Fraction(blocks[-1][0]) / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    rates = [Fraction(block[0]) / block[1] for block in blocks for _ in range(block[2])]
    for number, (item, rate) in enumerate(zip(bins, rates, strict=True), start=1):
        item.update(
            number=number,
            band_min=min(item["scores"]),
            band_max=max(item["scores"]),
            probability=rate,
            lower=min(item["scores"]) if number > 1 else None,
        )
    for item, following in zip(bins, bins[1:] + [None]):
        item["upper"] = following["band_min"] if following else None
    calibrated = count >= settings["min_observations"] and converted_leads >= settings["min_converted_leads"]
    return {"bins": bins, "calibrated": calibrated, "observations": count, "converted_leads": converted_leads}


def bin_of(learned: dict, score: Decimal) -> dict:
    (found,) = [
        item
        for item in learned["bins"]
        if (item["lower"] is None or score >= item["lower"]) and (item["upper"] is None or score < item["upper"])
    ]
    return found


def mean(values: list[Decimal]) -> Decimal | None:
    return shown(Fraction(sum(values)) / len(values)) if values else None


def learn_all(observed: list[tuple], settings: dict[str, int]) -> dict[tuple[str, str], dict]:
    """(model, training set) -> learn_bins: `all`, and each half of the leads on its own."""
    sets: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in observed:
        sets[(row[0], "all")].append(row)
        sets[(row[0], f"half_{lead_half(row[1])}")].append(row)
    return {key: learn_bins(members, settings) for key, members in sets.items()}


def predictions(observed: list[tuple], learned: dict) -> dict[tuple, tuple]:
    """(model, lead, day) -> (bin number, in-sample probability, held-out probability), rounded
    to 4 decimals as the bins table stores them; all None for a model without a probability."""
    found = {}
    for row in observed:
        live = learned[(row[0], "all")]
        if not live["calibrated"]:
            found[row[:3]] = (None, None, None)
            continue
        item = bin_of(live, row[3])
        other = learned.get((row[0], f"half_{3 - lead_half(row[1])}"))
        held_out = shown(bin_of(other, row[3])["probability"]) if other else None
        found[row[:3]] = (item["number"], shown(item["probability"]), held_out)
    return found


def expected_curve(observed: list[tuple]) -> tuple[dict[tuple, tuple], dict[str, int]]:
    """(model, threshold) -> (passing, captured, precision, recall, f1), and per model the
    threshold with the highest exact F1 (ties to the higher threshold)."""
    by_model: dict[str, list[tuple]] = defaultdict(list)
    for row in observed:
        by_model[row[0]].append(row)
    curve: dict[tuple, tuple] = {}
    best: dict[str, int] = {}
    for model_id, model_rows in by_model.items():
        scores = [row[3] for row in model_rows]
        conversions = sum(row[4] for row in model_rows)
        ranking = []
        for threshold in range(floor(min(scores) / 5) * 5, ceil(max(scores) / 5) * 5 + 1, 5):
            passing = [row for row in model_rows if row[3] >= threshold]
            captured = sum(row[4] for row in passing)
            f1 = Fraction(2 * captured, len(passing) + conversions) if passing or conversions else None
            curve[(model_id, threshold)] = (
                len(passing),
                captured,
                shown(Fraction(captured, len(passing))) if passing else None,
                shown(Fraction(captured, conversions)) if conversions else None,
                shown(f1),
            )
            ranking.append((f1 if f1 is not None else Fraction(-1), threshold))
        best[model_id] = max(ranking)[1]
    return curve, best


def test_demo_calibration_matches_an_independent_recomputation(calibration_only: Path) -> None:
    landing = calibration_only / "landing"
    generate_demo_data(landing, leads=2000, seed=5, end_date=DEMO_END, file_format="csv", events_per_lead=20)
    settings = make_settings(calibration_only, landing)
    for day in DEMO_DAYS:
        build(settings, day, select=CALIBRATION)
    database = settings.duckdb_path

    history = rows(database, "select as_of_date, lead_id, model_id, total_score from fct_lead_score_history")
    observed = observations(history, sql_dates(landing / "lifecycle.csv", DEMO_END), DEMO_END)
    assert {row[2] for row in observed} == set(DEMO_DAYS[:2])
    assert sum(row[4] for row in observed) > 0

    table_bands = {
        (model_id, kind, label): tuple(values)
        for model_id, kind, label, *values in rows(
            database,
            """
            select model_id, band_kind, band_label, band_min, band_max, observations, conversions,
                conversion_rate, base_rate, lift, predicted_probability, heldout_probability
            from rpt_score_band_conversion
            """,
        )
    }
    settings = probability_settings()
    learned = learn_all(observed, settings)
    predicted = predictions(observed, learned)
    assert_same(table_bands, expected_bands(observed, predicted))
    # the comparison means something: a model has a probability, and its held-out check
    assert any(learned[(model_id, "all")]["calibrated"] for model_id, _ in learned)
    assert any(row[2] is not None for row in predicted.values())

    table_bins = {
        (model_id, training_set, number): tuple(values)
        for model_id, training_set, number, *values in rows(
            database,
            """
            select model_id, training_set, bin_number, lower_bound, upper_bound, band_min, band_max,
                observations, conversions, conversion_probability, is_calibrated
            from dim_score_probability_bins
            """,
        )
    }
    assert_same(
        table_bins,
        {
            (model_id, training_set, item["number"]): (
                item["lower"],
                item["upper"],
                item["band_min"],
                item["band_max"],
                len(item["outcomes"]),
                sum(item["outcomes"]),
                shown(item["probability"]),
                found["calibrated"],
            )
            for (model_id, training_set), found in learned.items()
            for item in found["bins"]
        },
    )
    # the probability never falls as the score rises
    for found in learned.values():
        probabilities = [item["probability"] for item in found["bins"]]
        assert probabilities == sorted(probabilities)

    # each lead's probability on the last day: its current score's bin, unless the lead is at sql
    sql_at = sql_dates(landing / "lifecycle.csv", DEMO_END)
    cutoff = datetime.combine(DEMO_END + timedelta(days=1), datetime.min.time())
    expected_leads = {}
    for lead_id, model_id, total_score in rows(
        database, f"select lead_id, model_id, total_score from fct_lead_score_history where as_of_date = '{DEMO_END}'"
    ):
        live = learned.get((model_id, "all"))
        if lead_id in sql_at and sql_at[lead_id] < cutoff:
            expected_leads[(lead_id, model_id)] = (None, ALREADY_CONVERTED)
        elif live is None:
            expected_leads[(lead_id, model_id)] = (
                None,
                f"no outcomes yet: no score of this model is {WINDOW_DAYS} days old (leadscore backfill scores past days)",
            )
        elif not live["calibrated"]:
            expected_leads[(lead_id, model_id)] = (
                None,
                f"too few outcomes: observations {live['observations']} (needs {settings['min_observations']}), "
                f"converted leads {live['converted_leads']} (needs {settings['min_converted_leads']})",
            )
        else:
            expected_leads[(lead_id, model_id)] = (shown(bin_of(live, total_score)["probability"]), None)
    table_leads = {
        (lead_id, model_id): (probability, reason)
        for lead_id, model_id, probability, reason in rows(
            database,
            "select lead_id, model_id, conversion_probability, conversion_probability_reason from fct_lead_scores",
        )
    }
    assert_same(table_leads, expected_leads)

    curve, best = expected_curve(observed)
    table_curve = rows(
        database,
        """
        select model_id, threshold, mqls_at_threshold, conversions_captured, precision, recall, f1,
            is_recommended
        from rpt_score_threshold_curve
        """,
    )
    assert_same({(row[0], int(row[1])): tuple(row[2:7]) for row in table_curve}, curve)
    recommended = [(row[0], int(row[1])) for row in table_curve if row[7]]
    assert sorted(recommended) == sorted(best.items())

    # The demo's outcomes follow its planted drivers (fit and a buying journey), so over all
    # models the top score decile converts more often than the bottom one, and the upper five
    # deciles more than the lower five.
    deciles = {
        int(label): (observed_count, converted_count)
        for label, observed_count, converted_count in rows(
            database,
            """
            select band_label, sum(observations), sum(conversions)
            from rpt_score_band_conversion
            where band_kind = 'decile'
            group by band_label
            """,
        )
    }

    def pooled(selected: range) -> Fraction:
        return Fraction(sum(deciles[decile][1] for decile in selected), sum(deciles[decile][0] for decile in selected))

    assert pooled(range(10, 11)) > pooled(range(1, 2))
    assert pooled(range(6, 11)) > pooled(range(1, 6))
