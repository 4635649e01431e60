{{ config(materialized='table') }}

{#- Long format: one row per lead and scorable attribute, so a rule names an attribute instead
    of a column. Every column of int_leads_enriched is scorable except identifiers, personal data
    and timestamps (scorable_lead_attributes); a custom column added to the landing files appears
    here by itself. -#}

{%- set columns = scorable_lead_attributes() -%}

with

-- read by every select of the loop below (which is empty when linted without a warehouse)
leads as (  -- noqa: ST03
    select * from {{ ref('int_leads_enriched') }}
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

final as (
    select
        lead_id,
        attribute,
        attribute_value,
        {{ try_cast('attribute_value', api.Column.translate_type('double')) }} as attribute_number
    from unpivoted
)

select * from final
