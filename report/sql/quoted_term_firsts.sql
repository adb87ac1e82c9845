-- quoted_term_firsts: one row per (quoted term, issuer): the first report year the issuer quotes the
-- term in the site's documents, and where (the first mention in its first such document)
with

mention as (
    select m.name as term, m.doc_id, m.sentence_id, m.char_start, m.char_end
    from entity_mentions as m
    semi join site_doc_ids using (doc_id)
    where m.type = 'quoted_term'
),

document as (
    select
        doc_id,
        coalesce(issuer, '(未署名)') as issuer,
        report_year(delivered_on, plan_year, review_year, source_meta) as year
    from documents
    semi join site_doc_ids using (doc_id)
),

used as (
    select mention.*, document.issuer, document.year
    from mention
    inner join document using (doc_id)
    where document.year is not null
),

ranked as (
    select
        *,
        row_number() over (partition by term, issuer order by year, doc_id, sentence_id, char_start) as nth,
        count(*) over (partition by term, issuer) as mentions
    from used
),

final as (
    select term, issuer, year as first_year, mentions, doc_id, sentence_id, char_start
    from ranked
    where nth = 1
)

select * from final
order by term, first_year, issuer
