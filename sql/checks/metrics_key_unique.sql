-- metrics_key_unique: metric_id is unique
-- Only the documents this build added can break it: a metric_id is its doc_id, ':' and its number
-- (transforms/metrics.py), and every other document passed when it was added.
select count(*) - count(distinct metric_id) as failing
from metrics
semi join _changed_docs using (doc_id)
