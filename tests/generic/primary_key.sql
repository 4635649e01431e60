{#- The primary key of a model, unique and not null in one scan: fails with one row per key value
    that more than one row holds or that has an empty column, with how many rows hold it. One
    test instead of a unique and a not_null per key column: each is one more dbt node in every
    daily run. -#}
{% test primary_key(model, column_names) %}

with

grouped as (
    select
        {{ column_names | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ column_names | join(', ') }}
)

select *
from grouped
where occurrences > 1
    {%- for column in column_names %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
