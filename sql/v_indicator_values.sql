-- v_indicator_values: one row per indicator value (a metric mapped to an indicator), with its document's region and year
create or replace view v_indicator_values as
-- a part of another metric (其中…) is left out: its total carries it, and a sum would count it twice
with dated as (
    select * from v_dated_metrics
    where indicator is not null and part_of_metric_id is null
),

final as (
    select
        doc_id,
        region_code,
        region_name,
        level,
        body_type,
        year,
        indicator,
        is_target,
        value,
        value_high,
        qualifier,
        unit,
        sentence_id,
        surface,
        metric_id,
        char_start,
        period,
        is_estimate,
        stated_in_words
    from dated
)

select * from final;
comment on view v_indicator_values is 'one row per indicator value: a metric mapped to an indicator, with its document''s region and year (plan_year for targets, review_year for actuals)';
comment on column v_indicator_values.doc_id is 'the document (documents.doc_id)';
comment on column v_indicator_values.region_code is 'GB/T 2260 code of the issuer''s region; NULL for national reports';
comment on column v_indicator_values.region_name is 'county, city or province name of the issuer; 全国 for national reports';
comment on column v_indicator_values.level is 'national, province, city, county or district';
comment on column v_indicator_values.body_type is '政协, 政府, 人大 or 党委';
comment on column v_indicator_values.year is 'the year the value is for: plan_year for a target, review_year for an actual (the year next to the other when only one is known)';
comment on column v_indicator_values.indicator is 'canonical indicator code (ref_indicators.indicator)';
comment on column v_indicator_values.is_target is 'true for a planned goal, false for an achieved figure';
comment on column v_indicator_values.is_estimate is 'true for a figure given as an estimate (预计)';
comment on column v_indicator_values.stated_in_words is 'a target set in words without a number (与经济增长同步); value is then NULL';
comment on column v_indicator_values.value is 'exact value in the base unit (lower bound of a range); NULL for a target stated in words';
comment on column v_indicator_values.value_high is 'upper bound of a range; else NULL';
comment on column v_indicator_values.qualifier is 'NULL, more_than, about, at_least, up_to or range';
comment on column v_indicator_values.unit is 'base unit (%, 元, 件, 人 ...)';
comment on column v_indicator_values.sentence_id is 'the sentence it is in (sentences.sentence_id)';
comment on column v_indicator_values.surface is 'the quantity exactly as written, e.g. 5%左右';
comment on column v_indicator_values.metric_id is 'the metric (metrics.metric_id)';
comment on column v_indicator_values.char_start is 'start offset of surface in documents.text';
comment on column v_indicator_values.period is 'review, plan or other: the part of the report the sentence is in';
