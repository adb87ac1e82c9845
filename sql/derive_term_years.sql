-- derive_term_years: fills term_years, one row per (term, year); v_term_trends reads it instead of scanning terms
delete from term_years;

insert into term_years
with

terms_by_document as (
    select doc_id, term, sum(count) as mentions
    from terms
    group by doc_id, term
),

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
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
