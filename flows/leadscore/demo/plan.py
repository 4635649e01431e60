"""Every number the SQL needs, derived once from the arguments of `generate_demo_data`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

DAY = 86_400
WEEK = 7 * DAY

# Mean e-mail and web events per lead at scale 1; used to scale streams to events_per_lead.
EMAIL_EVENTS_AT_SCALE_1 = 23.47
WEB_EVENTS_AT_SCALE_1 = 12.67


@dataclass(frozen=True)
class Plan:
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


def make_plan(leads: int, seed: int, end_date: date, events_per_lead: float, history_days: int = 365) -> Plan:
    """The window is the history_days days up to end_date; e-mail weeks start on its first Tuesday,
    the fortnightly webinars on its first Wednesday."""
    start_date = end_date - timedelta(days=history_days - 1)
    first_tuesday = start_date + timedelta(days=(1 - start_date.weekday()) % 7)
    first_wednesday = start_date + timedelta(days=(2 - start_date.weekday()) % 7)
    # Up to 50 events per lead the e-mail share stays constant; above it only web activity grows.
    email_scale = min(1.0, events_per_lead / 50.0)
    web_scale = (events_per_lead - EMAIL_EVENTS_AT_SCALE_1 * email_scale) / WEB_EVENTS_AT_SCALE_1
    return Plan(
        leads=leads,
        accounts=max(1, round(leads / 8)),
        seed=seed,
        end_date=end_date,
        start_date=start_date,
        start_s=epoch(start_date, time(0, 0, 0)),
        end_s=epoch(end_date, time(23, 59, 59)),
        first_tuesday=first_tuesday,
        weeks=(end_date - first_tuesday).days // 7 + 1,
        first_wednesday=first_wednesday,
        email_scale=email_scale,
        web_scale=web_scale,
    )


def epoch(day: date, at: time) -> int:
    """Seconds since 1970 of a day's time, in UTC."""
    return int(datetime.combine(day, at, tzinfo=UTC).timestamp())
