-- keywords_key_unique: (doc_id, method, term) is unique
select count(*) - count(distinct (doc_id, method, term)) as failing from keywords
