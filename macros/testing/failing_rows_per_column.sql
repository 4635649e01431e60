{#- For a generic test over many columns: one row per column where `condition` holds on some rows
    (`condition` names the column as `{column}`), with how many rows, all columns counted in one
    scan of the model. A test per column scans the model once each and is one more dbt node in
    every daily run (dbt's own cost per node was most of a small run's time). -#}
{% macro failing_rows_per_column(model, column_names, condition) %}

with

counts as (
    select
        {%- for column in column_names %}
        sum(case when {{ condition | replace('{column}', column) }} then 1 else 0 end) as failing_{{ loop.index }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

per_column as (
    {%- for column in column_names %}
    select '{{ column }}' as column_name, failing_{{ loop.index }} as failing_rows from counts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from per_column
where failing_rows > 0

{% endmacro %}
