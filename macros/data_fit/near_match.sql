{#-
    The near-match rule of the data-fit check (rpt_data_fit_alias_proposals): how close a value
    found in the data is to a value the rules are written in. Both are compared with spaces and
    hyphens read as underscores. From the closest kind to the loosest:
      same_words   equal once spaces and hyphens are underscores (`individual contributor`)
      whole_words  one is a run of whole words of the other (`individual` in
                   `individual_contributor`, `marketing` in `marketing_management`)
      same_stem    they begin with the same max(4, 60 % of the shorter one's length) characters
                   (`reference` and `referral` share `refer`)
      one_typo     one letter added, dropped or changed, both 5 to 65 characters long (where
                   the engine has an edit distance: DuckDB, Spark)
-#}

{#- A value as the near-match rule compares it. -#}
{% macro near_match_form(value) -%}
    replace(replace({{ value }}, ' ', '_'), '-', '_')
{%- endmacro %}

{#- How many leading characters two values share (up to `max_length`). -#}
{% macro shared_prefix_length(left, right, max_length=32) -%}
    (
        {%- for length in range(1, max_length + 1) %}
        case
            when {{ dbt.length(left) }} >= {{ length }}
                and {{ dbt.length(right) }} >= {{ length }}
                and substring({{ left }}, 1, {{ length }}) = substring({{ right }}, 1, {{ length }})
                then 1
            else 0
        end{{ ' +' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- The kind of near match of two values in near_match_form, or null when they are not near. -#}
{% macro near_match_kind(left, right) -%}
    case
        when {{ left }} = {{ right }} then 'same_words'
        when {{ dbt.position("'_' || " ~ right ~ " || '_'", "'_' || " ~ left ~ " || '_'") }} > 0
            or {{ dbt.position("'_' || " ~ left ~ " || '_'", "'_' || " ~ right ~ " || '_'") }} > 0
            then 'whole_words'
        when {{ shared_prefix_length(left, right) }}
            >= greatest(4, ceil(0.6 * least({{ dbt.length(left) }}, {{ dbt.length(right) }})))
            then 'same_stem'
        -- lengths first, and at most 65 characters compared, so a long free-text value never
        -- costs an edit distance
        when abs({{ dbt.length(left) }} - {{ dbt.length(right) }}) <= 1
            and least({{ dbt.length(left) }}, {{ dbt.length(right) }}) between 5 and 64
            and {{ edit_distance('substring(' ~ left ~ ', 1, 65)', 'substring(' ~ right ~ ', 1, 65)') }} = 1
            then 'one_typo'
    end
{%- endmacro %}

{#- Levenshtein distance of two texts; null where the engine has none built in (Postgres keeps
    it in the fuzzystrmatch extension), which turns the one_typo kind off there. -#}
{% macro edit_distance(left, right) -%}
    {{ return(adapter.dispatch('edit_distance')(left, right)) }}
{%- endmacro %}

{% macro default__edit_distance(left, right) -%}
    cast(null as integer)
{%- endmacro %}

{% macro duckdb__edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro spark__edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}
