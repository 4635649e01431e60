{#- Every point value has one explicit type, so sums compare equal on every adapter. -#}
{% macro score_type() -%}
    decimal(18, 2)
{%- endmacro %}

{% macro to_points(expression) -%}
    cast(round({{ expression }}, 2) as {{ score_type() }})
{%- endmacro %}
