{#- Fails on every row whose model id is neither a model_id of the scoring_models seed nor, when
    allow_all is true, the word 'all' (the rule applies to every scoring model). Empty values are
    left to not_null. Returns the offending rows: exists_in against scoring_models. -#}
{% test valid_model_reference(model, column_name, allow_all=true) %}

{{ test_exists_in(
    model=model,
    column_name=column_name,
    to=ref('scoring_models'),
    field='model_id',
    also_allowed=['all'] if allow_all else []
) }}

{% endtest %}
