{#- Fails on every (scoring model, value) pair of the scoring_models seed and the given `values`
    that has no row here, e.g. a model without 'fit' grade bands. Returns the missing pairs. -#}
{% test covers_every_scoring_model(model, column_name, values, model_column='model_id') %}

with

scoring_models as (
    select model_id from {{ ref('scoring_models') }}
),

required_values as (
    {%- for value in values %}
    select '{{ value }}' as required_value
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

required as (
    select
        scoring_models.model_id,
        required_values.required_value
    from scoring_models
    cross join required_values
),

present as (
    select distinct
        {{ model_column }} as model_id,
        {{ column_name }} as present_value
    from {{ model }}
)

select
    required.model_id,
    required.required_value as missing_{{ column_name }}
from required
left join present
    on required.model_id = present.model_id
    and required.required_value = present.present_value
where present.model_id is null

{% endtest %}
