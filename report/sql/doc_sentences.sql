-- doc_sentences: one row per sentence of the site's documents
select doc_id, sentence_id, char_start, char_end, text
from sentences
semi join site_doc_ids using (doc_id)
order by doc_id, sentence_id
