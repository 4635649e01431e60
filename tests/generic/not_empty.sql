{#- Fails with one row when the table has no rows at all: an empty weights seed would silently
    score every lead zero. -#}
{% test not_empty(model) %}

with

counted as (
    select count(*) as row_count
    from {{ model }}
)

select row_count
from counted
where row_count = 0

{% endtest %}
