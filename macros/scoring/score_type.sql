{#- Every point value has one explicit type, so sums compare equal on every adapter. -#}
{% macro score_type() -%}
    decimal(18, 2)
{%- endmacro %}

{% macro to_points(expression) -%}
    {{ return(adapter.dispatch('to_points')(expression)) }}
{%- endmacro %}

{% macro default__to_points(expression) -%}
    cast(round({{ expression }}, 2) as {{ score_type() }})
{%- endmacro %}

{#- Postgres rounds to a number of places only numerics, not double precision (decay weights). -#}
{% macro postgres__to_points(expression) -%}
    cast(round(cast({{ expression }} as numeric), 2) as {{ score_type() }})
{%- endmacro %}
