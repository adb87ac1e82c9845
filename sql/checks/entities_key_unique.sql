-- entities_key_unique: entity_id is unique
select count(*) - count(distinct entity_id) as failing from entities
