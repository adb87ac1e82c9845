-- doc_mentions: one row per entity mention of the site's documents
select doc_id, sentence_id, type, text, name, char_start, char_end
from entity_mentions
semi join site_doc_ids using (doc_id)
order by doc_id, char_start, char_end, type, name
