"""The accounts: companies with a size, industry and business model; a few are competitors."""

from __future__ import annotations

from leadscore.demo.plan import Plan
from leadscore.demo.sql_text import element, lookup, pick, sql_list
from leadscore.demo.vocabulary import (
    BUSINESS_MODELS,
    COMPETITOR_UNITS,
    COMPETITORS,
    COUNTRIES,
    INDUSTRIES,
    NAME_KINDS,
    NAME_PREFIXES,
    NAME_ROOTS,
)


def accounts_sql(plan: Plan) -> str:
    """Creates table accounts, with each account's weight in the leads' pick of an account."""
    industry = pick("r_industry", [(v, w) for v, w, _ in INDUSTRIES])
    model = pick("r_model", [(v, w) for v, w, _ in BUSINESS_MODELS])
    revenue_factor = lookup(
        "industry",
        [
            ("software", 1.3),
            ("financial_services", 1.8),
            ("retail", 0.8),
            ("education", 0.5),
            ("government", 0.6),
            ("nonprofit", 0.4),
            ("telecommunications", 1.5),
        ],
        1.0,
    )
    competitor_name = f"{sql_list([n for n, _ in COMPETITORS])}[1 + (competitor_ix)]"
    competitor_stem = f"{sql_list([s for _, s in COMPETITORS])}[1 + (competitor_ix)]"
    return f"""
    create temp table accounts as
    with account_draws as (
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
            {element(NAME_PREFIXES, "u(i, 0, 'acc_w1')")} as w1,
            {element(NAME_ROOTS, "u(i, 0, 'acc_w2')")} as w2,
            {element(NAME_KINDS, "u(i, 0, 'acc_w3')")} as w3
        from range(1, {plan.accounts} + 1) t(i)
    ),
    attributes as (
        select
            account_num,
            is_competitor,
            case when is_competitor then 'software' else {industry} end as industry,
            case when is_competitor then 'b2b' else {model} end as business_model,
            {pick("r_country", COUNTRIES)} as country,
            -- log-normal size, median 120 employees, clipped to 1..200000; competitors are not tiny
            least(200000, greatest(case when is_competitor then 300 else 1 end,
                round(exp(ln(120) + 1.8 * z_size))))::integer as employee_count,
            z_revenue,
            case when is_competitor then {competitor_name} else w1 || w2 || ' ' || w3 end as name,
            case when is_competitor then {competitor_stem} else lower(w1 || w2 || w3) end as stem
        from account_draws
    ),
    numbered_by_stem as (
        select *, row_number() over (partition by stem order by account_num) as rn from attributes
    )
    select
        account_num,
        printf('A%06d', account_num) as account_id,
        name,
        case
            when is_competitor and rn = 1 then stem || '.example'
            -- competitor subsidiaries: own sub-domain, staff still mail from the parent domain
            when is_competitor then {sql_list(COMPETITOR_UNITS)}[1 + (rn - 2) % {len(COMPETITOR_UNITS)}]
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
    from numbered_by_stem
    order by account_num
    """


def accounts_output_sql() -> str:
    return """
    select account_id, name, domain, industry, employee_count, annual_revenue, country, business_model
    from accounts
    order by account_num
    """
