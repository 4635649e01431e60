{#- The continuous percentile (0 <= p <= 1) of a numeric expression over the rows of a group,
    interpolating between the two nearest values; nulls are ignored and an empty group gives null.
    An aggregate: use it in a select with group by. -#}
{% macro percentile(expression, p) -%}
    {{ return(adapter.dispatch('percentile')(expression, p)) }}
{%- endmacro %}

{% macro default__percentile(expression, p) -%}
    percentile_cont({{ p }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, p) -%}
    quantile_cont({{ expression }}, {{ p }})
{%- endmacro %}
