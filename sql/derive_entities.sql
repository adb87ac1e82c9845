-- derive_entities: one row per distinct entity (type, normalized name) in entity_mentions; refills `entities` at every load
delete from entities;

insert into entities (entity_id, type, name, region_code)
with

mentions as (
    select entity_id, type, name, region_code
    from entity_mentions
),

per_entity as (
    -- a place's name is its region's full name, so all its mentions carry one code; min() only
    -- makes the choice explicit
    select
        entity_id,
        type,
        name,
        min(region_code) as region_code
    from mentions
    group by entity_id, type, name
),

final as (
    select entity_id, type, name, region_code
    from per_entity
    order by type, name
)

select * from final;
