{#- Fails on every pair of rows in the same group where the better row (smaller rank) does not
    have a strictly higher threshold than the worse row. Rows without a threshold are left to
    one_open_band_at_worst_rank. Returns the group, both ranks and both thresholds. -#}
{% test thresholds_descend_by_rank(model, group_by, rank_column, threshold_column, label_column) %}

with

bands as (
    select *
    from {{ model }}
    where {{ threshold_column }} is not null
)

select
    {%- for column in group_by %}
    better.{{ column }},
    {%- endfor %}
    better.{{ label_column }} as better_{{ label_column }},
    better.{{ rank_column }} as better_{{ rank_column }},
    better.{{ threshold_column }} as better_{{ threshold_column }},
    worse.{{ label_column }} as worse_{{ label_column }},
    worse.{{ rank_column }} as worse_{{ rank_column }},
    worse.{{ threshold_column }} as worse_{{ threshold_column }}
from bands as better
inner join bands as worse
    on better.{{ rank_column }} < worse.{{ rank_column }}
    {%- for column in group_by %}
    and better.{{ column }} = worse.{{ column }}
    {%- endfor %}
where better.{{ threshold_column }} <= worse.{{ threshold_column }}

{% endtest %}
