-- sentence_offsets_match: each sentence of the documents this build added is exactly its span of documents.text
-- Spans are gathered per document and checked against the text once per document (a plain join
-- would carry the whole text into every sentence row: gigabytes on a large warehouse).
with changed as (
    select doc_id from _changed_docs
),

spans as (
    select
        doc_id,
        list(struct_pack(a := char_start, b := char_end, t := text)) as spans
    from sentences
    semi join changed using (doc_id)
    group by doc_id
),

final as (
    select
        len(list_filter(spans.spans, lambda x: x.a < 0
            or x.b > d.char_count
            or substr(d.text, x.a + 1, x.b - x.a) <> x.t)) as failing
    from spans
    inner join documents as d using (doc_id)
)

select coalesce(sum(failing), 0) as failing from final
