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
    -- the report's year: delivery date, else the year it plans for, else the year after the one
    -- it reviews, else the corpus row's year column
    select
        doc_id,
        coalesce(
            year(delivered_on), plan_year, review_year + 1,
            try_cast(json_extract_string(source_meta, '$.year') as integer)
        ) as year
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
