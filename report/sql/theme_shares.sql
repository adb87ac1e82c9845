-- theme_shares: one row per (document, theme) of the site's documents, with its region and year
select
    t.doc_id,
    coalesce(d.county, d.city, d.province, case when d.level = 'national' then '全国' end) as region_name,
    d.level,
    report_year(d.delivered_on, d.plan_year, d.review_year, d.source_meta) as year,
    t.theme,
    t.sentences,
    t.share
from document_themes as t
inner join documents as d on d.doc_id = t.doc_id
semi join site_doc_ids on site_doc_ids.doc_id = t.doc_id
order by t.doc_id, t.theme
