-- v_theme_share: one row per (document, theme), with the share of the document's sentences that speak to the theme
create or replace view v_theme_share as
with

themes as (
    select doc_id, theme, sentences, share, mentions
    from document_themes
),

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        title,
        issuer,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
),

final as (
    select
        t.doc_id,
        d.title,
        d.issuer,
        d.year,
        t.theme,
        t.sentences,
        t.share,
        t.mentions,
        rank() over (partition by t.doc_id order by t.share desc) as rank_in_document
    from themes as t
    inner join documents_dated as d on d.doc_id = t.doc_id
)

select * from final;

comment on view v_theme_share is 'one row per (document, theme of ref_themes): the share of the document''s sentences that contain one of the theme''s terms';
comment on column v_theme_share.doc_id is 'the document (documents.doc_id)';
comment on column v_theme_share.title is 'the document''s title';
comment on column v_theme_share.issuer is 'the issuer (documents.issuer)';
comment on column v_theme_share.year is 'report year: delivery year, else plan year, else review year + 1, else the corpus year column';
comment on column v_theme_share.theme is 'the theme, e.g. 民生';
comment on column v_theme_share.sentences is 'sentences that contain one of its terms';
comment on column v_theme_share.share is 'sentences / all sentences of the document (0 to 1; themes overlap, so shares do not add up to 1)';
comment on column v_theme_share.mentions is 'occurrences of its terms';
comment on column v_theme_share.rank_in_document is '1 = the theme with the largest share in the document';
