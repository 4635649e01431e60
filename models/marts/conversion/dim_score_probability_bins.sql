{{ config(materialized='table') }}

{#- The conversion probability by score, learned per scoring model and training set from the
    observations of fct_lead_score_calibration_sets (a lead, a scored day old enough to judge, whether
    the lead reached sql within the window). Four steps:
    1. bins: the model's distinct scores in ascending order go to cut floor(observations below
       the score / bin size), so equal scores share a cut; the bin size is min_bin_observations,
       or the observations / max_bins (rounded up) when that is larger. A cut with fewer
       observations than the bin size (after a large tie, or at the top) joins the nearest full
       cut below it.
    2. smoothing: each bin counts prior_observations more observations converting at the
       model's overall rate: (conversions + prior x rate) / (observations + prior).
    3. monotone: adjacent bins whose smoothed rates fall as the score rises are pooled (pool
       adjacent violators, weighted by observations + prior), in its closed form: the value of
       bin i is the largest, over the bins j <= i, of the smallest, over the bins k >= i, of the
       pooled rate of bins j to k.
    4. is_calibrated: the model has min_observations observations and min_converted_leads
       converted leads. -#}

with

calibration_sets as (
    select * from {{ ref('fct_lead_score_calibration_sets') }}
),

settings as (
    select * from {{ ref('probability_settings') }}
),

set_totals as (
    select
        model_id,
        training_set,
        count(*) as set_observations,
        sum(case when converted then 1 else 0 end) as set_conversions,
        count(distinct case when converted then lead_id end) as set_converted_leads
    from calibration_sets
    group by
        model_id,
        training_set
),

set_sizing as (
    select
        set_totals.model_id,
        set_totals.training_set,
        set_totals.set_observations,
        set_totals.set_conversions,
        set_totals.set_converted_leads,
        1.0 * set_totals.set_conversions / set_totals.set_observations as base_rate,
        greatest(
            settings.min_bin_observations,
            cast(ceil(1.0 * set_totals.set_observations / settings.max_bins) as {{ dbt.type_int() }})
        ) as bin_size,
        settings.prior_observations,
        settings.min_observations,
        settings.min_converted_leads,
        (
            set_totals.set_observations >= settings.min_observations
            and set_totals.set_converted_leads >= settings.min_converted_leads
        ) as is_calibrated
    from set_totals
    cross join settings
),

score_counts as (
    select
        model_id,
        training_set,
        total_score,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions
    from calibration_sets
    group by
        model_id,
        training_set,
        total_score
),

score_cuts as (
    -- a score's cut by the observations below it, so equal scores always share a cut
    select
        score_counts.model_id,
        score_counts.training_set,
        score_counts.total_score,
        score_counts.observations,
        score_counts.conversions,
        set_sizing.bin_size,
        cast(floor(
            1.0 * (
                sum(score_counts.observations) over (
                    partition by score_counts.model_id, score_counts.training_set
                    order by score_counts.total_score
                    rows between unbounded preceding and current row
                ) - score_counts.observations
            ) / set_sizing.bin_size
        ) as {{ dbt.type_int() }}) as cut_number
    from score_counts
    inner join set_sizing
        on score_counts.model_id = set_sizing.model_id
        and score_counts.training_set = set_sizing.training_set
),

cuts as (
    select
        model_id,
        training_set,
        cut_number,
        max(bin_size) as bin_size,
        min(total_score) as band_min,
        max(total_score) as band_max,
        sum(observations) as observations,
        sum(conversions) as conversions
    from score_cuts
    group by
        model_id,
        training_set,
        cut_number
),

cuts_placed as (
    -- a cut short of the bin size joins the nearest full cut below it; the first cut is full
    -- unless it is the only one
    select
        model_id,
        training_set,
        band_min,
        band_max,
        observations,
        conversions,
        coalesce(
            max(case when observations >= bin_size then cut_number end) over (
                partition by model_id, training_set
                order by cut_number
                rows between unbounded preceding and current row
            ),
            cut_number
        ) as bin_cut
    from cuts
),

bins as (
    select
        model_id,
        training_set,
        bin_cut,
        min(band_min) as band_min,
        max(band_max) as band_max,
        sum(observations) as observations,
        sum(conversions) as conversions
    from cuts_placed
    group by
        model_id,
        training_set,
        bin_cut
),

smoothed as (
    select
        bins.model_id,
        bins.training_set,
        row_number() over (
            partition by bins.model_id, bins.training_set
            order by bins.bin_cut
        ) as bin_number,
        bins.band_min,
        bins.band_max,
        bins.observations,
        bins.conversions,
        bins.conversions + set_sizing.prior_observations * set_sizing.base_rate as smoothed_conversions,
        bins.observations + set_sizing.prior_observations as smoothed_observations
    from bins
    inner join set_sizing
        on bins.model_id = set_sizing.model_id
        and bins.training_set = set_sizing.training_set
),

cumulated as (
    select
        *,
        sum(smoothed_conversions) over (
            partition by model_id, training_set
            order by bin_number
            rows between unbounded preceding and current row
        ) as conversions_through,
        sum(smoothed_observations) over (
            partition by model_id, training_set
            order by bin_number
            rows between unbounded preceding and current row
        ) as observations_through
    from smoothed
),

spans as (
    -- the pooled smoothed rate of every run of adjacent bins, first_bin to last_bin
    select
        first_bins.model_id,
        first_bins.training_set,
        first_bins.bin_number as first_bin,
        last_bins.bin_number as last_bin,
        (last_bins.conversions_through - first_bins.conversions_through + first_bins.smoothed_conversions)
        / (last_bins.observations_through - first_bins.observations_through + first_bins.smoothed_observations)
            as pooled_rate
    from cumulated as first_bins
    inner join cumulated as last_bins
        on first_bins.model_id = last_bins.model_id
        and first_bins.training_set = last_bins.training_set
        and first_bins.bin_number <= last_bins.bin_number
),

lowest_ahead as (
    -- for bin i and each first bin j <= i: the lowest pooled rate of the runs j..k with k >= i
    select
        cumulated.model_id,
        cumulated.training_set,
        cumulated.bin_number,
        spans.first_bin,
        min(spans.pooled_rate) as lowest_rate
    from cumulated
    inner join spans
        on cumulated.model_id = spans.model_id
        and cumulated.training_set = spans.training_set
        and cumulated.bin_number >= spans.first_bin
        and cumulated.bin_number <= spans.last_bin
    group by
        cumulated.model_id,
        cumulated.training_set,
        cumulated.bin_number,
        spans.first_bin
),

monotone as (
    select
        model_id,
        training_set,
        bin_number,
        max(lowest_rate) as probability
    from lowest_ahead
    group by
        model_id,
        training_set,
        bin_number
),

final as (
    select
        smoothed.model_id,
        smoothed.training_set,
        cast(smoothed.bin_number as {{ dbt.type_int() }}) as bin_number,
        {{ to_points('case when smoothed.bin_number > 1 then smoothed.band_min end') }} as lower_bound,
        {{ to_points(
            'lead(smoothed.band_min) over (partition by smoothed.model_id, smoothed.training_set order by smoothed.bin_number)'
        ) }} as upper_bound,
        {{ to_points('smoothed.band_min') }} as band_min,
        {{ to_points('smoothed.band_max') }} as band_max,
        cast(smoothed.observations as {{ dbt.type_bigint() }}) as observations,
        cast(smoothed.conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(round(1.0 * smoothed.conversions / smoothed.observations, 4) as decimal(18, 4)) as observed_rate,
        cast(
            round(smoothed.smoothed_conversions / smoothed.smoothed_observations, 4) as decimal(18, 4)
        ) as smoothed_rate,
        cast(round(monotone.probability, 4) as decimal(18, 4)) as conversion_probability,
        cast(set_sizing.set_observations as {{ dbt.type_bigint() }}) as set_observations,
        cast(set_sizing.set_conversions as {{ dbt.type_bigint() }}) as set_conversions,
        cast(set_sizing.set_converted_leads as {{ dbt.type_bigint() }}) as set_converted_leads,
        cast(round(set_sizing.base_rate, 4) as decimal(18, 4)) as base_rate,
        set_sizing.is_calibrated,
        set_sizing.min_observations,
        set_sizing.min_converted_leads
    from smoothed
    inner join monotone
        on smoothed.model_id = monotone.model_id
        and smoothed.training_set = monotone.training_set
        and smoothed.bin_number = monotone.bin_number
    inner join set_sizing
        on smoothed.model_id = set_sizing.model_id
        and smoothed.training_set = set_sizing.training_set
)

select * from final
