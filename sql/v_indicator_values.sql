-- v_indicator_values: one row per indicator value (a metric mapped to an indicator), with its document's region and year
create or replace view v_indicator_values as
with metric as (
    select * from metrics
    where indicator is not null
),

document as (
    select * from documents
),

-- a target is for the year the report plans for, an actual for the year it reviews; when only one
-- of the two years is known, the other is the year next to it (a work report reviews last year and
-- plans this one)
dated as (
    select
        metric.*,
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
        period
    from dated
)

select * from final;
comment on view v_indicator_values is 'one row per indicator value: a metric mapped to an indicator, with its document''s region and year (plan_year for targets, review_year for actuals)';
