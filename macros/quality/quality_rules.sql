{#- Row-quality rules shared by the quarantine models and the scoring path, so a row the
    quarantine calls unscorable is exactly a row scoring leaves out. -#}

{#- Timestamps before this are not plausible for CRM or marketing data (epoch or Excel zero dates). -#}
{% macro quality_min_timestamp() -%}
    cast('2000-01-01' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The first instant after the real current day (UTC) of the run: a timestamp at or after it
    cannot have happened yet. Rescoring a past day does not move it: rows after the as-of day but
    before today are simply not known yet on that day, not bad. -#}
{% macro quality_future_cutoff() -%}
    {{ dbt.dateadd('day', 1, "cast('" ~ run_started_at.strftime('%Y-%m-%d') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- A usable timestamp for a required time column: present, parsed, not before 2000, not in the future. -#}
{% macro is_plausible_timestamp(column) -%}
    ({{ column }} >= {{ quality_min_timestamp() }} and {{ column }} < {{ quality_future_cutoff() }})
{%- endmacro %}

{#- An e-mail address as cleaned by staging that looks like one: something@something.tld, no spaces. -#}
{% macro is_valid_email(column) -%}
    ({{ column }} like '%_@_%._%' and {{ column }} not like '% %')
{%- endmacro %}

{#- Which copy of an event exported twice is kept: the first in this order of its staged values.
    int_events_validated and quarantine_events both use it, so they agree on the copy. -#}
{% macro event_copy_order() -%}
    lead_id, occurred_at, event_type, page_url, duration_seconds, campaign, content, device
{%- endmacro %}
