{#- Fails unless exactly one row has the boolean column true. Returns every true row with the
    count when there are several, or one empty row with a count of 0 when there is none. -#}
{% test exactly_one_true(model, column_name, key_column) %}

with

flagged as (
    select {{ key_column }}
    from {{ model }}
    where {{ column_name }} = true
),

counted as (
    select count(*) as true_rows
    from flagged
)

select
    flagged.{{ key_column }},
    counted.true_rows
from counted
left join flagged
    on 1 = 1
where counted.true_rows <> 1

{% endtest %}
