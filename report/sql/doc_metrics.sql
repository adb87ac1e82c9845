-- doc_metrics: one row per metric of the site's documents, with its indicator's name
select
    m.doc_id,
    m.metric_id,
    m.sentence_id,
    m.char_start,
    m.char_end,
    m.surface,
    m.value,
    m.value_high,
    m.unit,
    m.qualifier,
    m.what,
    m.period,
    m.indicator,
    i.name as indicator_name,
    m.is_target
from metrics as m
left join ref_indicators as i on i.indicator = m.indicator
semi join site_doc_ids on site_doc_ids.doc_id = m.doc_id
order by m.doc_id, m.char_start, m.metric_id
