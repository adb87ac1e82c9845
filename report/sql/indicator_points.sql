-- indicator_points: one row per (indicator, region, year) of v_indicator_series whose target or
-- actual comes from a document the site shows, with the metric each value was first stated in
-- (the first by sentence and offset in that document: every target of one indicator in one
-- document is for the same region and year, so this is the mention the view chose)
with

series as (
    select * from v_indicator_series
),

shown as (
    select doc_id from site_doc_ids
),

metric as (
    select metric_id, doc_id, indicator, is_target, sentence_id, char_start
    from metrics
    where indicator is not null
),

first_metric as (
    select
        doc_id,
        indicator,
        is_target,
        arg_min(metric_id, [sentence_id, char_start]) as metric_id
    from metric
    group by all
),

final as (
    select
        s.indicator,
        i.name as indicator_name,
        i.better,
        s.region_name,
        s.level,
        s.year,
        case when s.target_doc_id in (select doc_id from shown) then s.target_value end as target_value,
        case when s.target_doc_id in (select doc_id from shown) then s.target_value_high end as target_value_high,
        case when s.target_doc_id in (select doc_id from shown) then s.target_qualifier end as target_qualifier,
        case when s.target_doc_id in (select doc_id from shown) then s.target_unit end as target_unit,
        case when s.target_doc_id in (select doc_id from shown) then s.target_surface end as target_surface,
        case when s.target_doc_id in (select doc_id from shown) then s.target_doc_id end as target_doc_id,
        case when s.target_doc_id in (select doc_id from shown) then ft.metric_id end as target_metric_id,
        case when s.actual_doc_id in (select doc_id from shown) then s.actual_value end as actual_value,
        case when s.actual_doc_id in (select doc_id from shown) then s.actual_qualifier end as actual_qualifier,
        case when s.actual_doc_id in (select doc_id from shown) then s.actual_unit end as actual_unit,
        case when s.actual_doc_id in (select doc_id from shown) then s.actual_surface end as actual_surface,
        case when s.actual_doc_id in (select doc_id from shown) then s.actual_doc_id end as actual_doc_id,
        case when s.actual_doc_id in (select doc_id from shown) then fa.metric_id end as actual_metric_id
    from series as s
    inner join ref_indicators as i on i.indicator = s.indicator
    left join first_metric as ft
        on ft.doc_id = s.target_doc_id and ft.indicator = s.indicator and ft.is_target
    left join first_metric as fa
        on fa.doc_id = s.actual_doc_id and fa.indicator = s.indicator and not fa.is_target
    where s.target_doc_id in (select doc_id from shown) or s.actual_doc_id in (select doc_id from shown)
)

select * from final
order by indicator, level, region_name, year
