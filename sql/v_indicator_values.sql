-- v_indicator_values: one row per indicator value (a metric mapped to an indicator)
create or replace view v_indicator_values as
with metric as (
    select * from metrics where indicator is not null
),

document as (
    select * from documents
),

final as (
    select
        metric.doc_id,
        document.region_code,
        coalesce(document.county, document.city, document.province, case when document.level = 'national' then '全国' end) as region_name,
        document.level,
        document.body_type,
        case when metric.is_target then document.plan_year else document.review_year end as year,
        metric.indicator,
        metric.is_target,
        metric.value,
        metric.value_high,
        metric.qualifier,
        metric.unit,
        metric.sentence_id,
        metric.surface
    from metric
    inner join document on metric.doc_id = document.doc_id
)

select * from final;
comment on view v_indicator_values is 'one row per indicator value: a metric mapped to an indicator, with its document''s region and year';
