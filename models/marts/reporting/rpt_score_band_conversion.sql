{#- Calibration by score: how often an observed score (int_score_observations: a lead, model and
    day old enough to judge) was followed by sql within the conversion window, per model, in
    fixed 25-point bands ('<0', '0-24', '25-49', ...) and in deciles of the model's observed
    scores (10 = highest). Lift compares a band's rate with the model's overall rate. -#}

with

observations as (
    select * from {{ ref('int_score_observations') }}
),

model_rates as (
    select
        model_id,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions
    from observations
    group by model_id
),

placed as (
    select
        model_id,
        total_score,
        converted,
        case
            when total_score < 0 then -1
            else cast(floor(total_score / 25) * 25 as {{ dbt.type_int() }})
        end as band_start,
        -- lead and day break ties, so equal scores on a decile edge always split the same way
        ntile(10) over (
            partition by model_id
            order by total_score, lead_id, observed_on
        ) as decile
    from observations
),

bands as (
    select
        model_id,
        'band' as band_kind,
        case
            when band_start < 0 then '<0'
            else cast(band_start as {{ dbt.type_string() }})
                || '-'
                || cast(band_start + 24 as {{ dbt.type_string() }})
        end as band_label,
        min(total_score) as band_min,
        max(total_score) as band_max,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions
    from placed
    group by
        model_id,
        band_start
),

deciles as (
    select
        model_id,
        'decile' as band_kind,
        cast(decile as {{ dbt.type_string() }}) as band_label,
        min(total_score) as band_min,
        max(total_score) as band_max,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions
    from placed
    group by
        model_id,
        decile
),

unioned as (
    select * from bands
    union all
    select * from deciles
),

final as (
    select
        unioned.model_id,
        cast(unioned.band_kind as {{ dbt.type_string() }}) as band_kind,
        unioned.band_label,
        {{ to_points('unioned.band_min') }} as band_min,
        {{ to_points('unioned.band_max') }} as band_max,
        cast(unioned.observations as {{ dbt.type_bigint() }}) as observations,
        cast(unioned.conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(round(1.0 * unioned.conversions / unioned.observations, 4) as decimal(18, 4)) as conversion_rate,
        cast(round(1.0 * model_rates.conversions / model_rates.observations, 4) as decimal(18, 4)) as base_rate,
        cast(
            round(
                1.0 * unioned.conversions * model_rates.observations
                / nullif(unioned.observations * model_rates.conversions, 0),
                4
            ) as decimal(18, 4)
        ) as lift
    from unioned
    inner join model_rates
        on unioned.model_id = model_rates.model_id
)

select * from final
