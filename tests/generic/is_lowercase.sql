{#- Fails on every row whose value has upper-case letters: the value is matched against data that
    staging lower-cases, so an upper-case value would never match. -#}
{% test is_lowercase(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} <> lower({{ column_name }})

{% endtest %}
