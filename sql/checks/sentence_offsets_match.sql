-- sentence_offsets_match: each sentence of the documents this build added is exactly its span of documents.text
with changed as (
    select doc_id from _changed_docs
),

spans as (
    select doc_id, char_start as a, char_end as b, text as t
    from sentences
    semi join changed using (doc_id)
),

-- The added documents' text in pieces (text_pieces in 00_tables.sql): substr() on whole reports
-- is quadratic.
pieces as (
    select *
    from text_pieces((select coalesce(max(b - a), 0) from spans))
),

final as (
    select count(*) as failing
    from spans as s
    left join pieces as p on p.doc_id = s.doc_id and p.k = piece_no(s.a)
    where s.a < 0
        or s.b > p.char_count
        or p.piece is null
        or piece_span(p.piece, s.a, s.b) <> s.t
)

select failing from final
