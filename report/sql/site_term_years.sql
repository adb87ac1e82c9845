-- site_term_years: a temporary table, one row per (term, report year) of the site's documents, with its frequency per
-- 10,000 characters of that year's documents (as v_term_trends, over the documents shown); terms of
-- one character and numbers are left out
create or replace temp table site_term_years as
with

document as (
    select doc_id, char_count, report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
    semi join site_doc_ids using (doc_id)
),

year_size as (
    select year, sum(char_count) as year_chars, count(*) as year_documents
    from document
    where year is not null
    group by year
),

counted as (
    select t.term, d.year, sum(t.count) as mentions, count(*) as documents
    from terms as t
    inner join document as d on d.doc_id = t.doc_id
    where d.year is not null and length(t.term) >= 2 and not regexp_full_match(t.term, '[0-9.%０-９]+')
    group by all
),

final as (
    select
        c.term,
        c.year,
        c.mentions,
        c.documents,
        y.year_documents,
        y.year_chars,
        c.mentions * 10000.0 / y.year_chars as per_10k_chars
    from counted as c
    inner join year_size as y using (year)
)

select * from final
