-- documents_key_unique: no two documents share a doc_id
-- Only the documents this build added can break it (doc_id is part of the key, and every other
-- document passed when it was added); a fresh build adds, and so checks, them all.
select count(*) - count(distinct doc_id) as failing
from documents
semi join _changed_docs using (doc_id)
