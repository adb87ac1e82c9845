-- entity_mentions_key_unique: (doc_id, type, char_start, char_end) is unique
-- Only the documents this build added can break it (doc_id is part of the key, and every other
-- document passed when it was added); a fresh build adds, and so checks, them all.
select count(*) - count(distinct (doc_id, type, char_start, char_end)) as failing
from entity_mentions
semi join _changed_docs using (doc_id)
