{#-
    Written between a CTE's name and its body (`events as {{ inline_cte() }} (`) for a CTE over a
    big table that a model reads more than once. DuckDB (and Postgres) materialize such a CTE:
    every column of every row is written aside, spilled to disk past memory_limit, and read back,
    which costs more than reading the table again with each reader's own filters. Elsewhere the
    engine decides and the CTE is plain.
-#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}
{%- endmacro %}

{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}

{% macro postgres__inline_cte() -%}
    not materialized
{%- endmacro %}
