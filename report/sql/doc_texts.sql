-- doc_texts: one row per document the site shows: its text
select doc_id, text
from documents
semi join site_doc_ids using (doc_id)
order by doc_id
