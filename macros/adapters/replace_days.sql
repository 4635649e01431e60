{#-
    Incremental models that replace whole days (unique_key = a date column) use delete+insert on
    DuckDB and Postgres. Spark's parquet tables cannot delete rows: there the same result is a
    table partitioned by that date whose run overwrites the partitions (days) it writes
    (insert_overwrite, dynamic partition overwrite). In a model's config:
        incremental_strategy=replace_days_strategy(),
        partition_by=replace_days_partition('activity_date'),
        unique_key='activity_date',
    Either way only the days present in the new rows are replaced: a day that must be emptied
    needs a row of its own in them (int_events_validated's day marker rows).
-#}
{% macro replace_days_strategy() -%}
    {{ return('insert_overwrite' if target.type == 'spark' else 'delete+insert') }}
{%- endmacro %}

{% macro replace_days_partition(date_column) -%}
    {{ return([date_column] if target.type == 'spark' else none) }}
{%- endmacro %}
