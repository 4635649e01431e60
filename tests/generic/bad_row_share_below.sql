{#- Fails with one row per source whose dropped rows (is_dropped) make a larger share of the
    source's rows than max_bad_row_share in the one-row settings seed. Returns the source, its
    dropped and total rows, the share and the limit. -#}
{% test bad_row_share_below(model, settings, source_column='source', rows_column='rows', total_column='source_rows', dropped_column='is_dropped') %}

with

settings as (
    select max(max_bad_row_share) as max_bad_row_share
    from {{ settings }}
),

dropped as (
    select
        {{ source_column }} as source,
        sum({{ rows_column }}) as dropped_rows,
        max({{ total_column }}) as source_rows
    from {{ model }}
    where {{ dropped_column }}
    group by {{ source_column }}
),

final as (
    select
        dropped.source,
        dropped.dropped_rows,
        dropped.source_rows,
        cast(dropped.dropped_rows as {{ dbt.type_float() }}) / dropped.source_rows as dropped_share,
        settings.max_bad_row_share
    from dropped
    cross join settings
    where cast(dropped.dropped_rows as {{ dbt.type_float() }}) / dropped.source_rows > settings.max_bad_row_share
)

select * from final

{% endtest %}
