"""The planted model: the fit weights, the buying journey's timing and intensity, the odds of
sql, opportunity and won, and sales' rejections. `demo_truth.json` reports every number here."""

from __future__ import annotations

from leadscore.demo.sql_text import lookup
from leadscore.demo.vocabulary import BUSINESS_MODELS, INDUSTRIES, SENIORITIES

# upper bound of employee_count (exclusive), fit contribution
SIZE_FIT = ((10, -1.0), (50, -0.3), (200, 0.2), (1000, 0.6), (5000, 0.8), (None, 0.5))
PERSONAL_FIT, COMPETITOR_FIT, NO_ACCOUNT_FIT = -1.5, -5.0, -0.3

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


def fit_sql() -> str:
    """A lead's hidden fit: the sum of its attributes' weights."""
    size = " ".join(f"when h_employees < {bound} then {value}" for bound, value in SIZE_FIT if bound is not None)
    return (
        f"{lookup('seniority', [(v, f) for v, _, f in SENIORITIES])}"
        f" + {lookup('h_industry', [(v, f) for v, _, f in INDUSTRIES])}"
        f" + (case {size} else {SIZE_FIT[-1][1]} end)"
        f" + {lookup('h_model', [(v, f) for v, _, f in BUSINESS_MODELS])}"
        f" + (case when is_personal then {PERSONAL_FIT} else 0 end)"
        f" + (case when is_competitor then {COMPETITOR_FIT} else 0 end)"
        f" + (case when account_num is null then {NO_ACCOUNT_FIT} else 0 end)"
    )


def sql_logit_sql() -> str:
    """The log-odds of sql at the end of the journey: fit and each driver's first, repeat and cap."""
    terms = " ".join(
        f"+ (case when {count} > 0 then least({cap}, {first} + {repeat} * ({count} - 1)) else 0 end)"
        for _, count, first, repeat, cap in JOURNEY_DRIVERS
    )
    return f"{SQL_INTERCEPT} + {SQL_FIT} * fit {terms}"
