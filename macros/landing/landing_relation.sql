{#-
    Where a staging model reads its raw table from.

    On DuckDB with a landing folder (var `landing_dir`, env LEADSCORE_LANDING_DIR) the table is a
    file: <dir>/<table>.parquet, <dir>/<table>.csv (or .csv.gz), or a folder <dir>/<table>/ of such
    files. Every column is read as text and named in snake_case, so staging casts all inputs the
    same way whatever the file format. The exception is a contract column with meta.landing_type
    whose Parquet column already has a type of that kind (a timestamp, an integer): it is read as
    it is, since formatting it as text and parsing it again costs more than the rest of a scan
    and keeps DuckDB from skipping row groups by their statistics (parse_as reads text and typed
    values alike). Contract columns the file lacks come back as nulls; required ones
    (meta.required in the sources YAML) raise an error naming the file. A table whose file is
    absent and whose source is not required (meta.required_table) is read as empty.

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
    {%- set reader = landing_file_reader(landing_dir, table_name) -%}

    {%- if reader is none -%}
        {%- if node.meta.get('required_table', false) -%}
            {{ exceptions.raise_compiler_error(
                "No landing file for '" ~ table_name ~ "' in " ~ landing_dir ~ ": expected "
                ~ table_name ~ ".parquet, " ~ table_name ~ ".csv, " ~ table_name ~ ".csv.gz or a folder "
                ~ table_name ~ "/ of such files. Set LEADSCORE_LANDING_DIR to the folder that holds them.") }}
        {%- endif -%}
        {%- set empty -%}
            (select {% for column in contract %}cast(null as {{ dbt.type_string() }}) as {{ column }}{{ ", " if not loop.last }}{% endfor %} where 1 = 0) as {{ table_name }}_landing
        {%- endset -%}
        {{ return(empty) }}
    {%- endif -%}

    {%- set file_types = landing_file_types(reader) -%}
    {%- set by_name = {} -%}
    {%- for original in file_types -%}
        {%- do by_name.update({landing_column_name(original): original}) -%}
    {%- endfor -%}

    {%- set missing = [] -%}
    {%- for column in contract -%}
        {%- if node.columns[column].meta.get('required', false) and column not in by_name -%}
            {%- do missing.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ reader ~ " lacks required column(s) " ~ missing | join(', ')
            ~ "; it has: " ~ by_name.keys() | list | join(', ')) }}
    {%- endif -%}

    {%- set expressions = [] -%}
    {%- for column in contract -%}
        {%- set value = '"' ~ by_name[column] ~ '"' if column in by_name else 'null' -%}
        {%- set landing_type = node.columns[column].meta.get('landing_type') -%}
        {%- if column in by_name and landing_type and landing_type_matches(file_types[by_name[column]], landing_type) -%}
            {%- do expressions.append(value ~ ' as ' ~ column) -%}
        {%- else -%}
            {%- do expressions.append('cast(' ~ value ~ ' as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column, original in by_name.items() if column not in contract -%}
        {%- do expressions.append('cast("' ~ original ~ '" as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
    {%- endfor -%}
    {%- set relation_sql -%}
        (select {{ expressions | join(', ') }} from {{ reader }}) as {{ table_name }}_landing
    {%- endset -%}
    {{ return(relation_sql) }}
{%- endmacro %}


{#- Columns a landing table carries beyond its contract: custom CRM fields that rules can score. -#}
{% macro landing_extra_columns(source_name, table_name) -%}
    {{ return(adapter.dispatch('landing_extra_columns')(source_name, table_name)) }}
{%- endmacro %}

{% macro default__landing_extra_columns(source_name, table_name) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set contract = landing_source_node(source_name, table_name).columns.keys() | list -%}
    {%- set extras = [] -%}
    {%- for column in adapter.get_columns_in_relation(source(source_name, table_name)) -%}
        {%- if column.name | lower not in contract -%}{%- do extras.append(column.name | lower) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(extras) }}
{%- endmacro %}

{% macro duckdb__landing_extra_columns(source_name, table_name) -%}
    {%- set landing_dir = var('landing_dir', none) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if landing_dir is none or landing_dir == '' -%}
        {{ return(default__landing_extra_columns(source_name, table_name)) }}
    {%- endif -%}
    {%- set contract = landing_source_node(source_name, table_name).columns.keys() | list -%}
    {%- set reader = landing_file_reader(landing_dir, table_name) -%}
    {%- if reader is none -%}{{ return([]) }}{%- endif -%}
    {%- set extras = [] -%}
    {%- for original in landing_file_columns(reader) -%}
        {%- set column = landing_column_name(original) -%}
        {%- if column not in contract -%}{%- do extras.append(column) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(extras) }}
{%- endmacro %}


{% macro landing_source_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("Unknown source " ~ source_name ~ "." ~ table_name) }}
{%- endmacro %}


{#- The DuckDB table function that reads a landing table, or none when no file is there. -#}
{% macro landing_file_reader(landing_dir, table_name) -%}
    {%- set base = (landing_dir | string).rstrip('/') ~ '/' ~ table_name -%}
    {%- set candidates = [
        ('read_parquet', base ~ '.parquet'),
        ('read_parquet', base ~ '/*.parquet'),
        ('read_csv', base ~ '.csv'),
        ('read_csv', base ~ '.csv.gz'),
        ('read_csv', base ~ '/*.csv'),
        ('read_csv', base ~ '/*.csv.gz'),
    ] -%}
    {%- for function, pattern in candidates -%}
        {%- set quoted = "'" ~ pattern | replace("'", "''") ~ "'" -%}
        {%- set found = run_query("select count(*) from glob(" ~ quoted ~ ")").columns[0].values()[0] -%}
        {%- if found > 0 -%}
            {%- if function == 'read_csv' -%}
                {{ return("read_csv(" ~ quoted ~ ", header = true, all_varchar = true)") }}
            {%- else -%}
                {{ return("read_parquet(" ~ quoted ~ ", union_by_name = true)") }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{% macro landing_file_columns(reader) -%}
    {{ return(landing_file_types(reader).keys() | list) }}
{%- endmacro %}

{#- {file column name: DuckDB type}, in the file's order. -#}
{% macro landing_file_types(reader) -%}
    {%- set described = run_query("describe select * from " ~ reader) -%}
    {%- set types = {} -%}
    {%- for row in described.rows -%}
        {%- do types.update({row[0]: row[1] | upper}) -%}
    {%- endfor -%}
    {{ return(types) }}
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


{#- "Lead Origin" -> lead_origin, so CRM export headers become column names. -#}
{% macro landing_column_name(original) -%}
    {{ return(modules.re.sub('[^a-z0-9]+', '_', original | lower).strip('_')) }}
{%- endmacro %}
