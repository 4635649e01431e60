{#-
    Where a staging model reads its raw table from.

    On DuckDB with a landing folder (var `landing_dir`, env LEADSCORE_LANDING_DIR) the table is the
    files of landing_files(), read by column name (a folder's files may order or omit columns
    differently). Every column is read as text and named as landing_columns() names it, so staging
    casts all inputs the same way whatever the file format. The exception is a contract column
    with meta.landing_type whose Parquet column already has a type of that kind (a timestamp, an
    integer): it is read as it is, since formatting it as text and parsing it again costs more
    than the rest of a scan and keeps DuckDB from skipping row groups by their statistics (parse_as
    reads text and typed values alike); a time-zone-aware timestamp becomes its UTC time. Contract
    columns the files lack come back as nulls; required ones (meta.required in the sources YAML)
    raise an error naming the files. A table whose files are absent and whose source is not
    required (meta.required_table) is read as empty; a required one without a row stops the run.

    On any other adapter, or with an empty landing_dir, it is the source table itself.
-#}
{% macro landing_relation(source_name, table_name) -%}
    {{ return(adapter.dispatch('landing_relation')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__landing_relation(source_name, table_name) -%}
    {{ return(source(source_name, table_name)) }}
{%- endmacro %}

{% macro duckdb__landing_relation(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set landing_dir = var('landing_dir', none) -%}
    {%- if not execute or landing_dir is none or landing_dir == '' -%}
        {{ return(relation) }}
    {%- endif -%}

    {%- set node = landing_source_node(source_name, table_name) -%}
    {%- set contract = node.columns.keys() | list -%}
    {%- set landing = landing_files(landing_dir, table_name) -%}

    {%- if landing is none -%}
        {%- if node.meta.get('required_table', false) -%}
            {{ exceptions.raise_compiler_error(
                "No landing file for '" ~ table_name ~ "' in " ~ landing_dir ~ ": expected "
                ~ table_name ~ ".parquet, " ~ table_name ~ ".csv, " ~ table_name ~ ".csv.gz or a folder "
                ~ table_name ~ "/ of such files. Set LEADSCORE_LANDING_DIR to the folder that holds them.") }}
        {%- endif -%}
        {%- set empty -%}
            (select {% for column in contract %}cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(column) }}{{ ", " if not loop.last }}{% endfor %} where 1 = 0) as {{ table_name }}_landing
        {%- endset -%}
        {{ return(empty) }}
    {%- endif -%}

    {%- set columns = {} -%}
    {%- for column in landing_columns(landing, table_name) -%}
        {%- do columns.update({column['name']: column}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in contract -%}
        {%- if node.columns[column].meta.get('required', false) and column not in columns -%}
            {%- do missing.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ landing['files'] | join(', ') ~ " lacks required column(s) " ~ missing | join(', ')
            ~ "; it has: " ~ columns.keys() | list | join(', ')) }}
    {%- endif -%}
    {%- if node.meta.get('required_table', false)
        and run_query("select count(*) from " ~ landing['reader']).columns[0].values()[0] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ landing['files'] | join(', ') ~ " holds no " ~ table_name
            ~ " rows (only a header): nothing to score. Export the " ~ table_name ~ " again.") }}
    {%- endif -%}

    {%- set expressions = [] -%}
    {%- for column in contract -%}
        {%- do expressions.append(landing_column_expression(columns.get(column), node.columns[column].meta.get('landing_type')) ~ ' as ' ~ adapter.quote(column)) -%}
    {%- endfor -%}
    {%- for name, column in columns.items() if name not in contract -%}
        {%- do expressions.append(landing_column_expression(column, none) ~ ' as ' ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {%- set relation_sql -%}
        (select {{ expressions | join(', ') }} from {{ landing['reader'] }}) as {{ table_name }}_landing
    {%- endset -%}
    {{ return(relation_sql) }}
{%- endmacro %}


{#- One landing column as staging reads it: text, or its own type where landing_type allows
    (a time-zone-aware timestamp as its UTC time); the headers of a folder's files that name one
    column are one value (a row comes from one file, so at most one is set). -#}
{% macro landing_column_expression(column, landing_type) -%}
    {%- if column is none -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for original in column['originals'] -%}{%- do quoted.append(quote_landed(original)) -%}{%- endfor -%}
    {%- set value = quoted[0] if quoted | length == 1 else 'coalesce(' ~ quoted | join(', ') ~ ')' -%}
    {%- if quoted | length == 1 and landing_type == 'timestamp' and column['type'].startswith('TIMESTAMP WITH TIME ZONE') -%}
        {{ return("timezone('UTC', " ~ value ~ ")") }}
    {%- elif quoted | length == 1 and landing_type and landing_type_matches(column['type'], landing_type) -%}
        {{ return(value) }}
    {%- endif -%}
    {%- set texts = [] -%}
    {%- for item in quoted -%}{%- do texts.append('cast(' ~ item ~ ' as ' ~ dbt.type_string() ~ ')') -%}{%- endfor -%}
    {{ return(texts[0] if texts | length == 1 else 'coalesce(' ~ texts | join(', ') ~ ')') }}
{%- endmacro %}


{#- Columns a landing table carries beyond its contract: custom CRM fields that rules can score,
    named in snake_case. A name leadscore gives a column of its own (landing_reserved_names) stops
    the run with a message: a landed column never takes an internal one's place. -#}
{% macro landing_extra_columns(source_name, table_name) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set extras = adapter.dispatch('landing_extra_columns')(source_name, table_name) -%}
    {%- set reserved = landing_reserved_names(table_name) -%}
    {%- for name, origin in extras if name in reserved -%}
        {{ exceptions.raise_compiler_error(
            "Custom column " ~ origin ~ " of the " ~ table_name ~ " landing data is named " ~ name
            ~ ", a name leadscore gives a column of its own. Rename it in the export. Reserved for "
            ~ table_name ~ ": " ~ reserved | join(', ')) }}
    {%- endfor -%}
    {{ return(extras | map(attribute=0) | list) }}
{%- endmacro %}

{#- [(name, where it comes from)] -#}
{% macro default__landing_extra_columns(source_name, table_name) -%}
    {%- set contract = landing_source_node(source_name, table_name).columns.keys() | list -%}
    {%- set extras = [] -%}
    {%- for column in adapter.get_columns_in_relation(source(source_name, table_name)) -%}
        {%- set name = column.name | lower -%}
        {%- if name not in contract -%}
            {%- if landing_column_name(name) != name -%}
                {{ exceptions.raise_compiler_error(
                    'Column "' ~ column.name ~ '" of ' ~ source(source_name, table_name)
                    ~ " is not in snake_case (letters, digits and underscores, not starting or ending with one): name it "
                    ~ (landing_column_name(name) or 'with a letter') ~ ", as python -m leadscore.load_raw does.") }}
            {%- endif -%}
            {%- do extras.append((name, "'" ~ column.name ~ "' of " ~ source(source_name, table_name))) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(extras) }}
{%- endmacro %}

{% macro duckdb__landing_extra_columns(source_name, table_name) -%}
    {%- set landing_dir = var('landing_dir', none) -%}
    {%- if landing_dir is none or landing_dir == '' -%}
        {{ return(default__landing_extra_columns(source_name, table_name)) }}
    {%- endif -%}
    {%- set contract = landing_source_node(source_name, table_name).columns.keys() | list -%}
    {%- set landing = landing_files(landing_dir, table_name) -%}
    {%- if landing is none -%}{{ return([]) }}{%- endif -%}
    {%- set extras = [] -%}
    {%- for column in landing_columns(landing, table_name) if column['name'] not in contract -%}
        {%- do extras.append((column['name'], "'" ~ column['originals'] | join("', '") ~ "' in " ~ landing['files'] | join(', '))) -%}
    {%- endfor -%}
    {{ return(extras) }}
{%- endmacro %}


{#- Names of columns the models derive beside a landing table's own, which its custom columns
    may not take: int_leads_enriched puts them beside every custom lead column (with the account's
    columns prefixed account_), and stg_crm__accounts renames name to account_name. -#}
{% macro landing_reserved_names(table_name) -%}
    {%- if table_name == 'leads' -%}
        {%- set reserved = ['country_raw', 'country_code', 'region', 'email_domain', 'has_account',
            'account_domain', 'account_industry', 'account_employee_count', 'account_annual_revenue',
            'account_country_code', 'account_region', 'account_business_model'] -%}
        {%- for name in landing_extra_columns('crm', 'accounts') -%}
            {%- do reserved.append('account_' ~ name) -%}
        {%- endfor -%}
        {{ return(reserved) }}
    {%- elif table_name == 'accounts' -%}
        {{ return(['account_name', 'country_code', 'region']) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}


{% macro landing_source_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("Unknown source " ~ source_name ~ "." ~ table_name) }}
{%- endmacro %}


{#- Whether a file column of DuckDB type `file_type` parses to `landing_type` unchanged, so it can be
    read without the round trip through text (time zones, fractions and other kinds still take it). -#}
{% macro landing_type_matches(file_type, landing_type) -%}
    {%- set kinds = {
        'timestamp': ['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATE'],
        'integer': ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER'],
    } -%}
    {{ return(file_type in kinds.get(landing_type, [])) }}
{%- endmacro %}


