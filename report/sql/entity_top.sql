-- entity_top: one row per entity among the `limit` most mentioned of its type in the site's documents
with

mention as (
    select type, name, doc_id
    from entity_mentions
    semi join site_doc_ids using (doc_id)
),

counted as (
    select type, name, count(*) as mentions, count(distinct doc_id) as documents
    from mention
    group by type, name
),

final as (
    select
        *,
        row_number() over (partition by type order by mentions desc, documents desc, name) as rank_in_type
    from counted
)

select * from final
where rank_in_type <= $limit
order by type, rank_in_type
