{#-
    dbt's `where` test config, plus placeholders that are only known when the test runs, so the
    data tests of big incremental tables check what the run wrote instead of every stored row:
      __latest_load__   the latest loaded_at of the tested table: the rows the last run wrote
                        (every row after a --full-refresh, which therefore tests all of them)
      __as_of_date__    the as-of day of the run (var as_of_date)
      __lookback_start__ the as-of day minus activity_lookback_days: the lookback window's first day
                        (a run after skipped days also recomputes the days before it; these
                        tests sample the window, quarantine_events reports every bad raw row)
    Overrides dbt's get_where_subquery; without a placeholder it behaves the same.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set where = where
        | replace('__latest_load__', '(select max(loaded_at) from ' ~ relation ~ ')')
        | replace('__as_of_date__', as_of_date())
        | replace('__lookback_start__', dbt.dateadd('day', -1 * activity_lookback_days(), as_of_date())) -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}
