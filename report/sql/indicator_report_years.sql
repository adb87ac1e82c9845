-- indicator_report_years: one row per (region, plan year) with a government work report the site
-- shows: the years for which a target could have been set, so a year without one shows as missing
select distinct
    coalesce(county, city, province, case when level = 'national' then '全国' end) as region_name,
    level,
    coalesce(plan_year, review_year + 1) as year,
    first(doc_id order by doc_id) as doc_id
from documents
semi join site_doc_ids using (doc_id)
where body_type = '政府' and coalesce(plan_year, review_year + 1) is not null
group by all
order by region_name, year
