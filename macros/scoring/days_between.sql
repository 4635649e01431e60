{#- Whole days from one date to another as a bigint on every adapter (dbt.datediff gives an
    integer on Postgres and Spark, a bigint on DuckDB; contracts need one type). -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}
