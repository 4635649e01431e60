{#- Fails on every row whose value is one of the reserved `values`, words the scoring models give
    a meaning of their own (e.g. model_id 'all', page category 'other'). -#}
{% test not_reserved(model, column_name, values) %}

select *
from {{ model }}
where {{ column_name }} in (
    {%- for value in values %}
    '{{ value }}'{{ ',' if not loop.last }}
    {%- endfor %}
)

{% endtest %}
