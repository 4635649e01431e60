{#- Fails on every (scoring model, kind) pair of the scoring_models seed and the given `kinds`
    that has no row here, e.g. a model without 'fit' grade bands. Returns the missing pairs. -#}
{% test covers_every_scoring_model(model, kind_column, kinds, model_column='model_id') %}

with

scoring_models as (
    select model_id from {{ ref('scoring_models') }}
),

kinds as (
    {%- for kind in kinds %}
    select '{{ kind }}' as required_kind
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

required as (
    select
        scoring_models.model_id,
        kinds.required_kind
    from scoring_models
    cross join kinds
),

present as (
    select distinct
        {{ model_column }} as model_id,
        {{ kind_column }} as present_kind
    from {{ model }}
)

select
    required.model_id,
    required.required_kind as missing_{{ kind_column }}
from required
left join present
    on required.model_id = present.model_id
    and required.required_kind = present.present_kind
where present.model_id is null

{% endtest %}
