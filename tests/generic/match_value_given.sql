{#- Fails on every rule whose match type compares against a value (equals, contains, in_list)
    but whose match_value is empty. range, present and missing need no match_value. -#}
{% test match_value_given(model, column_name, match_type_column='match_type') %}

select *
from {{ model }}
where {{ match_type_column }} not in ('range', 'present', 'missing')
    and ({{ column_name }} is null or trim({{ column_name }}) = '')

{% endtest %}
