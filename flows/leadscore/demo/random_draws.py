"""The SQL macros every random draw goes through: hashes of (seed, key, subkey, salt), never
`random()`, so the same arguments give the same files."""

from __future__ import annotations

import duckdb

from leadscore.demo.plan import DAY, Plan


def create_macros(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Defines the draw macros (h, u, zn, expo, cnt) and the calendar ones (tod, evt_time...)."""
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
        "create temp macro pick_day(lo_d, hi_d, x) as (lo_d + floor(bits(x, 0, 24) * (hi_d - lo_d + 1))::bigint)",
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
