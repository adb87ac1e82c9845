-- v_quoted_term_adoption: one row per quoted term (“…”), with the issuers that use it and the first and last year it is seen
create or replace view v_quoted_term_adoption as
with

quoted as (
    select doc_id, name
    from entity_mentions
    where type = 'quoted_term'
),

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        issuer,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
),

used as (
    select q.name, q.doc_id, d.issuer, d.year
    from quoted as q
    inner join documents_dated as d on d.doc_id = q.doc_id
),

final as (
    select
        name as term,
        count(distinct issuer) as issuers,
        string_agg(distinct issuer, '; ' order by issuer) as issuer_list,
        count(distinct doc_id) as documents,
        count(*) as mentions,
        min(year) as first_year,
        max(year) as last_year
    from used
    group by name
)

select * from final;

comment on view v_quoted_term_adoption is 'one row per quoted term (“…”, 「…」, ‘…’): which issuers use it and when it is first and last seen';
comment on column v_quoted_term_adoption.term is 'the quoted term (entity_mentions.name), e.g. 委员微协商';
comment on column v_quoted_term_adoption.issuers is 'distinct issuers (documents.issuer) of the documents that quote it; documents without an issuer are not counted';
comment on column v_quoted_term_adoption.issuer_list is 'those issuers, sorted, separated by "; "';
comment on column v_quoted_term_adoption.documents is 'documents that quote it';
comment on column v_quoted_term_adoption.mentions is 'times it is quoted';
comment on column v_quoted_term_adoption.first_year is 'earliest report year (delivery year, else plan year, else review year + 1, else the corpus year column) of a document quoting it';
comment on column v_quoted_term_adoption.last_year is 'latest report year of a document quoting it';
