{#- Fails on every row whose value is not a value of `field` in the `to` relation, nor one of
    `also_allowed`. Like dbt's relationships test, but returns the whole offending row (rule id
    and all) instead of the bare value, so the stored failures point at the row to fix. Empty
    values are left to not_null. -#}
{% test exists_in(model, column_name, to, field, also_allowed=[]) %}

with

parent as (
    select distinct {{ field }} as parent_value
    from {{ to }}
    where {{ field }} is not null
),

checked as (
    select *
    from {{ model }}
    where {{ column_name }} is not null
)

select checked.*
from checked
left join parent
    on checked.{{ column_name }} = parent.parent_value
where parent.parent_value is null
    {%- if also_allowed %}
    and checked.{{ column_name }} not in (
        {%- for value in also_allowed %}
        '{{ value }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
    {%- endif %}

{% endtest %}
