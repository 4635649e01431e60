{#- Fails with one row per listed column holding empty values, and how many rows do; every column
    in one scan (failing_rows_per_column). Key columns are in the primary_key test. -#}
{% test not_null_columns(model, column_names) %}
{{ failing_rows_per_column(model, column_names, '{column} is null') }}
{% endtest %}
