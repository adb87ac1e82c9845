-- v_dated_metrics: one row per metric, with its document's issuer, region, level and body type and the year the figure is for
-- Every column of metrics passes through (a column added to metrics needs its comment here too).
create or replace view v_dated_metrics as
with metric as (
    select * from metrics
),

document as (
    select * from documents
),

-- a target is for the year the report plans for, an actual for the year it reviews; when only one
-- of the two years is known, the other is the year next to it (a work report reviews last year and
-- plans this one)
final as (
    select
        metric.*,
        document.issuer,
        document.region_code,
        coalesce(
            document.county,
            document.city,
            document.province,
            case when document.level = 'national' then '全国' end
        ) as region_name,
        document.level,
        document.body_type,
        case
            when metric.is_target then coalesce(document.plan_year, document.review_year + 1)
            else coalesce(document.review_year, document.plan_year - 1)
        end as year
    from metric
    inner join document on metric.doc_id = document.doc_id
)

select * from final;

comment on view v_dated_metrics is 'one row per metric (every column of metrics), with its document''s issuer, region, level and body type and the year the figure is for (plan_year for targets, review_year for actuals); v_metric_counts, v_indicator_values and v_indicator_series build on it';
comment on column v_dated_metrics.metric_id is 'doc_id:ordinal';
comment on column v_dated_metrics.doc_id is 'the document (documents.doc_id)';
comment on column v_dated_metrics.sentence_id is 'the sentence it is in (sentences.sentence_id)';
comment on column v_dated_metrics.char_start is 'start offset of surface in documents.text';
comment on column v_dated_metrics.char_end is 'end offset of surface in documents.text (exclusive)';
comment on column v_dated_metrics.surface is 'the exact text, e.g. 1500余万元';
comment on column v_dated_metrics.number_text is 'the number as written, e.g. 1500';
comment on column v_dated_metrics.unit_text is 'the unit as written, e.g. 万元';
comment on column v_dated_metrics.value is 'exact value in the base unit, multipliers applied (1500余万元 -> 15000000); NULL only for a target stated in words (stated_in_words)';
comment on column v_dated_metrics.value_high is 'upper bound of a range (6%－6.5% -> 6.5); else NULL';
comment on column v_dated_metrics.unit is 'base unit (元, 件, 人次, %, 个百分点 ...)';
comment on column v_dated_metrics.qualifier is 'NULL, more_than, about, at_least, up_to or range';
comment on column v_dated_metrics.what is 'the counted noun phrase (提案, 社情民意信息 ...)';
comment on column v_dated_metrics.what_head is 'the head noun of what, to group by (提案, 企业, 活动, 报告, 项目)';
comment on column v_dated_metrics.verb is 'the verb that governs it (提交, 采用, 办结 ...)';
comment on column v_dated_metrics.part_of_metric_id is 'the total this metric is a part of (其中…, 15个问题已解决12个): sum only rows where it is NULL; else NULL';
comment on column v_dated_metrics.period is 'review, plan or other: the part of the report the sentence is in';
comment on column v_dated_metrics.indicator is 'canonical indicator code (seeds/reference/indicators.csv), e.g. gdp_growth';
comment on column v_dated_metrics.is_target is 'true for a planned goal, false for an achieved figure';
comment on column v_dated_metrics.is_estimate is 'true for a figure the report gives as an estimate (预计, 预估): the year was not over when it was written';
comment on column v_dated_metrics.stated_in_words is 'a target set in words, without a number (与经济增长同步, 保持稳定, 完成国家下达任务), or an explicit no-target (不设具体目标); value, unit_text and number_text are then NULL/empty. NULL for every quantity';
comment on column v_dated_metrics.issuer is 'the issuer (documents.issuer); NULL when the document names none';
comment on column v_dated_metrics.region_code is 'GB/T 2260 code of the issuer''s region; NULL for national reports';
comment on column v_dated_metrics.region_name is 'county, city or province name of the issuer; 全国 for national reports';
comment on column v_dated_metrics.level is 'national, province, city, county or district';
comment on column v_dated_metrics.body_type is '政协, 政府, 人大 or 党委';
comment on column v_dated_metrics.year is 'the year the figure is for: plan_year for a target, review_year for an actual (the year next to the other when only one is known)';
