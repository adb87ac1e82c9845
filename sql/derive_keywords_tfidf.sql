-- derive_keywords_tfidf: one row per (document, term) among each document's top 20 TF-IDF terms; IDF over every document in the warehouse
-- TF is the term's share of the document's counted tokens; IDF is smoothed as ln((1 + N) / (1 + df)) + 1
-- (N documents, df of them containing the term), so a warehouse of one document still ranks by TF.
-- Terms of one character, numerals (m) and unknown tokens (x) do not compete.
delete from keywords where method = 'tfidf';

insert into keywords (doc_id, method, term, score, rank)
with

terms_counted as (
    select doc_id, term, sum(count) as n
    from terms
    where char_length(term) >= 2 and pos not in ('m', 'x')
    group by doc_id, term
),

corpus as (
    select count(*) as n_documents
    from documents
),

document_totals as (
    select doc_id, sum(n) as total
    from terms_counted
    group by doc_id
),

document_frequency as (
    -- after_ties: terms in reverse order, so that the larger (score, after_ties) is the higher
    -- score and, among equal scores, the earlier term
    select
        term,
        count(*) as df,
        row_number() over (order by term desc) as after_ties
    from terms_counted
    group by term
),

scored as (
    select
        t.doc_id,
        t.term,
        f.after_ties,
        (t.n / d.total) * (ln((1 + c.n_documents) / (1 + f.df)) + 1) as score
    from terms_counted as t
    inner join document_totals as d on d.doc_id = t.doc_id
    inner join document_frequency as f on f.term = t.term
    cross join corpus as c
),

-- Each document's 20 best, best first: by score, then by term (arg_max keeps the 20 largest
-- keys without sorting every term of the document, twice as fast as row_number() over them).
best as (
    select
        doc_id,
        arg_max({'term': term, 'score': score}, {'score': score, 'after_ties': after_ties}, 20) as top
    from scored
    group by doc_id
),

final as (
    select doc_id, 'tfidf' as method, k.term, round(k.score, 6) as score, rank
    from best, unnest(top) with ordinality as u(k, rank)
)

select * from final;
