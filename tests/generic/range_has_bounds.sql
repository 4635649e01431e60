{#- Fails on every 'range' rule that gives neither bound, or whose lower bound is not below its
    upper bound (the range is min_value <= number < max_value, so min = max matches nothing). -#}
{% test range_has_bounds(model, min_column='min_value', max_column='max_value', match_type_column='match_type') %}

select *
from {{ model }}
where {{ match_type_column }} = 'range'
    and (
        ({{ min_column }} is null and {{ max_column }} is null)
        or {{ min_column }} >= {{ max_column }}
    )

{% endtest %}
