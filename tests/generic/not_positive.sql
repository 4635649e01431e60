{#- Fails on every row whose value is above zero. Empty values pass (use not_null to forbid them). -#}
{% test not_positive(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} > 0

{% endtest %}
