{#- Cast that yields null instead of failing on a value that does not parse. dbt's own
    safe_cast is a plain cast on DuckDB and Postgres, which would fail the whole run on one bad
    value in a landing file. -#}
{% macro try_cast(expression, type_name) -%}
    {{ return(adapter.dispatch('try_cast')(expression, type_name)) }}
{%- endmacro %}

{% macro default__try_cast(expression, type_name) -%}
    {{ dbt.safe_cast(expression, type_name) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, type_name) -%}
    try_cast({{ expression }} as {{ type_name }})
{%- endmacro %}

{#- Postgres has no try_cast: the cast runs only on text of the shape DuckDB's try_cast accepts
    (numbers; dates with an optional time and offset, the day checked against its month), so a
    value like 'lots', 'soon', 'today' or 2026-02-30 becomes null as on DuckDB. Integers round
    like DuckDB's ('12.5' -> 13). -#}
{% macro postgres__try_cast(expression, type_name) -%}
    {%- set type_name = type_name | lower | trim -%}
    {%- set value = 'trim(' ~ expression ~ ')' -%}
    {%- set number = "'^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'" -%}
    {%- if type_name in ('timestamp', 'timestamp without time zone', 'date') -%}
        {%- set ymd = "'^([0-9]{4})-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])'" -%}
        {%- set shape = "'^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?)?([+-][0-9]{2}(:?[0-9]{2})?|Z)?$'" -%}
    case
        when {{ value }} ~ {{ shape }} and {{ value }} ~ {{ ymd }}
            and extract(day from make_date(
                cast((regexp_match({{ value }}, {{ ymd }}))[1] as integer),
                cast((regexp_match({{ value }}, {{ ymd }}))[2] as integer),
                1
            ) + (cast((regexp_match({{ value }}, {{ ymd }}))[3] as integer) - 1))
            = cast((regexp_match({{ value }}, {{ ymd }}))[3] as integer)
            then cast({{ value }} as {{ type_name }})
    end
    {%- elif type_name in ('bigint', 'integer', 'int', 'smallint') -%}
    case when {{ value }} ~ {{ number }} then cast(round(cast({{ value }} as numeric)) as {{ type_name }}) end
    {%- elif type_name in ('double', 'double precision', 'float', 'real') or type_name.startswith('decimal') or type_name.startswith('numeric') -%}
    case when {{ value }} ~ {{ number }} then cast({{ value }} as {{ 'double precision' if type_name == 'double' else type_name }}) end
    {%- else -%}
    {{ dbt.safe_cast(expression, type_name) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__try_cast(expression, type_name) -%}
    try_cast({{ expression }} as {{ type_name }})
{%- endmacro %}
