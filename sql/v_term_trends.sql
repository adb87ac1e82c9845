-- v_term_trends: one row per (term, year), with its frequency per 10,000 characters of that year's documents
create or replace view v_term_trends as
with

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        char_count,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
),

year_sizes as (
    select year, count(*) as year_documents, sum(char_count) as year_chars
    from documents_dated
    where year is not null
    group by year
),

counted as (
    select * from term_years
),

final as (
    select
        ty.term,
        ty.year,
        ty.mentions,
        ty.documents,
        ys.year_documents,
        ys.year_chars,
        round(ty.mentions * 10000.0 / ys.year_chars, 4) as per_10k_chars
    from counted as ty
    inner join year_sizes as ys on ys.year = ty.year
)

select * from final;

comment on view v_term_trends is 'one row per (term, year) where the term occurs: its frequency per 10,000 characters of all of that year''s documents (years with no occurrence have no row: read them as 0)';
comment on column v_term_trends.term is 'the token (terms.term), all parts of speech together';
comment on column v_term_trends.year is 'report year: delivery year, else plan year, else review year + 1, else the corpus year column; documents without one are left out';
comment on column v_term_trends.mentions is 'occurrences in that year''s documents';
comment on column v_term_trends.documents is 'documents of that year that use it';
comment on column v_term_trends.year_documents is 'all documents of that year';
comment on column v_term_trends.year_chars is 'characters of all documents of that year';
comment on column v_term_trends.per_10k_chars is 'mentions * 10000 / year_chars, rounded to 4 decimals';
