-- v_theme_share_by_year: one row per (year, theme), with the share of that year's sentences that speak to the theme
create or replace view v_theme_share_by_year as
with

theme_shares as (
    select doc_id, year, theme, sentences, share
    from v_theme_share
    where year is not null
),

sentence_counts as (
    select doc_id, count(*) as total_sentences
    from sentences
    group by doc_id
),

final as (
    select
        t.year,
        t.theme,
        count(*) as documents,
        sum(t.sentences) as sentences,
        sum(coalesce(s.total_sentences, 0)) as total_sentences,
        round(sum(t.sentences) / nullif(sum(coalesce(s.total_sentences, 0)), 0), 6) as share,
        -- The mean in exact integer arithmetic (millionths, half up): a double's sum depends on the
        -- order the threads add in, which moved a mean on the boundary between two builds.
        ((sum(round(t.share * 1e12)::hugeint) + count(*) * 500000) // (count(*) * 1000000)) / 1e6
            as mean_document_share
    from theme_shares as t
    left join sentence_counts as s on s.doc_id = t.doc_id
    group by t.year, t.theme
)

select * from final;

comment on view v_theme_share_by_year is 'one row per (year, theme): the share of all sentences of that year''s documents that speak to the theme';
comment on column v_theme_share_by_year.year is 'report year (as in v_theme_share)';
comment on column v_theme_share_by_year.theme is 'the theme, e.g. 乡村振兴';
comment on column v_theme_share_by_year.documents is 'documents of that year';
comment on column v_theme_share_by_year.sentences is 'their sentences that speak to the theme';
comment on column v_theme_share_by_year.total_sentences is 'all their sentences';
comment on column v_theme_share_by_year.share is 'sentences / total_sentences: long reports weigh more';
comment on column v_theme_share_by_year.mean_document_share is 'the average of the documents'' shares: every report weighs the same';
