{#-
    Which files hold a landing table on DuckDB: <dir>/<table>.<ext> and every file under a folder
    <dir>/<table>/ (subfolders too), where <ext> is parquet, csv or csv.gz in any letter case.
    Names starting with '.' or '_' (.DS_Store, Spark's _SUCCESS, hidden folders) are skipped. All
    the files must be of one format; a file of another format, or CSV beside Parquet, stops the run
    with a message naming the files, so nothing that lands is ignored without a word.
    Returns {'format': 'csv' | 'parquet', 'files': [...], 'reader': the DuckDB table function},
    or none when no file is there.
-#}
{% macro landing_files(landing_dir, table_name) -%}
    {%- set base = (landing_dir | string).rstrip('/') ~ '/' ~ table_name -%}
    {%- set listed = [] -%}
    {%- for row in run_query(
        "select file from glob(" ~ sql_string(base ~ '.*') ~ ")"
        ~ " union all select file from glob(" ~ sql_string(base ~ '/**/*') ~ ")"
        ~ " order by file"
    ).rows -%}
        {%- do listed.append(row[0]) -%}
    {%- endfor -%}
    {%- set by_format = {'csv': [], 'parquet': []} -%}
    {%- set unreadable = [] -%}
    {%- for file in listed -%}
        {%- set inside = file[(base | length) + 1:] if file.startswith(base ~ '/') else file.split('/')[-1] -%}
        {%- set name = file.split('/')[-1] | lower -%}
        {%- if modules.re.search('(^|/)[._]', inside) -%}
        {%- elif name.endswith('.parquet') -%}
            {%- do by_format['parquet'].append(file) -%}
        {%- elif name.endswith('.csv') or name.endswith('.csv.gz') -%}
            {%- do by_format['csv'].append(file) -%}
        {%- else -%}
            {%- do unreadable.append(file) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if unreadable -%}
        {{ exceptions.raise_compiler_error(
            "Landing table '" ~ table_name ~ "' has files leadscore cannot read: " ~ unreadable | join(', ')
            ~ ". It reads .parquet, .csv and .csv.gz files: convert these or move them out of " ~ landing_dir ~ ".") }}
    {%- endif -%}
    {%- if by_format['csv'] and by_format['parquet'] -%}
        {{ exceptions.raise_compiler_error(
            "Landing table '" ~ table_name ~ "' is given both as CSV (" ~ by_format['csv'] | join(', ')
            ~ ") and as Parquet (" ~ by_format['parquet'] | join(', ')
            ~ "). Keep one format: move the other files out of " ~ landing_dir ~ ".") }}
    {%- endif -%}

    {%- for format, files in by_format.items() if files -%}
        {%- set quoted = [] -%}
        {%- for file in files -%}{%- do quoted.append(sql_string(file)) -%}{%- endfor -%}
        {%- set file_list = '[' ~ quoted | join(', ') ~ ']' -%}
        {%- if format == 'csv' -%}
            {%- set reader = "read_csv(" ~ file_list ~ ", " ~ landing_csv_options() ~ ", union_by_name = true)" -%}
        {%- else -%}
            {%- set reader = "read_parquet(" ~ file_list ~ ", union_by_name = true)" -%}
        {%- endif -%}
        {{ return({'format': format, 'files': files, 'reader': reader}) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- Every value as text (staging casts); the header is the first line (DuckDB's sniffer would
    otherwise take a later line for the header of a file with a malformed line). A field may be
    long (notes, HTML: up to 64 MB) without stopping the run; the buffer is set as large, since
    DuckDB's default (16 times the line) would reserve 1 GB per file scanned from the memory limit. -#}
{% macro landing_csv_options(header=true) -%}
    header = {{ header }}, skip = 0, all_varchar = true, max_line_size = 67108864, buffer_size = 67108864
{%- endmacro %}


{#- A SQL string literal holding `value`, its quotes doubled. -#}
{% macro sql_string(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}
