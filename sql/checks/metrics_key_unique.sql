-- metrics_key_unique: metric_id is unique
select count(*) - count(distinct metric_id) as failing from metrics
