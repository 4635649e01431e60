"""The events file: each lead's events as one list sorted by time (a row per lead in a scratch
table), dense event ids, and the attributes of each event (page, campaign, content, device)
drawn from the hashes of its stream and unit when the list is unnested into the file."""

from __future__ import annotations

from datetime import timedelta

from leadscore.demo.event_streams import (
    email_campaigns,
    email_stream,
    engaged_stream,
    paired_stream,
    single_stream,
    webinar_stream,
)
from leadscore.demo.plan import Plan
from leadscore.demo.site import (
    BLOG_FORMATS,
    BLOG_TOPICS,
    CAREER_PAGES,
    CASE_STUDIES,
    CONTENT,
    DOC_PAGES,
    EV,
    EVENT_TYPES,
    FEATURE_PAGES,
    INTEGRATION_PAGES,
    PAID_CAMPAIGNS,
    PRODUCT_PAGES,
    S_BLOG,
    S_CAREERS,
    S_CONTACT,
    S_CONTENT,
    S_DEMO,
    S_EMAIL,
    S_GENERAL,
    S_PRICING,
    S_PRODUCT,
    S_SOCIAL,
    S_WEBINAR,
    SITE,
    SOCIAL_CAMPAIGNS,
    SYNDICATION_CAMPAIGNS,
    THURSDAY_CAMPAIGNS,
    WEBINARS,
)
from leadscore.demo.sql_text import element, lit, sql_list
from leadscore.demo.vocabulary import DEVICES


def attribute_hash(salt: str) -> str:
    """The hash an event's attributes are drawn from, keyed by its lead, stream and unit (x)."""
    return f"h(lead_num, x.s::bigint * 1000000000 + x.u, {lit(salt)})"


def event_type_sql() -> str:
    """The event type of event x."""
    return f"{sql_list(EVENT_TYPES)}[x.e + 1]"


def _campaign_lists(plan: Plan) -> tuple[list[str | None], list[str | None], list[str]]:
    """Campaign and content per e-mail campaign index v, and campaign per webinar index."""
    campaigns: list[str | None] = []
    contents: list[str | None] = []
    for week in range(plan.weeks):
        tuesday = plan.first_tuesday + timedelta(days=7 * week)
        thursday = tuesday + timedelta(days=2)
        kind = THURSDAY_CAMPAIGNS[week % len(THURSDAY_CAMPAIGNS)]
        campaigns += [f"weekly_newsletter_{tuesday:%Y_%m_%d}", f"{kind}_{thursday:%Y_%m_%d}"]
        thursday_content = {
            "webinar_invite": WEBINARS[(week // 2) % len(WEBINARS)],
            "customer_story": CONTENT[6 + week % 2][0],
            "nurture_roi_guide": "ROI Calculator Workbook",
        }.get(kind)
        contents += [None, thursday_content]
    # registrations up to end_date may be for a webinar held after it
    webinar_count = (plan.end_date + timedelta(days=10) - plan.first_wednesday).days // 14 + 1
    webinars = [
        f"webinar_{plan.first_wednesday + timedelta(days=14 * j):%Y_%m_%d}" for j in range(max(1, webinar_count))
    ]
    return campaigns, contents, webinars


def page_sql() -> str:
    blog = [f"/blog/{fmt}-{topic}" for topic in BLOG_TOPICS for fmt in BLOG_FORMATS]
    family = "bits(ha, 40, 12)"
    item = "bits(ha, 52, 12)"
    general = (
        f"case when {family} < 0.35 then '/' when {family} < 0.45 then '/about' "
        f"when {family} < 0.92 then {element([f'/docs/{p}' for p in DOC_PAGES], item)} else '/investors' end"
    )
    jobs = element([f"/careers/{p}" for p in CAREER_PAGES], item)
    careers = f"case when {family} < 0.4 then '/careers' else {jobs} end"
    product = (
        f"case when {family} < 0.35 then {element([f'/product/{p}' for p in PRODUCT_PAGES], item)} "
        f"when {family} < 0.65 then {element([f'/features/{p}' for p in FEATURE_PAGES], item)} "
        f"when {family} < 0.85 then {element([f'/integrations/{p}' for p in INTEGRATION_PAGES], item)} "
        f"else {element([f'/customers/{p}' for p in CASE_STUDIES], item)} end"
    )
    # blog popularity is skewed: a few posts get most views
    blog_pick = f"{sql_list(blog)}[1 + floor({item} * {item} * {len(blog)})::integer]"
    content = element([path for _, path in CONTENT], item)
    # streams without a page (e-mail, social, webinar) fall through to null
    return f"""{lit(SITE)} || case x.s
        when {S_BLOG} then {blog_pick}
        when {S_GENERAL} then {general}
        when {S_CAREERS} then {careers}
        when {S_PRODUCT} then {product}
        when {S_PRICING} then '/pricing'
        when {S_CONTENT} then {content}
        when {S_DEMO} then '/demo'
        when {S_CONTACT} then '/contact'
    end"""


def event_lists_sql(plan: Plan) -> str:
    """One row per lead with its events as a list sorted by time."""
    end_s = plan.end_s
    engaged = [
        engaged_stream(S_BLOG, "n_blog", EV["page_view"], plan),
        engaged_stream(S_GENERAL, "n_general", EV["page_view"], plan),
        engaged_stream(S_SOCIAL, "n_social", EV["social_engagement"], plan),
    ]
    # the journey may run past end_date: only what happened by then is written
    journey = [
        single_stream(S_PRODUCT, "n_product", "journey_start", "journey_end", EV["page_view"]),
        single_stream(S_PRICING, "n_pricing", "pricing_start", "journey_end", EV["page_view"]),
        paired_stream(
            S_CONTENT, "n_content", "journey_start", "journey_end", EV["form_submission"], EV["content_download"]
        ),
        webinar_stream(plan),
        paired_stream(S_DEMO, "n_demo", "hand_raise_start", "journey_end", EV["page_view"], EV["demo_request"]),
        paired_stream(S_CONTACT, "n_contact", "hand_raise_start", "journey_end", EV["page_view"], EV["contact_sales"]),
    ]
    streams = [
        email_stream(plan),
        *engaged,
        single_stream(S_CAREERS, "n_careers", "a0", str(end_s), EV["page_view"]),
        *(f"list_filter({stream}, lambda x: x.t <= {end_s - plan.start_s})" for stream in journey),
    ]
    return f"""
    create table scratch.ev_lists as
    select lead_num, lead_id, device_pref, len(evs) as n_events, evs
    from (
        select lead_num, lead_id, device_pref, list_sort(list_concat({", ".join(streams)})) as evs
        from (select *, {email_campaigns(plan)} as campaigns from lead_state)
    )
    """


def event_offsets_sql() -> tuple[str, ...]:
    """Where each lead's event ids start, so ids are dense and follow the file order.

    An in-place update rather than a join in the final query: a join may hand rows over in a
    different order depending on the number of threads.
    """
    return (
        "alter table scratch.ev_lists add column ev_off bigint",
        """
        update scratch.ev_lists set ev_off = o.ev_off
        from (
            select lead_num, coalesce(sum(n_events) over (
                order by lead_num rows between unbounded preceding and 1 preceding), 0) as ev_off
            from scratch.ev_lists
        ) o
        where o.lead_num = ev_lists.lead_num
        """,
    )


def events_output_sql(plan: Plan) -> str:
    """The events file: the lists unnested in lead and time order, with each event's attributes."""
    campaigns, contents, webinars = _campaign_lists(plan)
    web_campaign = f"case when bits(hb, 0, 16) < 0.12 then {element(PAID_CAMPAIGNS, 'bits(hb, 16, 16)')} end"
    normal = "sqrt(-2.0 * ln(1.0 - bits(ha, 0, 20))) * cos(2.0 * pi() * bits(ha, 20, 20))"
    return f"""
    with unnested as (
        select lead_num, lead_id, ev_off, device_pref, unnest(evs) as x, generate_subscripts(evs, 1) as n
        from scratch.ev_lists
    ),
    hashed as (
        select
            *,
            {attribute_hash("attr_a")} as ha,
            {attribute_hash("attr_b")} as hb
        from unnested
    )
    select
        'E' || case when ev_off + n < 1000000000 then lpad((ev_off + n)::varchar, 9, '0')
            else (ev_off + n)::varchar end as event_id,
        lead_id,
        {event_type_sql()} as event_type,
        window_timestamp(x.t) as occurred_at,
        {page_sql()} as page_url,
        case
            when x.e = {EV["page_view"]} then least(1800, 2 + floor(exp(3.5 + {normal})))::integer
            when x.e = {EV["webinar_attendance"]} then (300 + floor(bits(ha, 0, 20) * 3300))::integer
        end as duration_seconds,
        case x.s
            when {S_EMAIL} then {sql_list(campaigns)}[x.v + 1]
            when {S_WEBINAR} then {sql_list(webinars)}[x.v + 1]
            when {S_SOCIAL} then {element(SOCIAL_CAMPAIGNS, "bits(hb, 16, 16)")}
            when {S_CAREERS} then null
            when {S_CONTENT} then case when bits(hb, 0, 16) < 0.3
                then {element(SYNDICATION_CAMPAIGNS, "bits(hb, 16, 16)")} end
            else {web_campaign}
        end as campaign,
        case x.s
            when {S_EMAIL} then {sql_list(contents)}[x.v + 1]
            when {S_WEBINAR} then {sql_list(WEBINARS)}[1 + x.v % {len(WEBINARS)}]
            when {S_CONTENT} then {element([title for title, _ in CONTENT], "bits(ha, 52, 12)")}
        end as content,
        case when x.s = {S_EMAIL} then null
            when bits(hb, 32, 16) < 0.8 then device_pref
            else {element([d for d, _ in DEVICES], "bits(hb, 48, 16)")}
        end as device
    from hashed
    """
