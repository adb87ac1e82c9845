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

longest as (
    select coalesce(max(b - a), 0) as n from spans
),

-- The text in pieces starting every 1,000 characters, each long enough to hold the longest span
-- that starts in it: substr() counts characters from the start of its string, so on whole
-- reports the check was quadratic in their length (2.1 s on a 50 MB warehouse, 0.5 s in pieces).
pieces as (
    select
        d.doc_id,
        d.char_count,
        k.k,
        substr(d.text, k.k * 1000 + 1, 1000 + (select n from longest)) as piece
    from documents as d
    semi join changed using (doc_id),
    lateral (select unnest(range(0, d.char_count // 1000 + 1)) as k) as k
),

final as (
    select count(*) as failing
    from spans as s
    left join pieces as p on p.doc_id = s.doc_id and p.k = s.a // 1000
    where s.a < s.sa
        or s.b > s.sb
        or p.piece is null
        or substr(p.piece, s.a % 1000 + 1, s.b - s.a) <> s.t
)

select failing from final
