{#- A salted hash that stands in for the e-mail address wherever a lead must be matched without
    publishing personal data: the same address (case-insensitive, trimmed) gives the same hash
    under the same salt. Without a salt (var email_salt empty) it is null: an unsalted hash of an
    e-mail address can be reversed by hashing a list of addresses. -#}
{% macro hash_email(email_col) -%}
    {{ return(adapter.dispatch('hash_email')(email_col)) }}
{%- endmacro %}

{% macro default__hash_email(email_col) -%}
    {%- set salt = var('email_salt', '') | string -%}
    {%- if salt | trim == '' -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {{ dbt.hash(dbt.concat([dbt.string_literal(salt), 'lower(trim(' ~ email_col ~ '))'])) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__hash_email(email_col) -%}
    {%- set salt = var('email_salt', '') | string -%}
    {%- if salt | trim == '' -%}
        cast(null as varchar)
    {%- else -%}
        sha256({{ dbt.string_literal(salt) }} || lower(trim({{ email_col }})))
    {%- endif -%}
{%- endmacro %}

{#- The same sha256 hex digest as DuckDB's, so a hash matches across engines. -#}
{% macro postgres__hash_email(email_col) -%}
    {%- set salt = var('email_salt', '') | string -%}
    {%- if salt | trim == '' -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        encode(sha256(convert_to({{ dbt.string_literal(salt) }} || lower(trim({{ email_col }})), 'UTF8')), 'hex')
    {%- endif -%}
{%- endmacro %}

{% macro spark__hash_email(email_col) -%}
    {%- set salt = var('email_salt', '') | string -%}
    {%- if salt | trim == '' -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        sha2(concat({{ dbt.string_literal(salt) }}, lower(trim({{ email_col }}))), 256)
    {%- endif -%}
{%- endmacro %}
