{#-
    What a stored day of events was computed from. int_events_validated keeps, on one marker row
    per stored day, the fingerprint of that day's usable landed rows (the rows it picks its events
    from); a daily run computes the fingerprint of every landed day again and recomputes each day
    whose fingerprint changed, appeared or disappeared. The fingerprint is the number of rows and
    the sum of a 64-bit hash of each row, as text: the same set of rows in any order gives the
    same text, and an added, deleted or changed row changes it (up to a hash collision).
-#}

{#- A row's 64-bit hash over the given columns, in their order; a null differs from every value.
    Its sum over a day's rows cannot overflow: DuckDB sums an unsigned 64-bit integer as a
    128-bit one, Postgres a bigint as numeric, and Spark gets a decimal. -#}
{% macro fingerprint_row_hash(columns) -%}
    {{ return(adapter.dispatch('fingerprint_row_hash')(columns)) }}
{%- endmacro %}

{% macro default__fingerprint_row_hash(columns) -%}
    {{ exceptions.raise_compiler_error(
        "No fingerprint_row_hash for the " ~ target.type ~ " adapter: add a macro " ~ target.type
        ~ "__fingerprint_row_hash(columns) in macros/incremental/day_fingerprint.sql that returns a"
        ~ " 64-bit hash of the columns (a number whose sum over 100 million rows cannot overflow).") }}
{%- endmacro %}

{#- hash() of several values combines them in order; a null has a hash of its own. -#}
{% macro duckdb__fingerprint_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- The first 64 bits of the md5 of the row's text (a row value quotes its fields and writes a
    null as nothing, an empty text as ""), as a signed bigint. -#}
{% macro postgres__fingerprint_row_hash(columns) -%}
    cast(cast('x' || left(md5(cast(row({{ columns | join(', ') }}) as text)), 16) as bit(64)) as bigint)
{%- endmacro %}

{#- Spark's hashes skip nulls, so each column is followed by whether it is null. -#}
{% macro spark__fingerprint_row_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append(column) -%}
        {%- do parts.append(column ~ ' is null') -%}
    {%- endfor -%}
    cast(xxhash64({{ parts | join(', ') }}) as decimal(20, 0))
{%- endmacro %}

{#- The fingerprint of the rows of a group (an aggregate): row count and the sum of their hashes. -#}
{% macro day_fingerprint(row_hash) -%}
    cast(count(*) as {{ dbt.type_string() }}) || ':' || cast(sum({{ row_hash }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#- The fingerprint of a day without usable rows (an aggregate never gives it: its count is 0). -#}
{% macro empty_day_fingerprint() -%}
    '0:0'
{%- endmacro %}

{#- Stops an incremental run on a table built before days had fingerprints: what its days were
    computed from is unknown, so it cannot be brought up to date day by day. -#}
{% macro require_day_fingerprints(relation) -%}
    {%- if execute -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if 'day_fingerprint' not in names -%}
            {{ exceptions.raise_compiler_error(
                relation ~ " was built by an earlier version of leadscore, which did not record what each"
                ~ " stored day was computed from, so a daily run cannot tell which days changed. Rebuild the"
                ~ " event tables once: run `leadscore run --full-refresh` (on a warehouse: dbt build --full-refresh).") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
