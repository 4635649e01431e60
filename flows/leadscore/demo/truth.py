"""demo_truth.json: every planted weight and rule, the outcome rates seen in the data, and the
drivers' measured effects within the conversion window."""

from __future__ import annotations

import math
from collections.abc import Sequence

import duckdb

from leadscore.demo.measured_truth import observed_rates
from leadscore.demo.model import (
    COMPETITOR_FIT,
    ENGAGED_LEAD_IN_MEAN_DAYS,
    ENGAGED_TAIL_MEAN_DAYS,
    HAND_RAISE_DAYS,
    JOURNEY_DRIVERS,
    JOURNEY_EXTRA_MEAN_DAYS,
    JOURNEY_MIN_DAYS,
    JOURNEY_START_MEAN_DAYS,
    NO_ACCOUNT_FIT,
    OPP_FIT,
    OPP_INTENT,
    OPP_INTERCEPT,
    PERSONAL_FIT,
    PRICING_FROM,
    QUIET_OPEN_FACTOR,
    QUIET_SHARE,
    REJECTED_BAD_FIT,
    REJECTED_BAD_FIT_NOTICED,
    REJECTED_BUSY_JOURNEY,
    REJECTED_HAND_RAISER,
    REJECTED_OTHER,
    SIZE_FIT,
    SQL_DELAY_MEAN_DAYS,
    SQL_FIT,
    SQL_INTERCEPT,
    WON_FIT,
    WON_INTENT,
    WON_INTERCEPT,
)
from leadscore.demo.plan import Plan
from leadscore.demo.vocabulary import BUSINESS_MODELS, COMPETITORS, INDUSTRIES, PERSONAL_DOMAINS, SENIORITIES


def _strength(log_odds: float) -> str:
    return "strong" if log_odds >= 1.5 else "medium" if log_odds >= 0.8 else "weak"


def planted_drivers() -> list[dict[str, object]]:
    """The drivers with what they do to the odds of sql: the journey's drivers, fit, job seekers."""
    by_driver = {name: (first, repeat, cap) for name, _, first, repeat, cap in JOURNEY_DRIVERS}

    def journey(name: str, driver: str, kind: str, how: str, **extra: object) -> dict[str, object]:
        first, repeat, cap = by_driver[driver]
        return {
            "name": name,
            "kind": kind,
            "sign": 1,
            "strength": _strength(first),
            "journey_driver": driver,
            "log_odds_first": first,
            "log_odds_repeat": repeat,
            "log_odds_max": cap,
            "odds_ratio_first": round(math.exp(first), 2),
            "how": how,
            **extra,
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
        journey(
            "webinar_attendance",
            "webinar",
            "event_type",
            "follows registration (more often for high intent leads); adds nothing of its own",
        ),
        journey("pricing", "pricing", "page_category", "per pricing page view", url="/pricing"),
        journey(
            "product",
            "product",
            "page_category",
            "per product, feature, integration or customer story view",
            url="/product/, /features/, /integrations/",
        ),
        journey("case_study", "product", "page_category", "counted with the product pages", url="/customers/"),
        {
            "name": "recency",
            "kind": "behaviour",
            "sign": 1,
            "strength": "strong",
            "how": "sql comes at the end of the lead's journey, and its blog, site, social and e-mail activity "
            "mostly between its creation (or shortly before the journey) and a little after the journey: "
            "a lead active now is more often in its journey, and one quiet for months rarely converts",
        },
        {
            "name": "purchase_timeline",
            "kind": "attribute",
            "sign": 1,
            "strength": "weak",
            "how": "this_quarter/next_quarter derive partly from intent, which drives the journey's activity",
        },
        {"name": "seniority", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(SENIORITIES)},
        {"name": "industry", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(INDUSTRIES)},
        {
            "name": "employee_count",
            "kind": "fit_attribute",
            "sign": 1,
            "log_odds": {f"<{b}" if b else ">=5000": round(SQL_FIT * f, 3) for b, f in SIZE_FIT},
        },
        {"name": "business_model", "kind": "fit_attribute", "sign": 1, "log_odds": fit_weights(BUSINESS_MODELS)},
        {"name": "personal_email", "kind": "fit_attribute", "sign": -1, "log_odds": round(SQL_FIT * PERSONAL_FIT, 3)},
        {"name": "competitor", "kind": "fit_attribute", "sign": -1, "log_odds": round(SQL_FIT * COMPETITOR_FIT, 3)},
        {
            "name": "no_account",
            "kind": "fit_attribute",
            "sign": -1,
            "log_odds": round(SQL_FIT * NO_ACCOUNT_FIT, 3),
            "how": "the lead's company is not among the accounts (its size, industry and model still count)",
        },
        {
            "name": "careers",
            "kind": "page_category",
            "url": "/careers",
            "sign": -1,
            "strength": "strong",
            "how": "job seekers (4% of leads, most careers page views) never convert",
        },
    ]


def truth_document(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
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
                    {
                        "driver": name,
                        "count": count,
                        "log_odds_first": first,
                        "log_odds_repeat": repeat,
                        "log_odds_max": cap,
                        "odds_ratio_first": round(math.exp(first), 2),
                        "odds_ratio_max": round(math.exp(cap), 2),
                    }
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
        "drivers": planted_drivers(),
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
            "competitor": "Competitor",
            "student": "Student / not a buyer",
            "personal_email_or_tiny_company": "Not a fit - too small",
        },
        "observed": observed_rates(con),
        "window_effects": window_effects,
    }
