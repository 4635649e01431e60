{#- Fails with one row per listed column holding values below zero, and how many rows do; every
    column in one scan (failing_rows_per_column). Empty values pass (not_null_columns forbids them). -#}
{% test not_negative_columns(model, column_names) %}
{{ failing_rows_per_column(model, column_names, '{column} < 0') }}
{% endtest %}
