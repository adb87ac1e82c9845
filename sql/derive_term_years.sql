-- derive_term_years: fills term_years, one row per (term, year); v_term_trends reads it instead of scanning terms
-- Only the years in _changed_years are redone: the build lists there the report years of the
-- documents it added or dropped (every year when the derive SQL changed), and a year's rows
-- depend on that year's documents alone.
delete from term_years where year in (select year from _changed_years);

insert into term_years
with

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
    where report_year(delivered_on, plan_year, review_year, source_meta) in (select year from _changed_years)
),

terms_by_document as (
    select doc_id, term, sum(count) as mentions
    from terms
    semi join documents_dated using (doc_id)
    group by doc_id, term
),

final as (
    select
        t.term,
        d.year,
        sum(t.mentions) as mentions,
        count(*) as documents
    from terms_by_document as t
    inner join documents_dated as d on d.doc_id = t.doc_id
    where d.year is not null
    group by t.term, d.year
)

select * from final;
