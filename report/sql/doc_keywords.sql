-- doc_keywords: one row per (document, keyword) of the site's documents: the TF-IDF keywords, best first
select doc_id, term, rank
from keywords
semi join site_doc_ids using (doc_id)
where method = 'tfidf'
order by doc_id, rank
