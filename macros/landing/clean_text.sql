{#- Free text: trimmed, empty string as null. Trimming takes every Unicode space and the
    zero-width characters (a byte-order mark, U+200B...) too, so an id made of them is no id. -#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    nullif(regexp_replace({{ column }}, '^{{ blank_characters() }}+|{{ blank_characters() }}+$', '', 'g'), '')
{%- endmacro %}

{#- Most values start and end with a printable ASCII character and have nothing to trim: they skip
    the regular expression, which costs more than the scan of such a column. -#}
{% macro duckdb__clean_text(column) -%}
    case
        when {{ column }}[1] > ' ' and {{ column }}[1] <= '~' and {{ column }}[-1] > ' ' and {{ column }}[-1] <= '~'
            then {{ column }}
        else nullif(regexp_replace({{ column }}, '^{{ blank_characters() }}+|{{ blank_characters() }}+$', '', 'g'), '')
    end
{%- endmacro %}

{% macro spark__clean_text(column) -%}
    nullif(regexp_replace({{ column }}, '^{{ blank_characters() }}+|{{ blank_characters() }}+$', ''), '')
{%- endmacro %}

{#- A regular expression class of white space and zero-width characters, in each engine's syntax. -#}
{% macro blank_characters() -%}
    {%- set code_points = ['0009-000d', '0020', '0085', '00a0', '1680', '2000-200d', '2028-2029', '202f', '205f', '2060', '3000', 'feff'] -%}
    {%- set parts = [] -%}
    {%- for point in code_points -%}
        {%- set ends = point.split('-') -%}
        {%- set escaped = [] -%}
        {%- for end in ends -%}
            {%- do escaped.append('\\x{' ~ end ~ '}' if target.type == 'duckdb' else '\\u' ~ end) -%}
        {%- endfor -%}
        {%- do parts.append(escaped | join('-')) -%}
    {%- endfor -%}
    {{ return('[' ~ parts | join('') ~ ']') }}
{%- endmacro %}

{#- A category value as rules are written: lower case, spaces and hyphens as underscores. -#}
{% macro clean_category(column) -%}
    nullif(replace(replace(lower({{ clean_text(column) }}), ' ', '_'), '-', '_'), '')
{%- endmacro %}

{#- Text to a typed value; a value that does not parse becomes null instead of failing the run. -#}
{% macro parse_as(column, type_name) -%}
    {{ return(adapter.dispatch('parse_as')(column, type_name)) }}
{%- endmacro %}

{% macro default__parse_as(column, type_name) -%}
    {{ try_cast(clean_text(column), api.Column.translate_type(type_name)) }}
{%- endmacro %}

{#- DuckDB's casts from text skip surrounding spaces and read '' as null already, so the column
    is cast as it is: text and an already typed landing column (see landing_relation) alike. -#}
{% macro duckdb__parse_as(column, type_name) -%}
    {%- if type_name | lower == 'timestamp' -%}
    {{ duckdb__parse_timestamp(column) }}
    {%- else -%}
    {{ try_cast(column, api.Column.translate_type(type_name)) }}
    {%- endif -%}
{%- endmacro %}

{#- A timestamp in UTC: text with an offset (2026-11-30T23:30:00-05:00) is that instant, text
    without one is read as UTC (the profile's TimeZone), a typed timestamp is kept. typeof() is
    known when the query is planned, so only one branch is ever computed. -#}
{% macro duckdb__parse_timestamp(column) -%}
    case
        when typeof({{ column }}) in ('VARCHAR', 'TIMESTAMP WITH TIME ZONE')
            then timezone('UTC', try_cast({{ column }} as timestamptz))
        else try_cast({{ column }} as timestamp)
    end
{%- endmacro %}

{#- A raw value as text, for a quarantine row: a landing column may be typed (see landing_relation). -#}
{% macro raw_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- The custom columns a landing file brings beyond the contract (landing_extra_columns), each
    cleaned as free text in lower case under its own quoted name; every one after a comma. -#}
{% macro clean_custom_columns(columns) -%}
    {%- for column in columns %},
        lower({{ clean_text(adapter.quote(column)) }}) as {{ adapter.quote(column) }}
    {%- endfor %}
{%- endmacro %}
