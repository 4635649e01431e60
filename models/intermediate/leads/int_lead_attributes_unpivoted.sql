{{ config(materialized='table') }}

{#- Long format: one row per lead and scorable attribute, so a rule names an attribute instead
    of a column. Every column of int_leads_enriched is scorable except identifiers, personal data
    and timestamps (scorable_lead_attributes); a custom column added to the landing files appears
    here by itself. A value with a row in value_aliases whose domain is the attribute's name is
    replaced by its canonical value, so fit rules, model assignments and BANT criteria all see it
    (`individual` -> `individual_contributor`). -#}

{%- set columns = scorable_lead_attributes() -%}

with

-- read by every select of the loop below (which is empty when linted without a warehouse)
leads as (  -- noqa: ST03
    select * from {{ ref('int_leads_enriched') }}
),

value_aliases as (
    select * from {{ ref('value_aliases') }}
),

unpivoted as (
    {%- for column in columns %}
    select
        lead_id,
        '{{ column }}' as attribute,
        lower(cast({{ adapter.quote(column) }} as {{ dbt.type_string() }})) as attribute_value
    from leads
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not columns %}
    select
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as attribute,
        cast(null as {{ dbt.type_string() }}) as attribute_value
    where 1 = 0
    {%- endif %}
),

alias_spellings as (
    -- an alias matches the value as written (lower-cased) and as a category value is cleaned in
    -- staging (spaces and hyphens as underscores): `Individual Contributor` matches both
    -- `individual contributor` (a custom column) and `individual_contributor`
    select
        domain as attribute,
        lower(raw_value) as value_key,
        lower(canonical_value) as canonical_value,
        0 as spelling_rank
    from value_aliases
    union all
    select
        domain as attribute,
        replace(replace(lower(raw_value), ' ', '_'), '-', '_') as value_key,
        lower(canonical_value) as canonical_value,
        1 as spelling_rank
    from value_aliases
),

attribute_aliases as (
    -- one canonical value per attribute and spelling: an alias written exactly so beats one
    -- that matches only once cleaned, then the first canonical value
    select
        attribute,
        value_key,
        canonical_value
    from (
        select
            attribute,
            value_key,
            canonical_value,
            row_number() over (
                partition by attribute, value_key
                order by spelling_rank, canonical_value
            ) as alias_rank
        from alias_spellings
    ) as ranked
    where alias_rank = 1
),

aliased as (
    select
        unpivoted.lead_id,
        unpivoted.attribute,
        coalesce(attribute_aliases.canonical_value, unpivoted.attribute_value) as attribute_value
    from unpivoted
    left join attribute_aliases
        on unpivoted.attribute = attribute_aliases.attribute
        and unpivoted.attribute_value = attribute_aliases.value_key
),

final as (
    select
        lead_id,
        attribute,
        attribute_value,
        {{ try_cast('attribute_value', api.Column.translate_type('double')) }} as attribute_number
    from aliased
)

select * from final
