{#- Fails on every group that does not have exactly one row without a threshold (the band that
    takes every score below the others), or whose open row is not the worst (largest) rank.
    Returns the group, how many open rows it has, the open row's rank and the worst rank. -#}
{% test one_open_band_at_worst_rank(model, group_by, rank_column, threshold_column) %}

with

groups as (
    select
        {%- for column in group_by %}
        {{ column }},
        {%- endfor %}
        sum(case when {{ threshold_column }} is null then 1 else 0 end) as open_bands,
        max(case when {{ threshold_column }} is null then {{ rank_column }} end) as open_band_rank,
        max({{ rank_column }}) as worst_rank
    from {{ model }}
    group by {{ group_by | join(', ') }}
)

select *
from groups
where open_bands <> 1
    or open_band_rank <> worst_rank

{% endtest %}
