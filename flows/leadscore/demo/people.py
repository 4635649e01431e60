"""Who each lead is: the random draws of a person, their account, seniority and department,
when they were created, and what the leads file says of them (title, company, e-mail, budget,
timeline, stated need).

Each function is one step (CTE) of the leads query in `leads.py`, named for what it adds.
"""

from __future__ import annotations

from leadscore.demo.plan import DAY, Plan
from leadscore.demo.sql_text import element, lit, pick
from leadscore.demo.vocabulary import (
    BROWSER_NEEDS,
    BUSINESS_MODELS,
    BUYER_NEEDS,
    CONTRIBUTOR_TITLES,
    COUNTRIES,
    COUNTRY_NAMES,
    DEPARTMENT_LABELS,
    DEPARTMENTS,
    DEVICES,
    EXECUTIVE_DEPARTMENTS,
    EXECUTIVE_TITLES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    LEAD_SOURCES,
    MANAGER_TITLES,
    NAME_KINDS,
    NAME_PREFIXES,
    NAME_ROOTS,
    PERSONAL_DOMAINS,
    SENIORITIES,
    STUDENT_NEEDS,
)


def titles_sql() -> str:
    """Creates table titles: three job titles per seniority and department."""
    rows: list[str] = []
    for seniority, _, _ in SENIORITIES:
        for department in DEPARTMENT_LABELS:
            titles = _titles_for(seniority, department)
            for idx in range(3):
                rows.append(f"({lit(seniority)}, {lit(department)}, {idx}, {lit(titles[idx % len(titles)])})")
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


def lead_draws(plan: Plan) -> str:
    """Every draw of a lead that its person, company, creation day and hidden traits come from."""
    end_d = plan.end_s // DAY
    return f"""
    select
        i as lead_num,
        u(i, 0, 'has_account') >= 0.10 as has_account,
        floor(u(i, 0, 'account_pick') * (select sum(pick_weight) from accounts))::bigint as account_pick,
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
        {element(FIRST_NAMES, "u(i, 0, 'first')")} as first_name,
        {element(LAST_NAMES, "u(i, 0, 'last')")} as last_name,
        {element(PERSONAL_DOMAINS, "u(i, 0, 'personal_domain')")} as personal_domain,
        (10 + h(i, 0, 'personal_number') % 90)::varchar as personal_number,
        {element(NAME_PREFIXES, "u(i, 0, 'co_w1')")} || {element(NAME_ROOTS, "u(i, 0, 'co_w2')")} as co_stem,
        {element(NAME_KINDS, "u(i, 0, 'co_w3')")} as co_kind,
        -- hidden company traits of leads without an account
        least(200000, greatest(1, round(exp(ln(30) + 1.6 * zn(i, 0, 'h_size')))))::integer as free_employees,
        {pick("u(i, 0, 'h_industry')", [(v, w) for v, w, _ in INDUSTRIES])} as free_industry,
        {pick("u(i, 0, 'h_model')", [(v, w) for v, w, _ in BUSINESS_MODELS])} as free_model,
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
        {pick("u(i, 0, 'device')", DEVICES)} as device_pref
    from range(1, {plan.leads} + 1) t(i)"""


def account_picks() -> str:
    """The account a lead's weighted pick lands on (bigger companies have more leads)."""
    return """
    select lead_draws.*, accounts.account_num as picked_account
    from lead_draws
    asof left join accounts on lead_draws.account_pick >= accounts.pick_from"""


def seniorities() -> str:
    """The lead's account (10% have none) and seniority."""
    return f"""
    select
        *,
        case when has_account then picked_account end as account_num,
        {pick("r_seniority", [(v, w) for v, w, _ in SENIORITIES])} as seniority
    from account_picks"""


def people() -> str:
    """Department, personal e-mail, and the company traits: the account's, or hidden ones."""
    return f"""
    select
        seniorities.*,
        case seniority
            when 'student' then 'other'
            when 'executive' then {pick("r_department", EXECUTIVE_DEPARTMENTS)}
            else {pick("r_department", DEPARTMENTS)}
        end as department,
        r_personal < case when seniority = 'student' then 0.5 when account_num is null then 0.35 else 0.03 end
            as is_personal,
        coalesce(accounts.is_competitor, false) as is_competitor,
        coalesce(accounts.employee_count, free_employees) as h_employees,
        coalesce(accounts.industry, free_industry) as h_industry,
        coalesce(accounts.business_model, free_model) as h_model,
        accounts.account_id,
        accounts.industry as account_industry,
        accounts.business_model as account_model,
        accounts.employee_count,
        accounts.name as account_name,
        coalesce(accounts.mail_domain, accounts.domain) as account_domain,
        accounts.country as account_country
    from seniorities
    left join accounts using (account_num)"""


def creation_days(plan: Plan) -> str:
    """The day the lead was created, moved off most weekends."""
    end_d = plan.end_s // DAY
    return f"""
    select
        *,
        case when created_d0 + weekday_shift(created_d0, x_created) <= {end_d}
            then created_d0 + weekday_shift(created_d0, x_created) else created_d0 end as created_d
    from people"""


def creation_times(plan: Plan) -> str:
    """The moment the lead was created, and when its activity can start (a0: not before the window)."""
    return f"""
    select
        *,
        created_d * {DAY} + tod(x_created_tod) as created_s,
        greatest(created_d * {DAY} + tod(x_created_tod), {plan.start_s}) as a0
    from creation_days"""


def profiles() -> str:
    """What the leads file says of the lead: id, title, company, country, source, interest,
    budget, timeline and stated need."""
    return f"""
    select
        creation_times.*,
        printf('L%07d', lead_num) as lead_id,
        coalesce(titles.title, 'Consultant') as job_title,
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
            else {pick("r_country", COUNTRIES)} end as country_code,
        {pick("r_source", LEAD_SOURCES)} as lead_source,
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
            when seniority = 'student' then {element(STUDENT_NEEDS, "r_need_pick")}
            when intent_z > 0.5 then {element(BUYER_NEEDS, "r_need_pick")}
            else {element(BROWSER_NEEDS, "r_need_pick")}
        end as stated_need
    from creation_times
    left join titles
        on titles.title_seniority = creation_times.seniority
        and titles.title_department = creation_times.department
        and titles.title_idx_ = creation_times.title_idx"""


def contacts() -> str:
    """The lead's e-mail address and country as the CRM holds them (a fifth spell the country out)."""
    country_name = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in COUNTRY_NAMES.items())
    return f"""
    select
        *,
        lower(replace(first_name, ' ', '')) || '.' || lower(replace(last_name, ' ', ''))
            || case when is_personal then personal_number else '' end || '@' || email_domain as email,
        case when r_country_name < 0.2 then case country_code {country_name} else country_code end
            else country_code end as country
    from profiles"""
