{#- Fails on every row whose value is zero or below. Empty values pass (use not_null to forbid them). -#}
{% test greater_than_zero(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} <= 0

{% endtest %}
