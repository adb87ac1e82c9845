-- v_document_overview: one row per document, with its metadata, counts of sections, sentences, metrics and entities, and its top keywords
create or replace view v_document_overview as
with

documents_dated as (
    -- the report's year: see the report_year macro in 00_tables.sql
    select
        doc_id,
        title,
        issuer,
        body_type,
        level,
        region_code,
        delivered_on,
        char_count,
        source_name,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
),

section_counts as (
    select doc_id, count(*) as sections
    from sections
    where section_id > 0
    group by doc_id
),

sentence_counts as (
    select doc_id, count(*) as sentences
    from sentences
    group by doc_id
),

metric_counts as (
    select doc_id, count(*) as metrics
    from metrics
    group by doc_id
),

entity_counts as (
    select doc_id, count(*) as entity_mentions, count(distinct entity_id) as entities
    from entity_mentions
    group by doc_id
),

top_keywords as (
    select
        doc_id,
        string_agg(term, ' ' order by rank) filter (where method = 'tfidf' and rank <= 10) as top_tfidf,
        string_agg(term, ' ' order by rank) filter (where method = 'textrank' and rank <= 10) as top_textrank
    from keywords
    group by doc_id
),

final as (
    select
        d.doc_id,
        d.title,
        d.issuer,
        d.body_type,
        d.level,
        d.region_code,
        d.year,
        d.delivered_on,
        d.char_count,
        coalesce(sc.sections, 0) as sections,
        coalesce(st.sentences, 0) as sentences,
        coalesce(m.metrics, 0) as metrics,
        coalesce(e.entity_mentions, 0) as entity_mentions,
        coalesce(e.entities, 0) as entities,
        k.top_tfidf,
        k.top_textrank,
        d.source_name
    from documents_dated as d
    left join section_counts as sc on sc.doc_id = d.doc_id
    left join sentence_counts as st on st.doc_id = d.doc_id
    left join metric_counts as m on m.doc_id = d.doc_id
    left join entity_counts as e on e.doc_id = d.doc_id
    left join top_keywords as k on k.doc_id = d.doc_id
)

select * from final;

comment on view v_document_overview is 'one row per document in force: its metadata, how much was extracted from it, and its top keywords';
comment on column v_document_overview.doc_id is 'the document (documents.doc_id)';
comment on column v_document_overview.title is 'the report''s title';
comment on column v_document_overview.issuer is 'the body that delivers it';
comment on column v_document_overview.body_type is '政协, 政府, 人大 or 党委';
comment on column v_document_overview.level is 'national, province, city, county or district';
comment on column v_document_overview.region_code is 'GB/T 2260 code of the issuer''s region';
comment on column v_document_overview.year is 'report year: delivery year, else plan year, else review year + 1, else the corpus year column';
comment on column v_document_overview.delivered_on is 'date delivered';
comment on column v_document_overview.char_count is 'characters of text';
comment on column v_document_overview.sections is 'headings (the root section 0 not counted)';
comment on column v_document_overview.sentences is 'sentences';
comment on column v_document_overview.metrics is 'quantities extracted (metrics rows)';
comment on column v_document_overview.entity_mentions is 'entity mentions of every type';
comment on column v_document_overview.entities is 'distinct entities mentioned';
comment on column v_document_overview.top_tfidf is 'the 10 best TF-IDF keywords, best first, separated by spaces';
comment on column v_document_overview.top_textrank is 'the 10 best TextRank keywords, best first, separated by spaces';
comment on column v_document_overview.source_name is 'file the document came from';
