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

{#- The points columns of a ledger row whose rule has a cap: raw_points, final_points (the raw
    points, at most `cap`) and adjustment ('cap' when the cap cut them). -#}
{% macro capped_points(raw_points, cap) -%}
    {{ to_points(raw_points) }} as raw_points,
        {{ to_points('case when ' ~ raw_points ~ ' > ' ~ cap ~ ' then ' ~ cap ~ ' else ' ~ raw_points ~ ' end') }} as final_points,
        case when {{ raw_points }} > {{ cap }} then 'cap' end as adjustment
{%- endmacro %}

{#- The same for a rule with a floor: final_points at least `floor`, adjustment 'floor'. -#}
{% macro floored_points(raw_points, floor) -%}
    {{ to_points(raw_points) }} as raw_points,
        {{ to_points('case when ' ~ raw_points ~ ' < ' ~ floor ~ ' then ' ~ floor ~ ' else ' ~ raw_points ~ ' end') }} as final_points,
        case when {{ raw_points }} < {{ floor }} then 'floor' end as adjustment
{%- endmacro %}
