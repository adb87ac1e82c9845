-- sections_key_unique: (doc_id, section_id) is unique
select count(*) - count(distinct (doc_id, section_id)) as failing from sections
