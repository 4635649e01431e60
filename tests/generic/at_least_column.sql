{#- Fails on every row where the column is below `other_column` of the same row (e.g. a cap below
    the first points). Rows where either is empty pass. -#}
{% test at_least_column(model, column_name, other_column) %}

select *
from {{ model }}
where {{ column_name }} < {{ other_column }}

{% endtest %}
