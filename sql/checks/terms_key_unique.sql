-- terms_key_unique: (doc_id, term, pos) is unique
select count(*) - count(distinct (doc_id, term, pos)) as failing from terms
