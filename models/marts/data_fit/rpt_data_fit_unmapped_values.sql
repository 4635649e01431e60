{{ config(tags=['data_fit']) }}

{#- Event types and CRM stages in the landing data that are neither canonical nor mapped by
    value_aliases (their rows are quarantined and not scored), with the rows and leads they
    hold and the value_aliases row proposed for them, if any. -#}

with

unmapped as (
    select * from {{ ref('int_unmapped_values_counted') }}
),

proposals as (
    select * from {{ ref('rpt_data_fit_alias_proposals') }}
),

final as (
    select
        unmapped.domain,
        unmapped.raw_value,
        unmapped.landed_rows,
        unmapped.leads,
        proposals.canonical_value as proposed_canonical_value
    from unmapped
    left join proposals
        on unmapped.domain = proposals.domain
        and unmapped.raw_value = proposals.raw_value
)

select * from final
