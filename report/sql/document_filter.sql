-- document_filter: one row per document in force, with the columns a --where expression may use
-- (every documents column, and year: the report year of report_year() in sql/00_tables.sql)
select
    *,
    report_year(delivered_on, plan_year, review_year, source_meta) as year,
    coalesce(county, city, province, case when level = 'national' then '全国' end) as region_name
from documents
