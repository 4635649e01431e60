"""The event streams of a lead, as DuckDB list expressions over its lead_state row.

Each stream turns a count (a column) into that many units, each unit into one or two events with
times drawn from its own hashes, so a unit's events do not depend on any other. A lead's list is
the concatenation of its streams (see `events.py`); its e-mail stream is the largest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from leadscore.demo.model import QUIET_OPEN_FACTOR, QUIET_SHARE
from leadscore.demo.plan import DAY, WEEK, Plan, epoch
from leadscore.demo.site import EV, S_EMAIL, S_WEBINAR


def event_struct(t: str, e: str | int, s: str | int, unit: str, v: str) -> str:
    """One event inside a lead's list; every stream must produce the same struct type."""
    return (
        f"{{'t': window_seconds({t}), 'e': ({e})::tinyint, 's': ({s})::tinyint, "
        f"'u': ({unit})::integer, 'v': ({v})::smallint}}"
    )


def _hashes(stream: int, names: Sequence[str]) -> str:
    """Per-unit hashes computed once, so later lambdas can reuse them as fields."""
    fields = ", ".join(f"'{n}': h(lead_num, {stream * 1_000_000_000}::bigint + k, 'ev_{n}')" for n in names)
    return f"lambda k: {{'k': k, {fields}}}"


def single_stream(stream: int, count: str, lo: str, hi: str, event: int) -> str:
    """Streams of single page views or social actions spread over [lo, hi]."""
    struct = event_struct(f"evt_time({lo}, {hi}, x.h1, x.h2)", event, stream, "x.k", "0")
    return f"list_transform(list_transform(range({count}), {_hashes(stream, ['h1', 'h2'])}), lambda x: {struct})"


def engaged_stream(stream: int, count: str, event: int, plan: Plan) -> str:
    """Single events mostly in the lead's engaged period up to end_date, QUIET_SHARE of them at
    any time; a lead engaged only after end_date (an old lead whose journey is still to come) is
    spread over its whole time. Their number, like the stream's, grows with the lead's time in the
    window, whatever part of it was engaged."""
    # h1's top bits: evt_time reads its low 32 bits and the high 32 only modulo 5
    quiet = f"(bits(x.h1, 48, 16) < {QUIET_SHARE} or engaged_start > {plan.end_s})"
    lo = f"(case when {quiet} then a0 else engaged_start end)"
    hi = f"(case when {quiet} then {plan.end_s} else least(engaged_end, {plan.end_s}) end)"
    return single_stream(stream, count, lo, hi, event)


def paired_stream(stream: int, count: str, lo: str, hi: str, first: int, second: int) -> str:
    """Units of two events in [lo, hi]: a page or form first, the action a little later."""
    anchors = (
        f"lambda x: {{'k': x.k, 'at': evt_time({lo}, {hi}, x.h1, x.h2), "
        "'lead_in': 10 + floor(bits(x.h3, 0, 16) * 600)::bigint}"
    )
    pair = (
        f"[{event_struct('greatest(a0, x.at - x.lead_in)', first, stream, 'x.k', '0')}, "
        f"{event_struct('x.at', second, stream, 'x.k', '0')}]"
    )
    units = f"list_transform(list_transform(range({count}), {_hashes(stream, ['h1', 'h2', 'h3'])}), {anchors})"
    return f"flatten(list_transform({units}, lambda x: {pair}))"


def webinar_stream(plan: Plan) -> str:
    """Registration then attendance of a scheduled webinar (every other Wednesday, 16:00), at a
    moment of the lead's journey."""
    first = epoch(plan.first_wednesday, time(16, 0))
    pick = "(journey_start + floor(bits(x.h1, 0, 32) * (journey_len + 1))::bigint)"
    # the last webinar starting (with its 5 minute jitter) no later than the picked moment
    j = f"floor(({pick} - {first} - 300) / {2 * WEEK})::bigint"
    sessions = (
        f"lambda x: {{'k': x.k, 'j': {j}, "
        f"'attend': {first} + {j} * {2 * WEEK} + floor(bits(x.h1, 32, 8) * 300)::bigint, "
        f"'lead_in': 3600 + floor(bits(x.h2, 0, 32) * {9 * DAY})::bigint, 'attended': bits(x.h2, 32, 16) < p_attend}}"
    )
    register = event_struct("greatest(a0, x.attend - x.lead_in)", EV["webinar_registration"], S_WEBINAR, "x.k", "x.j")
    attend = event_struct("x.attend", EV["webinar_attendance"], S_WEBINAR, "x.k", "x.j")
    units = f"list_transform(list_transform(range(n_webinar), {_hashes(S_WEBINAR, ['h1', 'h2'])}), {sessions})"
    held = f"list_filter({units}, lambda x: x.j >= 0 and x.attend >= a0)"
    both = f"case when x.attended then [{register}, {attend}] else [{register}] end"
    return f"flatten(list_transform({held}, lambda x: {both}))"


def email_campaigns(plan: Plan) -> str:
    """The campaigns a lead was sent, one struct each with everything its events need.

    Unit k of a lead is campaign v = 2 * week + c: c = 0 is the Tuesday newsletter at 10:00,
    c = 1 the Thursday campaign at 14:00. Built in stages (hashes, then the send) so that no
    expression runs more than once per campaign: e-mail is most of the generator's work.
    """
    first = epoch(plan.first_tuesday, time(0))
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


def email_stream(plan: Plan) -> str:
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
        lists.append(f"list_transform({source}, lambda y: {event_struct(at, EV[event], S_EMAIL, 'y.v', 'y.v')})")
    return f"list_concat({', '.join(lists)})"
