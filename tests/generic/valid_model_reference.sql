{#- Fails on every row whose model id is neither a model_id of the scoring_models seed nor, when
    allow_all is true, the word 'all' (the rule applies to every scoring model). Empty values are
    left to not_null. Returns the offending rows. -#}
{% test valid_model_reference(model, column_name, allow_all=true) %}

with

scoring_models as (
    select model_id from {{ ref('scoring_models') }}
),

checked as (
    select *
    from {{ model }}
    where {{ column_name }} is not null
)

select checked.*
from checked
left join scoring_models
    on checked.{{ column_name }} = scoring_models.model_id
where scoring_models.model_id is null
    {%- if allow_all %}
    and checked.{{ column_name }} <> 'all'
    {%- endif %}

{% endtest %}
