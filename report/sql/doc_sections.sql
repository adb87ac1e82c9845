-- doc_sections: one row per heading of the site's documents (the roots left out)
select doc_id, section_id, depth, heading, part, char_start, char_end
from sections
semi join site_doc_ids using (doc_id)
where depth > 0
order by doc_id, section_id
