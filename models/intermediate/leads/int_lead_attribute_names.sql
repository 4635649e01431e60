{#- The names of the attributes rules can name, one row each, so the seed tests can check that a
    rule's attribute exists (a misspelled one would never fire). -#}

{%- set attributes = scorable_lead_attributes() %}

with

final as (
    {%- for attribute in attributes %}
    select '{{ attribute }}' as attribute
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not attributes %}
    select cast(null as {{ dbt.type_string() }}) as attribute
    where 1 = 0
    {%- endif %}
)

select * from final
