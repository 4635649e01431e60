{#- Fails on every row whose value is above `maximum` (a share above 1, say). Empty values pass
    (use not_null to forbid them). -#}
{% test at_most(model, column_name, maximum) %}

select *
from {{ model }}
where {{ column_name }} > {{ maximum }}

{% endtest %}
