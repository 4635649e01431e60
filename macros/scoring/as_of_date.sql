{#- The day scores are computed for: the `as_of_date` var, or today (UTC) when it is not set. -#}
{% macro as_of_date_string() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or value == '' -%}
        {{ return(run_started_at.strftime('%Y-%m-%d')) }}
    {%- endif -%}
    {%- if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) is none -%}
        {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | string) }}
{%- endmacro %}

{% macro as_of_date() -%}
    cast('{{ as_of_date_string() }}' as date)
{%- endmacro %}

{#- The first instant after the as-of day: everything strictly before it is known on that day. -#}
{% macro as_of_cutoff() -%}
    {{ dbt.dateadd('day', 1, "cast('" ~ as_of_date_string() ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}
