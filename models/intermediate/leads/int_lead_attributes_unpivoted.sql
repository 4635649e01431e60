{{ config(materialized='table') }}

{#- Long format: one row per lead and scorable attribute, so a rule names an attribute instead
    of a column. Every column of int_leads_enriched is scorable except identifiers, personal data
    and timestamps; a custom column added to the landing files appears here by itself. -#}

{%- set not_scorable = ['lead_id', 'email', 'first_name', 'last_name', 'created_at', 'account_id', 'company_name', 'country_raw'] -%}
{%- set columns = columns_except(ref('int_leads_enriched'), not_scorable) -%}

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
        lower(cast({{ column }} as {{ dbt.type_string() }})) as attribute_value
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
