{#- True when `score` falls in the probability bin `bins` (a relation alias of
    dim_score_probability_bins): at or above its lower bound, below its upper bound; the first
    bin has no lower bound and the last no upper bound, so every score falls in one bin of a
    model and training set. -#}
{% macro score_in_bin(score, bins) -%}
    ({{ bins }}.lower_bound is null or {{ score }} >= {{ bins }}.lower_bound)
    and ({{ bins }}.upper_bound is null or {{ score }} < {{ bins }}.upper_bound)
{%- endmacro %}
