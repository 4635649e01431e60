with

source as (
    select * from {{ landing_relation('crm', 'lifecycle') }}
),

cleaned as (
    select
        {{ clean_text('lead_id') }} as lead_id,
        lower({{ clean_text('stage') }}) as stage,
        {{ parse_as('entered_at', 'timestamp') }} as entered_at,
        {{ clean_text('reason') }} as reason
    from source
)

select * from cleaned
