{#-
    The columns of a landing table on DuckDB, named as rules and staging name them: a header in
    snake_case (`Lead ID` -> lead_id, `2nd Phone` -> 2nd_phone), or column_<position> for a header
    with no letter or digit (`#`). Returns a list of {'name', 'originals', 'type'} in file order.

    Names never start with '_': those are the models' own helper columns, which a landed column
    can therefore never shadow. Two headers of one file with the same name (`Lead Source` beside
    `lead_source`, or `Region` twice) stop the run with a message naming the file and both
    headers. The same name written differently in different files of a folder is one column.
-#}
{% macro landing_columns(landing, table_name) -%}
    {%- set described = landing_described(landing['reader']) -%}
    {%- set originals = described | map(attribute=0) | list -%}
    {%- set groups = {} -%}
    {%- set columns = [] -%}
    {%- for original, file_type in described -%}
        {%- set name = landing_column_name(original) or 'column_' ~ loop.index -%}
        {%- if name not in groups -%}
            {%- do groups.update({name: {'name': name, 'originals': [], 'type': file_type}}) -%}
            {%- do columns.append(groups[name]) -%}
        {%- endif -%}
        {%- do groups[name]['originals'].append(original) -%}
    {%- endfor -%}

    {%- set renamed_by_reader = [] -%}
    {%- for original in originals -%}
        {%- set numbered = modules.re.match('^(.*)_[0-9]+$', original) -%}
        {%- if numbered and numbered.group(1) in originals -%}{%- do renamed_by_reader.append(original) -%}{%- endif -%}
    {%- endfor -%}
    {%- if renamed_by_reader or columns | length < originals | length -%}
        {%- do landing_check_headers_per_file(landing, table_name) -%}
    {%- endif -%}
    {%- if landing['format'] == 'csv' and originals | length == 1 and modules.re.search('[,;\t|]', originals[0]) -%}
        {{ exceptions.raise_compiler_error(
            "Landing file " ~ landing['files'] | join(', ') ~ " could not be split into columns (its header reads as the one column '"
            ~ originals[0] ~ "'): a line is probably malformed, e.g. a quote left open or more fields than the header has. "
            ~ "Comma, semicolon, tab and pipe separated files with a header line are read.") }}
    {%- endif -%}
    {{ return(columns) }}
{%- endmacro %}


{#- [(column name as the reader gives it, DuckDB type)], in the file's order. -#}
{% macro landing_described(reader) -%}
    {%- set described = [] -%}
    {%- for row in run_query("describe select * from " ~ reader).rows -%}
        {%- do described.append((row[0], row[1] | upper)) -%}
    {%- endfor -%}
    {{ return(described) }}
{%- endmacro %}


{#- Each file's own headers, read raw (DuckDB's reader renames a repeated header `a` to `a_1`,
    and a folder's union merges files): two that get one name stop the run. -#}
{% macro landing_check_headers_per_file(landing, table_name) -%}
    {%- for file in landing['files'] -%}
        {%- if landing['format'] == 'csv' -%}
            {%- set first_row = run_query(
                "select * from read_csv(" ~ sql_string(file) ~ ", " ~ landing_csv_options(header=false)
                ~ ", null_padding = true) limit 1"
            ).rows -%}
            {%- set headers = (first_row[0] | list) if first_row else [] -%}
        {%- else -%}
            {%- set headers = run_query("describe select * from read_parquet(" ~ sql_string(file) ~ ")").columns[0].values() | list -%}
        {%- endif -%}
        {%- set seen = {} -%}
        {%- for header in headers -%}
            {%- set name = landing_column_name(header | string) or 'column_' ~ loop.index -%}
            {%- if name in seen -%}
                {{ exceptions.raise_compiler_error(
                    "Landing file " ~ file ~ " has two columns named " ~ name ~ " once in snake_case: '"
                    ~ seen[name] ~ "' and '" ~ header ~ "'. Rename or remove one of them in the "
                    ~ table_name ~ " export.") }}
            {%- endif -%}
            {%- do seen.update({name: header}) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}


{#- "Lead Origin" -> lead_origin: lower case, every run of other characters one underscore,
    none at either end. Empty when the header has no letter or digit. -#}
{% macro landing_column_name(original) -%}
    {{ return(modules.re.sub('[^a-z0-9]+', '_', original | lower).strip('_')) }}
{%- endmacro %}


{#- An identifier for a column as a file names it, quotes doubled: safe whatever the header holds. -#}
{% macro quote_landed(original) -%}
    {{ return('"' ~ (original | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}
