-- entity_mentions_key_unique: (doc_id, type, char_start, char_end) is unique
select count(*) - count(distinct (doc_id, type, char_start, char_end)) as failing from entity_mentions
