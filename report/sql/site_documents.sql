-- site_documents: one row per document the site shows (the documents in site_doc_ids)
with

document as (
    select * from documents
    semi join site_doc_ids using (doc_id)
),

final as (
    select
        doc_id,
        coalesce(title, source_name) as title,
        issuer,
        body_type,
        level,
        coalesce(county, city, province, case when level = 'national' then '全国' end) as region_name,
        report_year(delivered_on, plan_year, review_year, source_meta) as year,
        delivered_on,
        speaker_name,
        speaker_title,
        char_count,
        source_uri
    from document
)

select * from final
order by year nulls last, region_name nulls last, title, doc_id
