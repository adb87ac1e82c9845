-- v_formula_usage: one row per (formula, issuer, year), with mention and document counts
create or replace view v_formula_usage as
with

formulas as (
    select doc_id, name
    from entity_mentions
    where type = 'formula'
),

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        issuer,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
),

final as (
    select
        f.name as formula,
        d.issuer,
        d.year,
        count(*) as mentions,
        count(distinct f.doc_id) as documents
    from formulas as f
    inner join documents_dated as d on d.doc_id = f.doc_id
    group by f.name, d.issuer, d.year
)

select * from final;

comment on view v_formula_usage is 'one row per (formula, issuer, year): how often numbered political formulas (两个维护, 八八战略, 1+2+3+4) are used';
comment on column v_formula_usage.formula is 'the formula, normalized (entity_mentions.name): 三个“一号工程” -> 三个一号工程';
comment on column v_formula_usage.issuer is 'the issuer (documents.issuer); NULL when the document names none';
comment on column v_formula_usage.year is 'report year: delivery year, else plan year, else review year + 1, else the corpus year column';
comment on column v_formula_usage.mentions is 'mentions of the formula in that issuer''s documents of that year';
comment on column v_formula_usage.documents is 'documents of that issuer and year that use it';
