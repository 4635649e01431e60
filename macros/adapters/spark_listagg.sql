{#- dbt-spark's listagg ignores order_by_clause (it warns and concatenates in any order); Spark 4
    has listagg ... within group (order by ...), so the changed rules of rpt_sales_priority are
    listed biggest change first there too. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with limit_num is not supported on Spark by this project") }}
    {%- endif -%}
    {%- if order_by_clause -%}
        listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
    {%- else -%}
        listagg({{ measure }}, {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}
