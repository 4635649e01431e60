{#- Calibration by score: how often an observed score (fct_lead_score_observations: a lead, model and
    day old enough to judge) was followed by sql within the conversion window, per model, in
    fixed 25-point bands ('<0', '0-24', '25-49', ...), in deciles of the model's observed
    scores (10 = highest) and in the bins of the conversion probability (for a model that has
    one). Lift compares a band's rate with the model's overall rate; the predicted columns say
    what the conversion probability expected of the band's observations, learned from every
    observation (in-sample) and from the other half of the leads only (held out). -#}

with

calibration_sets as (
    select * from {{ ref('fct_lead_score_calibration_sets') }}
),

probability_bins as (
    select * from {{ ref('dim_score_probability_bins') }}
),

observations as (
    -- every observation once, with its lead's half
    select *
    from calibration_sets
    where training_set = 'all'
),

live_bins as (
    select *
    from probability_bins
    where training_set = 'all'
        and is_calibrated
),

predicted as (
    -- each observation's probability from its model's bins
    select
        observations.model_id,
        observations.lead_id,
        observations.observed_on,
        observations.total_score,
        observations.converted,
        observations.lead_half,
        live_bins.bin_number as probability_bin,
        live_bins.conversion_probability as predicted_probability
    from observations
    left join live_bins
        on observations.model_id = live_bins.model_id
        and {{ score_in_bin('observations.total_score', 'live_bins') }}
),

held_out as (
    -- and from the bins learned on the other half of the leads, which never saw this lead
    select
        predicted.*,
        other_half_bins.conversion_probability as heldout_probability
    from predicted
    left join probability_bins as other_half_bins
        on predicted.model_id = other_half_bins.model_id
        and predicted.probability_bin is not null
        and other_half_bins.training_set = case when predicted.lead_half = 1 then 'half_2' else 'half_1' end
        and {{ score_in_bin('predicted.total_score', 'other_half_bins') }}
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
        *,
        case
            when total_score < 0 then -1
            else cast(floor(total_score / 25) * 25 as {{ dbt.type_int() }})
        end as band_start,
        -- lead and day break ties, so equal scores on a decile edge always split the same way
        ntile(10) over (
            partition by model_id
            order by total_score, lead_id, observed_on
        ) as decile
    from held_out
),

grouped as (
    -- each observation once per kind of band: its 25-point band, its decile and, for a model
    -- with a probability, its probability bin
    select
        model_id,
        'band' as band_kind,
        case
            when band_start < 0 then '<0'
            else cast(band_start as {{ dbt.type_string() }})
                || '-'
                || cast(band_start + 24 as {{ dbt.type_string() }})
        end as band_label,
        total_score,
        converted,
        predicted_probability,
        heldout_probability
    from placed
    union all
    select
        model_id,
        'decile' as band_kind,
        cast(decile as {{ dbt.type_string() }}) as band_label,
        total_score,
        converted,
        predicted_probability,
        heldout_probability
    from placed
    union all
    select
        model_id,
        'probability_bin' as band_kind,
        cast(probability_bin as {{ dbt.type_string() }}) as band_label,
        total_score,
        converted,
        predicted_probability,
        heldout_probability
    from placed
    where probability_bin is not null
),

banded as (
    select
        model_id,
        band_kind,
        band_label,
        min(total_score) as band_min,
        max(total_score) as band_max,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions,
        avg(predicted_probability) as predicted_probability,
        avg(heldout_probability) as heldout_probability
    from grouped
    group by
        model_id,
        band_kind,
        band_label
),

final as (
    select
        banded.model_id,
        cast(banded.band_kind as {{ dbt.type_string() }}) as band_kind,
        banded.band_label,
        {{ to_points('banded.band_min') }} as band_min,
        {{ to_points('banded.band_max') }} as band_max,
        cast(banded.observations as {{ dbt.type_bigint() }}) as observations,
        cast(banded.conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(round(1.0 * banded.conversions / banded.observations, 4) as decimal(18, 4)) as conversion_rate,
        cast(round(1.0 * model_rates.conversions / model_rates.observations, 4) as decimal(18, 4)) as base_rate,
        cast(
            round(
                1.0 * banded.conversions * model_rates.observations
                / nullif(banded.observations * model_rates.conversions, 0),
                4
            ) as decimal(18, 4)
        ) as lift,
        cast(round(banded.predicted_probability, 4) as decimal(18, 4)) as predicted_probability,
        cast(round(banded.heldout_probability, 4) as decimal(18, 4)) as heldout_probability
    from banded
    inner join model_rates
        on banded.model_id = model_rates.model_id
)

select * from final
