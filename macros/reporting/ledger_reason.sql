{#- Points as people read them: whole points without decimals (`60`, `-5`), others as the
    score type writes them (`20.50`). -#}
{% macro points_text(points) -%}
    case
        when {{ points }} = round({{ points }}, 0)
            then cast(cast({{ points }} as bigint) as {{ dbt.type_string() }})
        else cast({{ points }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- One ledger row in words, the reasons of the sales priority list and the CRM file: the rule's
    description (its id when it has none), then the evidence when there is some and the points,
    e.g. `Asked for a demo (1 events, +60)`. For rules that gave points (final_points > 0).
    `points` replaces final_points in the text (the CRM file writes whole points). -#}
{% macro ledger_reason(points_relation, points=none) -%}
    coalesce({{ points_relation }}.rule_description, {{ points_relation }}.rule_id)
    || ' ('
    || coalesce({{ points_relation }}.evidence || ', ', '')
    || '+'
    || {{ points_text(points or points_relation ~ '.final_points') }}
    || ')'
{%- endmacro %}

{#- The rules that gave a lead the most points, one row each with its reason in words and its
    rank per lead and scoring model: the biggest first, on a tie by rule id. `points` is the
    amount shown and kept (> 0); final_points when none. The sales priority list and the CRM file
    take the first three. -#}
{% macro ranked_ledger_reasons(points_relation, points=none) -%}
    {%- set shown_points = points or points_relation ~ '.final_points' -%}
    select
        {{ points_relation }}.lead_id,
        {{ points_relation }}.model_id,
        {{ points_relation }}.rule_id,
        {{ points_relation }}.final_points,
        {{ ledger_reason(points_relation, points) }} as reason,
        row_number() over (
            partition by {{ points_relation }}.lead_id, {{ points_relation }}.model_id
            order by {{ points_relation }}.final_points desc, {{ points_relation }}.rule_id asc
        ) as reason_rank
    from {{ points_relation }}
    where {{ shown_points }} > 0
{%- endmacro %}
