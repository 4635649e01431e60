{#- What each MQL threshold would have done, per model, every 5 points across the observed scores
    (fct_lead_score_observations): how many observations it lets through, how many of them reached
    sql within the conversion window (precision, the MQL->SQL rate), which share of all
    conversions it catches (recall), their F1 and the share of observations it makes MQLs. One
    threshold per model is recommended by the report_settings.threshold_rule:
      best_f1       the highest F1 (exact ties: the higher threshold);
      target_rate   the lowest threshold whose MQL->SQL rate reaches target_mql_to_sql_rate with
                    at least min_segment_leads observations; when none does, best_f1 (and the
                    rule text says so);
      target_share  the threshold whose MQL share is closest to target_mql_share (exact ties:
                    the higher threshold).
    suggest-weights picks its candidates' thresholds by the same rules (recommend_threshold in
    flows/suggest_weights.py), so the report and a candidate agree. -#}

with

observations as (
    select * from {{ ref('fct_lead_score_observations') }}
),

settings as (
    select * from {{ ref('report_settings') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

steps as (
    -- 1..4096: up to 4,096 thresholds per model, a score range of 20,475 points
    {{ dbt.generate_series(4096) }}
),

model_totals as (
    select
        model_id,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions,
        cast(floor(min(total_score) / 5) * 5 as {{ dbt.type_int() }}) as first_threshold,
        cast(ceil(max(total_score) / 5) * 5 as {{ dbt.type_int() }}) as last_threshold
    from observations
    group by model_id
),

thresholds as (
    select
        model_totals.model_id,
        model_totals.first_threshold
        + 5 * (cast(steps.generated_number as {{ dbt.type_int() }}) - 1) as threshold
    from model_totals
    inner join steps
        on steps.generated_number <= (model_totals.last_threshold - model_totals.first_threshold) / 5 + 1
),

buckets as (
    -- observations per 5-point step: a score passes threshold t exactly when its step is >= t
    select
        model_id,
        cast(floor(total_score / 5) * 5 as {{ dbt.type_int() }}) as threshold,
        count(*) as observations,
        sum(case when converted then 1 else 0 end) as conversions
    from observations
    group by
        model_id,
        cast(floor(total_score / 5) * 5 as {{ dbt.type_int() }})
),

passing as (
    select
        thresholds.model_id,
        thresholds.threshold,
        sum(coalesce(buckets.observations, 0)) over (
            partition by thresholds.model_id
            order by thresholds.threshold desc
            rows between unbounded preceding and current row
        ) as mqls_at_threshold,
        sum(coalesce(buckets.conversions, 0)) over (
            partition by thresholds.model_id
            order by thresholds.threshold desc
            rows between unbounded preceding and current row
        ) as conversions_captured
    from thresholds
    left join buckets
        on thresholds.model_id = buckets.model_id
        and thresholds.threshold = buckets.threshold
),

measured as (
    select
        passing.model_id,
        passing.threshold,
        passing.mqls_at_threshold,
        passing.conversions_captured,
        1.0 * passing.conversions_captured / nullif(passing.mqls_at_threshold, 0) as precision_value,
        1.0 * passing.conversions_captured / nullif(model_totals.conversions, 0) as recall_value,
        -- 2PR / (P + R) written with counts: one division, so equal F1s compare equal, and
        -- defined (0) where no observation passes
        2.0 * passing.conversions_captured
        / nullif(passing.mqls_at_threshold + model_totals.conversions, 0) as f1_value,
        1.0 * passing.mqls_at_threshold / model_totals.observations as share_value,
        -- the distance to the target share in observations, so equal distances compare equal
        abs(passing.mqls_at_threshold - settings.target_mql_share * model_totals.observations)
            as share_distance,
        passing.mqls_at_threshold > 0
        and passing.mqls_at_threshold >= settings.min_segment_leads
        and passing.conversions_captured >= settings.target_mql_to_sql_rate * passing.mqls_at_threshold
            as reaches_target
    from passing
    inner join model_totals
        on passing.model_id = model_totals.model_id
    cross join settings
),

ranked as (
    select
        model_id,
        threshold,
        mqls_at_threshold,
        conversions_captured,
        precision_value,
        recall_value,
        f1_value,
        share_value,
        row_number() over (
            partition by model_id
            order by coalesce(f1_value, -1) desc, threshold desc
        ) as f1_rank,
        row_number() over (
            partition by model_id
            order by share_distance asc, threshold desc
        ) as share_rank,
        row_number() over (
            partition by model_id
            order by case when reaches_target then 0 else 1 end, threshold
        ) as target_rank,
        max(case when reaches_target then 1 else 0 end) over (partition by model_id) as target_reached
    from measured
),

rule_words as (
    -- the rule in words with the numbers it uses, e.g. 'best F1 for sql within 90 days'
    select
        threshold_rule,
        'sql within ' || cast(conversion_window_days as {{ dbt.type_string() }}) || ' days' as window_words,
        'MQL->SQL rate >= '
        || case
            when target_mql_to_sql_rate * 100 = floor(target_mql_to_sql_rate * 100)
                then cast(cast(target_mql_to_sql_rate * 100 as {{ dbt.type_int() }}) as {{ dbt.type_string() }})
            else cast(cast(target_mql_to_sql_rate * 100 as decimal(18, 2)) as {{ dbt.type_string() }})
        end
        || '%' as target_words,
        'MQL share closest to '
        || case
            when target_mql_share * 100 = floor(target_mql_share * 100)
                then cast(cast(target_mql_share * 100 as {{ dbt.type_int() }}) as {{ dbt.type_string() }})
            else cast(cast(target_mql_share * 100 as decimal(18, 2)) as {{ dbt.type_string() }})
        end
        || '%' as share_words,
        'at least ' || cast(min_segment_leads as {{ dbt.type_string() }}) || ' MQLs' as size_words
    from settings
),

final as (
    select
        ranked.model_id,
        {{ to_points('ranked.threshold') }} as threshold,
        cast(ranked.mqls_at_threshold as {{ dbt.type_bigint() }}) as mqls_at_threshold,
        cast(ranked.conversions_captured as {{ dbt.type_bigint() }}) as conversions_captured,
        cast(round(ranked.precision_value, 4) as decimal(18, 4)) as precision,
        cast(round(ranked.recall_value, 4) as decimal(18, 4)) as recall,
        cast(round(ranked.f1_value, 4) as decimal(18, 4)) as f1,
        cast(round(ranked.share_value, 4) as decimal(18, 4)) as mql_share,
        case
            when rule_words.threshold_rule = 'target_rate' and ranked.target_reached = 1
                then ranked.target_rank = 1
            when rule_words.threshold_rule = 'target_share'
                then ranked.share_rank = 1
            else ranked.f1_rank = 1
        end as is_recommended,
        case
            when rule_words.threshold_rule = 'target_share'
                then rule_words.share_words
            when rule_words.threshold_rule = 'target_rate' and ranked.target_reached = 1
                then 'lowest threshold with ' || rule_words.target_words
                    || ' (' || rule_words.window_words || ', ' || rule_words.size_words || ')'
            when rule_words.threshold_rule = 'target_rate'
                then 'best F1 for ' || rule_words.window_words || ' (no threshold reaches '
                    || rule_words.target_words || ' with ' || rule_words.size_words || ')'
            else 'best F1 for ' || rule_words.window_words
        end as recommendation_rule,
        scoring_models.mql_threshold as current_mql_threshold
    from ranked
    cross join rule_words
    left join scoring_models
        on ranked.model_id = scoring_models.model_id
)

select * from final
