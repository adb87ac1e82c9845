-- v_indicator_series: one row per (indicator, region, year): the target set for the year beside the actual reported for it, and the gap
create or replace view v_indicator_series as
-- a part of another metric (其中…) is left out: its total carries it, and a sum would count it twice
with dated as (
    select * from v_dated_metrics
    where indicator is not null and part_of_metric_id is null
),

indicator as (
    select * from ref_indicators
),

-- a report states its headline figure first and repeats it in the explanation; government reports
-- win over others (a 政协 report may quote the GDP figure of its region); a target stated in words
-- (no value) is ranked apart from the numbers
ranked as (
    select
        *,
        row_number() over (
            partition by indicator, region_code, region_name, year, is_target, value is null
            order by case when body_type = '政府' then 0 else 1 end, doc_id, sentence_id, char_start
        ) as mention_rank,
        count(*) over (partition by indicator, region_code, region_name, year, is_target, value is null) as mentions
    from dated
    where year is not null
),

target as (
    select * from ranked
    where is_target and value is not null and mention_rank = 1
),

target_in_words as (
    select * from ranked
    where is_target and value is null and mention_rank = 1
),

actual as (
    select * from ranked
    where not is_target and value is not null and mention_rank = 1
),

series_key as (
    select distinct indicator, region_code, region_name, level, year
    from ranked
    where mention_rank = 1
),

final as (
    select
        series_key.indicator,
        series_key.region_code,
        series_key.region_name,
        series_key.level,
        series_key.year,
        target.value as target_value,
        target.value_high as target_value_high,
        target.qualifier as target_qualifier,
        target.unit as target_unit,
        target.surface as target_surface,
        target.doc_id as target_doc_id,
        coalesce(target.mentions, 0) as target_mentions,
        target_in_words.stated_in_words as target_in_words,
        case
            when target.value is not null then 'number'
            when target_in_words.stated_in_words is not null then 'words'
        end as target_stated_as,
        actual.value as actual_value,
        actual.qualifier as actual_qualifier,
        actual.unit as actual_unit,
        actual.surface as actual_surface,
        actual.doc_id as actual_doc_id,
        coalesce(actual.mentions, 0) as actual_mentions,
        actual.is_estimate as actual_is_estimate,
        case when target.unit = actual.unit then actual.value - target.value end as gap,
        case
            when target.unit <> actual.unit or coalesce(indicator.better, '') = '' then null
            when indicator.better = 'higher' then actual.value >= target.value
            else actual.value <= coalesce(target.value_high, target.value)
        end as target_met
    from series_key
    left join target
        on series_key.indicator = target.indicator
        and series_key.region_code is not distinct from target.region_code
        and series_key.region_name is not distinct from target.region_name
        and series_key.year = target.year
    left join target_in_words
        on series_key.indicator = target_in_words.indicator
        and series_key.region_code is not distinct from target_in_words.region_code
        and series_key.region_name is not distinct from target_in_words.region_name
        and series_key.year = target_in_words.year
    left join actual
        on series_key.indicator = actual.indicator
        and series_key.region_code is not distinct from actual.region_code
        and series_key.region_name is not distinct from actual.region_name
        and series_key.year = actual.year
    left join indicator on series_key.indicator = indicator.indicator
)

select * from final;
comment on view v_indicator_series is 'one row per (indicator, region, year): the first target stated for the year next to the first actual reported for it; gap = actual - target (lower bound of a range) when the units agree';
comment on column v_indicator_series.indicator is 'canonical indicator code (ref_indicators.indicator)';
comment on column v_indicator_series.region_code is 'GB/T 2260 code of the region; NULL for national reports';
comment on column v_indicator_series.region_name is 'county, city or province name; 全国 for national reports';
comment on column v_indicator_series.level is 'national, province, city, county or district';
comment on column v_indicator_series.year is 'the year the target was set for and the actual reported for';
comment on column v_indicator_series.target_value is 'the target as first stated for the year (lower bound of a range); NULL when none was found';
comment on column v_indicator_series.target_value_high is 'upper bound of a target range (6%－6.5% -> 6.5); else NULL';
comment on column v_indicator_series.target_qualifier is 'qualifier of the target: NULL, more_than, about, at_least, up_to or range';
comment on column v_indicator_series.target_unit is 'base unit of the target';
comment on column v_indicator_series.target_surface is 'the target exactly as written';
comment on column v_indicator_series.target_doc_id is 'the document the target comes from (a government report first)';
comment on column v_indicator_series.target_mentions is 'how many target values for this indicator, region and year the warehouse holds (repeats and other reports)';
comment on column v_indicator_series.target_in_words is 'the target as first stated in words for the year (与经济增长同步, 提质增效, 完成国家下达的…任务, 不设具体目标); NULL when the reports state none in words';
comment on column v_indicator_series.target_stated_as is 'number when a numeric target was found, words when only a target in words was, NULL when no target was found (not mentioned, or missed)';
comment on column v_indicator_series.actual_value is 'the actual as first reported for the year; NULL when none was found';
comment on column v_indicator_series.actual_is_estimate is 'true when the actual is given as an estimate (预计): the year was not over when the report was written';
comment on column v_indicator_series.actual_qualifier is 'qualifier of the actual (e.g. more_than for 1500余万元)';
comment on column v_indicator_series.actual_unit is 'base unit of the actual';
comment on column v_indicator_series.actual_surface is 'the actual exactly as written';
comment on column v_indicator_series.actual_doc_id is 'the document the actual comes from (a government report first)';
comment on column v_indicator_series.actual_mentions is 'how many actual values for this indicator, region and year the warehouse holds';
comment on column v_indicator_series.gap is 'actual_value - target_value when both exist in the same unit; else NULL';
comment on column v_indicator_series.target_met is 'true when the actual reaches the target (at least its value when higher is better, at most its upper bound when lower is better); NULL when the direction, a value or a common unit is missing';
