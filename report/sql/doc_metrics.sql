-- doc_metrics: one row per metric of the site's documents (every column of metrics, whatever the
-- warehouse's version has), with its indicator's name
select m.*, i.name as indicator_name
from metrics as m
left join ref_indicators as i on i.indicator = m.indicator
semi join site_doc_ids on site_doc_ids.doc_id = m.doc_id
order by m.doc_id, m.char_start, m.metric_id
