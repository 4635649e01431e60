{#-
    Seeds on Spark. The seeds' column_types are written once for every engine (varchar,
    decimal(18,2), integer, boolean), but Spark has no varchar without a length: it is string
    there. These are dbt-spark 1.11's own seed macros with that one type translated.
-#}
{% macro spark_type(type_name) -%}
    {{ return('string' if (type_name | lower | trim) in ('varchar', 'text') else type_name) }}
{%- endmacro %}

{% macro spark_seed_column_types(model) -%}
    {%- set types = {} -%}
    {%- for name, type_name in model['config'].get('column_types', {}).items() -%}
        {%- do types.update({name: spark_type(type_name)}) -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#- Values are written as escaped literals: the session connection's parameter binding does
    not escape quotes (Côte d'Ivoire in the countries seed breaks the insert). -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set column_override = spark_seed_column_types(model) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(get_batch_size()) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{%- endif %}
                {%- endfor -%})
                {%- if not loop.last %},{%- endif %}
            {%- endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = spark_seed_column_types(model) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                {%- set type = column_override.get(col_name, inferred_type) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {%- endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}
