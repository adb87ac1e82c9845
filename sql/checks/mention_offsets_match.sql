-- mention_offsets_match: each entity mention of the documents this build added is its span of documents.text, inside its sentence
with changed as (
    select doc_id from _changed_docs
),

located as (
    select m.doc_id, m.char_start, m.char_end, m.text as t, s.char_start as s_start, s.char_end as s_end
    from entity_mentions as m
    semi join changed using (doc_id)
    inner join sentences as s using (doc_id, sentence_id)
),

spans as (
    select doc_id, list(struct_pack(a := char_start, b := char_end, t := t, sa := s_start, sb := s_end)) as spans
    from located
    group by doc_id
),

final as (
    select
        len(list_filter(spans.spans, lambda x: substr(d.text, x.a + 1, x.b - x.a) <> x.t
            or x.a < x.sa
            or x.b > x.sb)) as failing
    from spans
    inner join documents as d using (doc_id)
)

select coalesce(sum(failing), 0) as failing from final
