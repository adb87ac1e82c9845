-- v_entity_top: one row per entity (type, name), with how often and in how many documents it is mentioned
create or replace view v_entity_top as
with

-- an entity's type, name and region code as derive_entities settles them
entity as (
    select entity_id, type, name, region_code
    from entities
),

mentions as (
    select entity_id, doc_id
    from entity_mentions
),

per_entity as (
    select
        entity_id,
        count(*) as mentions,
        count(distinct doc_id) as documents
    from mentions
    group by entity_id
),

final as (
    select
        entity.type,
        row_number() over (
            partition by entity.type order by per_entity.mentions desc, per_entity.documents desc, entity.name
        ) as rank_in_type,
        entity.name,
        per_entity.mentions,
        per_entity.documents,
        entity.region_code,
        entity.entity_id
    from entity
    inner join per_entity on entity.entity_id = per_entity.entity_id
)

select * from final;

comment on view v_entity_top is 'one row per entity (type, name), with how often and in how many documents it is mentioned; order by type, rank_in_type';
comment on column v_entity_top.type is 'person, organization, place, document_title, quoted_term or formula';
comment on column v_entity_top.rank_in_type is '1 = the most mentioned entity of its type (ties: more documents, then name)';
comment on column v_entity_top.name is 'normalized name (entities.name)';
comment on column v_entity_top.mentions is 'mentions in all documents in force';
comment on column v_entity_top.documents is 'documents that mention it';
comment on column v_entity_top.region_code is 'GB/T 2260 code for a place linked to ref_regions; else NULL';
comment on column v_entity_top.entity_id is 'the entity (entities.entity_id)';
