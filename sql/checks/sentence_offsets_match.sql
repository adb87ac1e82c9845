-- sentence_offsets_match: each sentence of the documents this build added is exactly its span of documents.text
with changed as (
    select doc_id from _changed_docs
),

spans as (
    select doc_id, char_start as a, char_end as b, text as t
    from sentences
    semi join changed using (doc_id)
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
    where s.a < 0
        or s.b > p.char_count
        or p.piece is null
        or substr(p.piece, s.a % 1000 + 1, s.b - s.a) <> s.t
)

select failing from final
