{#-
    Which copy of a key given more than once is kept: int_events_validated and quarantine_events
    number an event's copies by these two macros (and event_copy_order), so they agree on the
    copy. Ordering only the copies of keys given more than once, not every row, is the cheap part:
    a window over every row would sort them all.

        duplicated_ids as (
            {{ duplicated_keys('rows', 'event_id') }}
        ),
        numbered as (
            {{ number_copies('rows', 'duplicated_ids', 'event_id', event_copy_order()) }}
        ),

    `among` (optional) is a condition on `relation` for the rows that count as copies (the others
    are each copy 1); a null key is never a duplicate.
-#}

{#- The keys of `relation` given more than once among the rows `among` selects. -#}
{% macro duplicated_keys(relation, key, among=none) -%}
    select {{ key }} from {{ relation }}
    where {{ key }} is not null
        {%- if among is not none %}
        and {{ among }}
        {%- endif %}
    group by {{ key }}
    having count(*) > 1
{%- endmacro %}

{#- Every row of `relation` with copy_number: 1 unless its key is in `duplicated` (a relation of
    duplicated_keys), else its place among the copies by `order_by`. -#}
{% macro number_copies(relation, duplicated, key, order_by, among=none) -%}
    {{ return(adapter.dispatch('number_copies')(relation, duplicated, key, order_by, among)) }}
{%- endmacro %}

{% macro default__number_copies(relation, duplicated, key, order_by, among=none) -%}
    select
        {{ relation }}.*,
        1 as copy_number
    from {{ relation }}
    left join {{ duplicated }}
        on {{ relation }}.{{ key }} = {{ duplicated }}.{{ key }}
        {%- if among is not none %}
        and {{ relation }}.{{ among }}
        {%- endif %}
    where {{ duplicated }}.{{ key }} is null
    union all
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ relation }}.{{ key }}
            order by {{ order_by }}
        ) as copy_number
    from {{ relation }}
    inner join {{ duplicated }}
        on {{ relation }}.{{ key }} = {{ duplicated }}.{{ key }}
        {%- if among is not none %}
        and {{ relation }}.{{ among }}
        {%- endif %}
{%- endmacro %}

{#- Spark inlines every reference to a CTE, so the two references to `relation` above (and two more
    through `duplicated`) multiply the scans of everything `relation` is built from: the daily
    int_events_validated planned 3,095 table scans. One window over every row numbers the same
    copies with a single reference (`duplicated` is not read). -#}
{% macro spark__number_copies(relation, duplicated, key, order_by, among=none) -%}
    select
        {{ relation }}.*,
        case
            when {{ relation }}.{{ key }} is null then 1
            {%- if among is not none %}
            when not ({{ relation }}.{{ among }}) then 1
            {%- endif %}
            else row_number() over (
                partition by {{ relation }}.{{ key }}{% if among is not none %}, {{ relation }}.{{ among }}{% endif %}
                order by {{ order_by }}
            )
        end as copy_number
    from {{ relation }}
{%- endmacro %}
