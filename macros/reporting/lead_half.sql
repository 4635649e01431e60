{#- Splits leads into two halves that stay the same from run to run and on every adapter: 1 when
    the last hex digit of the md5 of the lead id is 0-7, else 2. The held-out check of the
    conversion probability scores each half with the probability learned from the other. -#}
{% macro lead_half(lead_id) -%}
    case
        when {{ dbt.right(dbt.hash(lead_id), 1) }} in ('0', '1', '2', '3', '4', '5', '6', '7') then 1
        else 2
    end
{%- endmacro %}
