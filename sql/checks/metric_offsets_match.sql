-- metric_offsets_match: each metric's surface of the documents this build added is its span of documents.text, inside its sentence
with changed as (
    select doc_id from _changed_docs
),

spans as (
    select m.doc_id, m.char_start as a, m.char_end as b, m.surface as t, s.char_start as sa, s.char_end as sb
    from metrics as m
    semi join changed using (doc_id)
    inner join sentences as s using (doc_id, sentence_id)
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
    where s.a < s.sa
        or s.b > s.sb
        or p.piece is null
        or piece_span(p.piece, s.a, s.b) <> s.t
)

select failing from final
