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
