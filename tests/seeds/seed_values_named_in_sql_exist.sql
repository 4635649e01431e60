{#- A few seed values are named in the models' SQL, not only in other seeds: the unopened_emails
    decay counts the event types email_sent and email_open, sales rejections are the lifecycle
    stage 'rejected' (their reasons feed the rejection_reason negative rules), and the reports
    measure conversion to the stages sql and won. Fails with the seed and value that is missing
    while a rule or report needs it. -#}

with

event_types as (
    select * from {{ ref('event_types') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

decay_rules as (
    select * from {{ ref('decay_rules') }}
),

negative_rules as (
    select * from {{ ref('negative_rules') }}
),

required_values as (
    select
        'event_types' as seed_name,
        'email_sent' as required_value,
        rule_id as needed_by_rule_id
    from decay_rules
    where decay_kind = 'unopened_emails'
    union all
    select
        'event_types' as seed_name,
        'email_open' as required_value,
        rule_id as needed_by_rule_id
    from decay_rules
    where decay_kind = 'unopened_emails'
    union all
    select
        'lifecycle_stages' as seed_name,
        'rejected' as required_value,
        rule_id as needed_by_rule_id
    from negative_rules
    where rule_kind = 'rejection_reason'
    union all
    select
        'lifecycle_stages' as seed_name,
        'sql' as required_value,
        'the conversion reports' as needed_by_rule_id
    union all
    select
        'lifecycle_stages' as seed_name,
        'won' as required_value,
        'the conversion reports' as needed_by_rule_id
),

present_values as (
    select
        'event_types' as seed_name,
        event_type as present_value
    from event_types
    union all
    select
        'lifecycle_stages' as seed_name,
        stage as present_value
    from lifecycle_stages
),

final as (
    select
        required_values.seed_name,
        required_values.required_value,
        required_values.needed_by_rule_id
    from required_values
    left join present_values
        on required_values.seed_name = present_values.seed_name
        and required_values.required_value = present_values.present_value
    where present_values.present_value is null
)

select * from final
