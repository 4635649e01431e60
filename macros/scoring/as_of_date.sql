{#- The day scores are computed for: the `as_of_date` var, else the LEADSCORE_AS_OF_DATE
    environment variable, else today (UTC). The daily build passes the environment variable: it
    is read only while nodes run (`execute`), never while dbt parses, so a new day leaves dbt's
    partial parse valid, where a new --vars value makes dbt parse the whole project again. -#}
{% macro as_of_date_string() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if (value is none or value == '') and execute -%}
        {%- set value = env_var('LEADSCORE_AS_OF_DATE', '') -%}
    {%- endif -%}
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
