-- foreign_keys_resolve: every row of a per-document table belongs to a document in force
with orphans as (
    select doc_id from sections
    union all select doc_id from sentences
    union all select doc_id from metrics
    union all select doc_id from entity_mentions
    union all select doc_id from terms
    union all select doc_id from keywords
)

select count(*) as failing
from orphans
anti join documents using (doc_id)
