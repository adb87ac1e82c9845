-- mention_offsets_match: each entity mention is its span of documents.text, inside its sentence
select count(*) as failing
from entity_mentions e
inner join documents d using (doc_id)
inner join sentences s using (doc_id, sentence_id)
where substr(d.text, e.char_start + 1, e.char_end - e.char_start) <> e.text
    or e.char_start < s.char_start
    or e.char_end > s.char_end
