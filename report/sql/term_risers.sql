-- term_risers: one row per term among the `limit` strongest risers of site_term_years. A term's
-- rate is its mentions per 10,000 characters pooled over a span of years (so one short report does
-- not make a spike); the rise is log2 of the rate over the latest `recent` report years against
-- the rate over the years before, each plus 0.5 per 10,000 so that a term rare in both does not
-- rank high. Terms used fewer than `min_mentions` times are left out.
with

years as (
    select distinct year, year_chars from site_term_years
),

cut as (
    select min(year) as recent_from
    from (select year from years order by year desc limit $recent)
),

chars as (
    select
        sum(year_chars) filter (where year >= cut.recent_from) as recent_chars,
        coalesce(sum(year_chars) filter (where year < cut.recent_from), 0) as before_chars
    from years, cut
),

per_term as (
    select
        t.term,
        sum(t.mentions) as mentions,
        coalesce(sum(t.mentions) filter (where t.year >= cut.recent_from), 0) as recent_mentions,
        coalesce(sum(t.mentions) filter (where t.year < cut.recent_from), 0) as before_mentions
    from site_term_years as t, cut
    group by t.term
),

rated as (
    select
        per_term.*,
        recent_mentions * 10000.0 / chars.recent_chars as recent,
        case when chars.before_chars > 0 then before_mentions * 10000.0 / chars.before_chars end as before
    from per_term, chars
),

final as (
    select term, mentions, recent, before, log2((recent + 0.5) / (before + 0.5)) as rise
    from rated
    where mentions >= $min_mentions and before is not null
)

select * from final
order by rise desc, term
limit $limit
