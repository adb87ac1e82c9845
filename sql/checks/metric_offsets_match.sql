-- metric_offsets_match: each metric's surface is its span of documents.text, inside its sentence
select count(*) as failing
from metrics m
inner join documents d using (doc_id)
inner join sentences s using (doc_id, sentence_id)
where substr(d.text, m.char_start + 1, m.char_end - m.char_start) <> m.surface
    or m.char_start < s.char_start
    or m.char_end > s.char_end
