"""Landing files of the two shapes learning must handle, with a planted truth, written directly in
the source contract (no demo generator):

- `write_export`: a one-off CRM export. Leads created over the span, page views with time on site
  and a few e-mail events over the span, lifecycle outcomes (sql, some won, some rejected) 3 to 20
  days after the export day; a few leads were already at sql inside the span and kept browsing.
- `write_history`: a live daily history. Leads created over most of a year, their events from
  creation on (after conversion too), each converter reaching sql 5 to 60 days after creation.

What drives conversion is planted and known: the custom attribute `lead_origin = lead add form`,
the custom attribute `occupation = working professional` (and `student` against), the event type
`email_click`, and time on site; against it, in the export, job seekers reading `/careers` pages
(5 % of the leads), who never convert. Noise that looks like signal to the shipped seeds: pricing
page views (worth +20 there) and lead sources. `country = india` holds for 97 % of the leads (a rule on
it would fire for nearly everyone) and `consent = no` for all of them.

Run as a script to write a data set for measurements:
    .venv/bin/python tests/python/learning_data.py export /tmp/export --leads 9000
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

DRIVERS = {"lead_origin": "lead add form", "occupation": "working professional", "event_type": "email_click"}
SITE = "https://learn.example"
PAGES = [
    ("/courses/data-science", 0.35),
    ("/pricing", 0.2),
    ("/blog/why-learn", 0.2),
    ("/docs/syllabus", 0.1),
    ("/", 0.15),
]


@dataclass
class Planted:
    """What the files hold: the leads' ids, who converted (reached sql inside the judged window)
    and who was already at sql before the observation day."""

    lead_ids: list[str]
    converted: set[str] = field(default_factory=set)
    converted_before: set[str] = field(default_factory=set)
    as_of: date | None = None
    last_event_day: date | None = None
    propensity: dict[str, float] = field(default_factory=dict)  # the planted log-odds, noise left out
    job_seekers: set[str] = field(default_factory=set)  # read /careers pages, never convert


def _choice(rng: np.random.Generator, pairs: list[tuple[str, float]], size: int) -> np.ndarray:
    values, weights = zip(*pairs)
    weights = np.array(weights) / sum(weights)
    return rng.choice(np.array(values, dtype=object), size=size, p=weights)


def _timestamp(day: date, seconds: float) -> str:
    return (datetime.combine(day, time()) + timedelta(seconds=int(seconds))).strftime("%Y-%m-%d %H:%M:%S")


def _leads(rng: np.random.Generator, count: int) -> dict[str, np.ndarray]:
    ids = np.array([f"L{i:05d}" for i in range(1, count + 1)], dtype=object)
    return {
        "lead_id": ids,
        "lead_source": _choice(
            rng,
            [
                ("google", 30),
                ("direct traffic", 25),
                ("olark chat", 20),
                ("organic search", 12),
                ("reference", 8),
                ("welingak website", 5),
            ],
            count,
        ),
        "lead_origin": _choice(
            rng, [("landing page submission", 50), ("api", 35), ("lead add form", 10), ("lead import", 5)], count
        ),
        "occupation": _choice(
            rng, [("unemployed", 55), ("working professional", 12), ("student", 20), ("", 13)], count
        ),
        "specialisation": _choice(
            rng,
            [
                ("finance management", 20),
                ("marketing management", 20),
                ("it projects", 15),
                ("operations", 15),
                ("", 30),
            ],
            count,
        ),
        "city": _choice(rng, [("mumbai", 40), ("thane", 10), ("other cities", 30), ("", 20)], count),
        "country": _choice(rng, [("india", 97), ("united states", 1.5), ("united arab emirates", 1.5)], count),
        "consent": np.array(["no"] * count, dtype=object),
    }


def _propensity(leads: dict[str, np.ndarray], clicked: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """The planted log-odds of converting, before the intercept."""
    return (
        2.0 * (leads["lead_origin"] == DRIVERS["lead_origin"])
        + 1.5 * (leads["occupation"] == DRIVERS["occupation"])
        - 0.8 * (leads["occupation"] == "student")
        + 1.3 * clicked
        + 0.45 * np.log1p(minutes)
    )


def _intercept_for(logits: np.ndarray, rate: float) -> float:
    low, high = -20.0, 20.0
    for _ in range(60):
        middle = (low + high) / 2
        if (1 / (1 + np.exp(-(logits + middle)))).mean() < rate:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _write(path: Path, header: list[str], rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_leads(landing: Path, leads: dict[str, np.ndarray], created: list[str]) -> None:
    columns = [
        "lead_id",
        "email",
        "created_at",
        "Lead Source",
        "Lead Origin",
        "Occupation",
        "Specialisation",
        "City",
        "Country",
        "Consent",
    ]
    keys = ["lead_source", "lead_origin", "occupation", "specialisation", "city", "country", "consent"]
    rows = (
        [lead_id, f"{lead_id.lower()}@mail{i % 20}.example", created[i], *(leads[k][i] for k in keys)]
        for i, lead_id in enumerate(leads["lead_id"])
    )
    _write(landing / "leads.csv", columns, rows)


def _browsing(rng: np.random.Generator, engaged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per lead: number of page views and seconds per view (engaged leads stay longer)."""
    views = rng.poisson(2 + 4 * engaged)
    seconds = rng.gamma(2.0, 60 + 120 * engaged)
    return views, seconds


def _intent(rng: np.random.Generator, people: dict[str, np.ndarray], rate: float):
    """Per lead: whether it clicks an e-mail, its page views, seconds per view, minutes on site and
    whether it converts (the planted log-odds plus noise, at the overall `rate`)."""
    count = len(people["lead_id"])
    engaged = rng.random(count)
    clicked = rng.random(count) < 0.25
    views, seconds = _browsing(rng, engaged)
    minutes = views * seconds / 60
    logits = _propensity(people, clicked, minutes) + 0.6 * rng.standard_normal(count)
    converts = rng.random(count) < 1 / (1 + np.exp(-(logits + _intercept_for(logits, rate))))
    return clicked, views, seconds, minutes, converts


def write_export(
    landing: Path,
    leads: int = 2000,
    seed: int = 15,
    export_day: date = date(2026, 3, 1),
    span_days: int = 60,
    rate: float = 0.39,
) -> Planted:
    """A one-off export: events over the `span_days` days up to `export_day`, outcomes 3 to 20
    days after it. --as-of is export_day + 21. ~2 % of the leads were already at sql inside the
    span (and kept browsing after it)."""
    rng = np.random.default_rng(seed)
    people = _leads(rng, leads)
    first_day = export_day - timedelta(days=span_days - 1)
    created_offset = rng.integers(0, span_days, leads)
    clicked, views, seconds, minutes, converts = _intent(rng, people, rate)
    job_seeker = rng.random(leads) < 0.05
    converts &= ~job_seeker
    early = (rng.random(leads) < 0.02) & (created_offset < span_days - 15) & ~job_seeker

    created, events, lifecycle = [], [], []
    planted = Planted(
        lead_ids=list(people["lead_id"]),
        as_of=export_day + timedelta(days=21),
        propensity=dict(zip(people["lead_id"], _propensity(people, clicked, minutes))),
    )
    for i, lead_id in enumerate(people["lead_id"]):
        start = first_day + timedelta(days=int(created_offset[i]))
        created.append(_timestamp(start, rng.integers(8 * 3600, 20 * 3600)))
        life = (export_day - start).days + 1
        for _ in range(int(views[i]) + 1):  # the visit that created the lead, then returns
            day = start + timedelta(days=int(rng.integers(0, life)))
            page = _choice(rng, PAGES, 1)[0]
            events.append(
                [
                    lead_id,
                    "page_view",
                    _timestamp(day, rng.integers(0, 86_000)),
                    SITE + page,
                    int(rng.gamma(2.0, seconds[i] / 2)),
                ]
            )
        for _ in range(int(rng.poisson(1.5))):
            day = start + timedelta(days=int(rng.integers(0, life)))
            events.append([lead_id, "email_open", _timestamp(day, rng.integers(0, 86_000)), "", ""])
        if clicked[i]:
            day = start + timedelta(days=int(rng.integers(0, life)))
            events.append([lead_id, "email_click", _timestamp(day, rng.integers(0, 86_000)), "", ""])
        for _ in range(int(job_seeker[i]) * int(rng.integers(1, 4))):
            day = start + timedelta(days=int(rng.integers(0, life)))
            events.append(
                [
                    lead_id,
                    "page_view",
                    _timestamp(day, rng.integers(0, 86_000)),
                    SITE + "/careers/open-roles",
                    int(rng.gamma(2.0, 40)),
                ]
            )
        if early[i]:
            day = start + timedelta(days=int(rng.integers(1, 10)))
            lifecycle.append([lead_id, "sql", _timestamp(day, 36_000), ""])
            planted.converted_before.add(lead_id)
        elif converts[i]:
            day = export_day + timedelta(days=int(rng.integers(3, 21)))
            lifecycle.append([lead_id, "sql", _timestamp(day, 36_000), ""])
            planted.converted.add(lead_id)
            if rng.random() < 0.4:
                lifecycle.append(
                    [
                        lead_id,
                        "won",
                        _timestamp(min(day + timedelta(days=3), export_day + timedelta(days=20)), 50_000),
                        "",
                    ]
                )
        elif rng.random() < 0.2:
            day = export_day + timedelta(days=int(rng.integers(3, 21)))
            lifecycle.append([lead_id, "rejected", _timestamp(day, 36_000), "not interested"])
    planted.last_event_day = export_day
    planted.job_seekers = set(people["lead_id"][job_seeker])
    _write_leads(landing, people, created)
    _write(landing / "events.csv", ["lead_id", "event_type", "occurred_at", "page_url", "duration_seconds"], events)
    _write(landing / "lifecycle.csv", ["lead_id", "stage", "entered_at", "reason"], lifecycle)
    return planted


def write_history(
    landing: Path,
    leads: int = 1500,
    seed: int = 16,
    as_of: date = date(2026, 6, 30),
    history_days: int = 150,
    rate: float = 0.3,
) -> Planted:
    """A live history up to `as_of`: leads created over the `history_days` days before it, each
    browsing from creation until as_of (converted leads too: their later events must not be
    learned from); a converter reaches sql 5 to 60 days after creation, after its e-mail click."""
    rng = np.random.default_rng(seed)
    people = _leads(rng, leads)
    first_day = as_of - timedelta(days=history_days)
    created_offset = rng.integers(0, history_days - 5, leads)
    clicked, views, seconds, minutes, converts = _intent(rng, people, rate)

    created, events, lifecycle = [], [], []
    planted = Planted(
        lead_ids=list(people["lead_id"]),
        as_of=as_of,
        propensity=dict(zip(people["lead_id"], _propensity(people, clicked, minutes))),
    )
    for i, lead_id in enumerate(people["lead_id"]):
        start = first_day + timedelta(days=int(created_offset[i]))
        created.append(_timestamp(start, rng.integers(8 * 3600, 20 * 3600)))
        delay = int(rng.integers(5, 61))
        # intent shows up soon after creation: the click and most visits before a conversion
        active = max(delay - 1, 1)
        for _ in range(int(views[i]) + 1):
            day = start + timedelta(days=int(rng.integers(0, active)))
            if day <= as_of:
                events.append(
                    [
                        lead_id,
                        "page_view",
                        _timestamp(day, rng.integers(0, 86_000)),
                        SITE + _choice(rng, PAGES, 1)[0],
                        int(rng.gamma(2.0, seconds[i] / 2)),
                    ]
                )
        for _ in range(int(rng.poisson(1.5))):
            day = start + timedelta(days=int(rng.integers(0, 90)))
            if day <= as_of:
                events.append([lead_id, "email_open", _timestamp(day, rng.integers(0, 86_000)), "", ""])
        if clicked[i]:
            day = start + timedelta(days=int(rng.integers(0, active)))
            if day <= as_of:
                events.append([lead_id, "email_click", _timestamp(day, rng.integers(0, 86_000)), "", ""])
        sql_day = start + timedelta(days=delay)
        if converts[i] and sql_day <= as_of:
            lifecycle.append([lead_id, "sql", _timestamp(sql_day, 36_000), ""])
            planted.converted.add(lead_id)
            # after sales took it, the lead keeps visiting: a leak if ever observed after sql
            for _ in range(5):
                day = sql_day + timedelta(days=int(rng.integers(1, 30)))
                if day <= as_of:
                    events.append([lead_id, "page_view", _timestamp(day, 40_000), SITE + "/pricing", 600])
    planted.last_event_day = as_of
    _write_leads(landing, people, created)
    _write(landing / "events.csv", ["lead_id", "event_type", "occurred_at", "page_url", "duration_seconds"], events)
    _write(landing / "lifecycle.csv", ["lead_id", "stage", "entered_at", "reason"], lifecycle)
    return planted


# --- the generator's own checks (fast, no dbt) --------------------------------------------------


if __name__ == "__main__":  # pragma: no cover - writes a data set for measurements
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", choices=["export", "history"])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--leads", type=int, default=9000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    writer = write_export if args.shape == "export" else write_history
    result = writer(args.landing, leads=args.leads, seed=args.seed)
    print(
        f"{len(result.lead_ids):,} leads, {len(result.converted):,} converted in the window, "
        f"{len(result.converted_before):,} already at sql; as-of {result.as_of}",
        file=sys.stderr,
    )
