-- indicator_word_targets: one row per (indicator, region, year) with a target stated only in words
-- (metrics.stated_in_words) in a document the site shows: the first such statement, for the status
-- strip of the indicator charts. Run only on warehouses whose metrics have stated_in_words.
with

stated as (
    select
        m.indicator,
        m.metric_id,
        m.doc_id,
        m.sentence_id,
        m.char_start,
        m.stated_in_words,
        coalesce(d.county, d.city, d.province, case when d.level = 'national' then '全国' end) as region_name,
        coalesce(d.plan_year, d.review_year + 1) as year
    from metrics as m
    inner join documents as d on d.doc_id = m.doc_id
    semi join site_doc_ids on site_doc_ids.doc_id = m.doc_id
    where m.indicator is not null and m.is_target and m.value is null and m.stated_in_words is not null
),

final as (
    select
        indicator,
        region_name,
        year,
        arg_min(metric_id, [sentence_id, char_start]) as metric_id,
        arg_min(doc_id, [sentence_id, char_start]) as doc_id,
        arg_min(stated_in_words, [sentence_id, char_start]) as stated_in_words
    from stated
    where year is not null
    group by all
)

select * from final
order by indicator, region_name, year
