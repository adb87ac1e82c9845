-- sentence_offsets_match: each sentence is exactly its span of documents.text
select count(*) as failing
from sentences s
inner join documents d using (doc_id)
where s.char_start < 0
    or s.char_end > d.char_count
    or substr(d.text, s.char_start + 1, s.char_end - s.char_start) <> s.text
