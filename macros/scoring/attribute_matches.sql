{#-
    The one definition of how a rule row matches an attribute value. Rules are data (fit rules,
    model assignments, qualification criteria, rejection reasons); this is the fixed grammar they
    are written in:
      equals   value equals match_value (case-insensitive; values are lower-cased in staging)
      in_list  value is in attribute_lists where list_name = match_value
      contains value contains match_value
      range    min_value <= number < max_value (either bound may be empty)
      present  value is not empty
      missing  value is empty
    `lists` is the alias of an attribute_lists relation left-joined on list_name = match_value
    and list_value = value; it is only needed for in_list. `number` is only needed for range.
-#}
{% macro attribute_matches(value, rule, number=none, lists=none) -%}
    (
        ({{ rule }}.match_type = 'equals' and {{ value }} = lower({{ rule }}.match_value))
        or ({{ rule }}.match_type = 'contains' and {{ value }} like '%' || lower({{ rule }}.match_value) || '%')
        {%- if number is not none %}
        or ({{ rule }}.match_type = 'range'
            and {{ number }} is not null
            and ({{ rule }}.min_value is null or {{ number }} >= {{ rule }}.min_value)
            and ({{ rule }}.max_value is null or {{ number }} < {{ rule }}.max_value))
        {%- endif %}
        or ({{ rule }}.match_type = 'present' and {{ value }} is not null)
        or ({{ rule }}.match_type = 'missing' and {{ value }} is null)
        {%- if lists is not none %}
        or ({{ rule }}.match_type = 'in_list' and {{ lists }}.list_value is not null)
        {%- endif %}
    )
{%- endmacro %}
