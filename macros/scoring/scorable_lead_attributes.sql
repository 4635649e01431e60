{#- The attributes rules can name: every column of int_leads_enriched but identifiers, personal data
    and timestamps (none at parse time). Custom landing columns are among them by themselves. -#}
{% macro scorable_lead_attributes() -%}
    {%- set not_scorable = ['lead_id', 'email', 'first_name', 'last_name', 'created_at', 'account_id', 'company_name', 'country_raw'] -%}
    {{ return(columns_except(ref('int_leads_enriched'), not_scorable)) }}
{%- endmacro %}
