-- v_metric_counts: one row per (issuer, year, what_head, verb, unit, is_target): what a body counted in a year, parts counted once
create or replace view v_metric_counts as
with dated as (
    select * from v_dated_metrics
),

-- a part (其中重点提案17件) is already inside its total: it is counted, never added;
-- shares and rates (办结率 100%) and per-unit values (元/人) have no meaningful sum;
-- the verb is in the grain: 提交提案266件 and 交办提案167件 are the same proposals at two stages,
-- and their sum (433) would count most of them twice
final as (
    select
        issuer,
        year,
        what_head,
        verb,
        unit,
        is_target,
        case
            when unit in ('%', '‰', '个百分点', '倍') or unit like '%/%' then null
            else sum(value) filter (where part_of_metric_id is null)
        end as total,
        count(*) filter (where part_of_metric_id is null) as metrics,
        count(*) filter (where part_of_metric_id is not null) as parts,
        count(distinct doc_id) as documents
    from dated
    group by issuer, year, what_head, verb, unit, is_target
)

select * from final;

comment on view v_metric_counts is 'one row per (issuer, year, what_head, verb, unit, is_target): the sum of what a body reports it did (提案 提交 266 件, 视察 4 次), parts of a total counted once, stages of the same things (提交, 交办, 办结) never added together';
comment on column v_metric_counts.issuer is 'the issuer (documents.issuer); NULL when the document names none';
comment on column v_metric_counts.year is 'the year the figures are for: plan_year for targets, review_year for actuals (the year next to the other when only one is known)';
comment on column v_metric_counts.what_head is 'the head noun counted (metrics.what_head): 提案, 活动, 报告 ...; NULL when no subject was found';
comment on column v_metric_counts.verb is 'the action on what is counted (metrics.verb): 提交, 交办, 办结, 开展 ...; NULL when none was found';
comment on column v_metric_counts.unit is 'base unit (件, 次, 人次, 元 ...)';
comment on column v_metric_counts.is_target is 'true for planned quantities, false for achieved ones';
comment on column v_metric_counts.total is 'sum of the values that are not part of another metric; NULL for rates, shares and per-unit values';
comment on column v_metric_counts.metrics is 'metrics summed into total (those that are not a part of another)';
comment on column v_metric_counts.parts is 'metrics left out of total because they are part of another (其中…)';
comment on column v_metric_counts.documents is 'documents the metrics come from';
