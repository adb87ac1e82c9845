-- 00_tables: the warehouse contract. One create per table; every table and column commented.
-- Grains are stated in each table's comment ("one row per ..."); `baogao tables` prints them.
-- No primary-key constraints: keys are enforced by the quality gates before a publish
-- (store/checks.py), which keeps bulk loads fast and avoids index replay issues after a crash.

create table documents (
    doc_id varchar not null,
    source_uri varchar not null,
    source_name varchar not null,
    source_meta json,
    content_sha256 varchar not null,
    media_type varchar not null,
    encoding varchar,
    script varchar not null,
    char_count integer not null,
    text varchar not null,
    original_text varchar,
    title varchar,
    issuer varchar,
    body_type varchar,
    level varchar,
    province varchar,
    city varchar,
    county varchar,
    region_code varchar,
    term integer,
    meeting integer,
    delivered_on date,
    review_year integer,
    plan_year integer,
    speaker_name varchar,
    speaker_title varchar,
    region_source varchar,
    transform_version varchar not null,
    run_id varchar not null,
    ingested_at timestamptz not null
);
comment on table documents is 'one row per document version in force (an edited source replaces its older version)';
comment on column documents.doc_id is 'document identity: first 16 hex digits of sha256 over the cleaned text without whitespace';
comment on column documents.source_uri is 'where the document came from: file URI; one row of a corpus file is file#url=… (its id, url or source_url column) or file#row=N';
comment on column documents.source_name is 'file name of the source (the corpus file for a corpus row)';
comment on column documents.source_meta is 'JSON object: the other columns of a corpus row (title, url, year ...); NULL for plain files';
comment on column documents.content_sha256 is 'sha256 of the raw bytes of the source (the file, or the corpus row''s text)';
comment on column documents.media_type is 'text, html, pdf or docx';
comment on column documents.encoding is 'the codec the bytes were decoded with (utf-8, utf-8-sig, gb18030, big5, utf-16); NULL for corpus rows, PDF and DOCX';
comment on column documents.script is 'simplified or traditional: the script the original was written in (a text whose hanzi are at least 1% Traditional-only characters); text is always Simplified';
comment on column documents.char_count is 'number of characters in text';
comment on column documents.text is 'the cleaned, normalized report text in Simplified Chinese; every char_start/char_end in the warehouse indexes it (0-based, end exclusive; substr(text, char_start + 1, char_end - char_start))';
comment on column documents.original_text is 'the cleaned text before Traditional characters in it were converted to Simplified (OpenCC t2s), when there were any (also in a mostly Simplified text); else NULL';
comment on column documents.title is 'the report''s own title as its text gives it (政府工作报告; a title wrapped over two lines joined), else the source''s title column (a corpus row), else a news page''s headline; NULL when none';
comment on column documents.issuer is 'the body that delivers the report as the text names it (我代表…), a 政协 committee in one form: 政协伊春市第十一届委员会常务委员会 (the term left out when unknown); 国务院, 中央人民政府 (1954), 全国人民代表大会 for its resolutions; NULL when the text names none (a news article)';
comment on column documents.body_type is '政协, 政府, 人大 or 党委';
comment on column documents.level is 'national, province, city, county or district: the level of the issuer''s region (ref_regions.level; a county-level city such as 余姚市 is county)';
comment on column documents.province is 'province-level region, full name (浙江省)';
comment on column documents.city is 'prefecture-level city, full name (宁波市); the municipality for a district of 北京/天津/上海/重庆; NULL for a province-level document';
comment on column documents.county is 'county-level region, full name (余姚市)';
comment on column documents.region_code is 'GB/T 2260 six-digit code of the issuer''s region (ref_regions.code); 100000 for national bodies; NULL when the region is unknown';
comment on column documents.term is 'term of the committee or congress the report is delivered to or by: 第十一届 -> 11';
comment on column documents.meeting is 'session of the term: 第六次会议 -> 6';
comment on column documents.delivered_on is 'date the report was delivered (from its subtitle ——2021年2月6日在…; a date that lost its 月 is read only when one reading is a real date) or a resolution adopted (（2023年3月13日…通过）); never a web page''s publication date';
comment on column documents.review_year is 'the (last) year the report reviews: from a heading naming it (一、2023年工作回顾), or 过去一年/过去五年 relative to the delivery year; NULL when the report reviews no single year (five-year-plan reports)';
comment on column documents.plan_year is 'the year the report plans for: from a heading naming it (二、2024年工作任务), or 今年 in the delivery year; NULL when it plans several years or none';
comment on column documents.speaker_name is 'who delivered it, e.g. 王瑞';
comment on column documents.speaker_title is 'the speaker''s title, e.g. 伊春市政协主席 (市政协主席 gets the region''s name in front)';
comment on column documents.region_source is 'where province/city/county/region_code came from: text (the report''s own title, subtitle, issuer or speaker line; a corpus row''s columns agree or are absent), source (only the corpus row''s columns: province, title), text_over_source (both named a region and disagreed: the text won); NULL when the region is unknown';
comment on column documents.transform_version is 'version of baogao''s transforms that produced this row';
comment on column documents.run_id is 'the ingest run that loaded this version';
comment on column documents.ingested_at is 'when that run processed the document (UTC)';

create table sections (
    doc_id varchar not null,
    section_id integer not null,
    parent_section_id integer,
    depth integer not null,
    heading varchar not null,
    part varchar not null,
    char_start integer not null,
    char_end integer not null
);
comment on table sections is 'one row per heading (section 0 of each document is its root, depth 0)';
comment on column sections.doc_id is 'the document (documents.doc_id)';
comment on column sections.section_id is 'ordinal of the heading in the document; 0 is the root';
comment on column sections.parent_section_id is 'the enclosing section; NULL for the root';
comment on column sections.depth is 'distance from the root in the heading tree (0 root); nesting follows the numbering style: part (第一部分, 2024年工作建议) > 一、 > （一）/第一， > 1. > (1)';
comment on column sections.heading is 'the heading as written: its line, or for a run-in heading (（一）坚持……。坚守……) the first sentence without its full stop';
comment on column sections.part is 'review (工作回顾, 过去一年 ...), plan (工作任务, 建议 ...) or other';
comment on column sections.char_start is 'offset of the heading in documents.text';
comment on column sections.char_end is 'offset where the section ends (the next heading of the same or a shallower depth)';

create table sentences (
    doc_id varchar not null,
    sentence_id integer not null,
    section_id integer not null,
    text varchar not null,
    char_start integer not null,
    char_end integer not null
);
comment on table sentences is 'one row per sentence (split on 。！？； and line ends)';
comment on column sentences.doc_id is 'the document (documents.doc_id)';
comment on column sentences.sentence_id is 'ordinal of the sentence in the document';
comment on column sentences.section_id is 'the deepest section the sentence is in (sections.section_id)';
comment on column sentences.text is 'the sentence, equal to the documents.text span';
comment on column sentences.char_start is 'start offset in documents.text';
comment on column sentences.char_end is 'end offset in documents.text (exclusive)';

create table metrics (
    metric_id varchar not null,
    doc_id varchar not null,
    sentence_id integer not null,
    char_start integer not null,
    char_end integer not null,
    surface varchar not null,
    number_text varchar not null,
    unit_text varchar not null,
    value decimal(38, 6),
    value_high decimal(38, 6),
    unit varchar not null,
    qualifier varchar,
    what varchar,
    what_head varchar,
    verb varchar,
    part_of_metric_id varchar,
    period varchar not null,
    indicator varchar,
    is_target boolean not null,
    is_estimate boolean not null default false,
    stated_in_words varchar
);
comment on table metrics is 'one row per quantity mentioned in a report body';
comment on column metrics.metric_id is 'doc_id:ordinal';
comment on column metrics.doc_id is 'the document (documents.doc_id)';
comment on column metrics.sentence_id is 'the sentence it is in (sentences.sentence_id)';
comment on column metrics.char_start is 'start offset of surface in documents.text';
comment on column metrics.char_end is 'end offset of surface in documents.text (exclusive)';
comment on column metrics.surface is 'the exact text, e.g. 1500余万元';
comment on column metrics.number_text is 'the number as written, e.g. 1500';
comment on column metrics.unit_text is 'the unit as written, e.g. 万元';
comment on column metrics.value is 'exact value in the base unit, multipliers applied (1500余万元 -> 15000000); NULL only for a target stated in words (stated_in_words)';
comment on column metrics.value_high is 'upper bound of a range (6%－6.5% -> 6.5); else NULL';
comment on column metrics.unit is 'base unit (元, 件, 人次, %, 个百分点 ...)';
comment on column metrics.qualifier is 'NULL, more_than, about, at_least, up_to or range';
comment on column metrics.what is 'the counted noun phrase (提案, 社情民意信息 ...)';
comment on column metrics.what_head is 'the head noun of what, to group by (提案, 企业, 活动, 报告, 项目)';
comment on column metrics.verb is 'the verb that governs it (提交, 采用, 办结 ...)';
comment on column metrics.part_of_metric_id is 'the total this metric is a part of (其中…, 15个问题已解决12个): sum only rows where it is NULL; else NULL';
comment on column metrics.period is 'review, plan or other: the part of the report the sentence is in';
comment on column metrics.indicator is 'canonical indicator code (seeds/reference/indicators.csv), e.g. gdp_growth';
comment on column metrics.is_target is 'true for a planned goal, false for an achieved figure';
comment on column metrics.is_estimate is 'true for a figure the report gives as an estimate (预计, 预估): the year was not over when it was written';
comment on column metrics.stated_in_words is 'a target set in words, without a number (与经济增长同步, 保持稳定, 完成国家下达任务), or an explicit no-target (不设具体目标); value, unit_text and number_text are then NULL/empty. NULL for every quantity';

create table ref_indicators (
    indicator varchar not null,
    name varchar not null,
    unit varchar not null,
    phrases varchar not null,
    requires varchar,
    excludes varchar,
    better varchar,
    description varchar
);
comment on table ref_indicators is 'one row per canonical indicator (seeds/reference/indicators.csv): the phrases that map a metric to it';
comment on column ref_indicators.indicator is 'indicator code, e.g. gdp_growth (metrics.indicator)';
comment on column ref_indicators.name is 'Chinese name, e.g. 国内生产总值增长';
comment on column ref_indicators.unit is 'base units a metric must have to map here, separated by | (%, 件, 斤|吨 ...)';
comment on column ref_indicators.phrases is 'phrases that signal the indicator before the number, separated by |; … inside a phrase allows any text in between (国内生产总值…增长)';
comment on column ref_indicators.requires is 'words of which at least one must be in the sentence (提案), separated by |; empty for none';
comment on column ref_indicators.excludes is 'words that rule the indicator out when they come before the number in the sentence (年均, 比重), separated by |';
comment on column ref_indicators.better is 'higher or lower: which direction is an improvement; empty when neither';
comment on column ref_indicators.description is 'what the indicator measures, in English';

create table ref_regions (
    code varchar not null,
    name varchar not null,
    short_name varchar,
    short_name_standalone boolean not null,
    level varchar not null,
    parent_code varchar,
    province varchar,
    city varchar,
    county varchar,
    aliases varchar
);
comment on table ref_regions is 'one row per administrative region (seeds/reference/regions.csv, GB/T 2260 codes from the cpca package): provinces, prefecture-level cities, counties and districts, plus 100000 for the whole country';
comment on column ref_regions.code is 'six-digit GB/T 2260 code (documents.region_code, entity_mentions.region_code); 100000 is the country as a whole (not a GB/T 2260 code)';
comment on column ref_regions.name is 'full name, e.g. 余姚市';
comment on column ref_regions.short_name is 'name without its 省/市/县/区/自治县 suffix, e.g. 余姚; empty when that would leave one character (忠县)';
comment on column ref_regions.short_name_standalone is 'true when the short name alone names the place in running text (常山, 浙江); false when it is also an ordinary word (合作, 和平, 同心) and counts only before 政协/市委 ...';
comment on column ref_regions.level is 'national, province, city (prefecture level), county (县, 县级市, 旗) or district (市辖区)';
comment on column ref_regions.parent_code is 'code of the enclosing region (a province for cities and for county-level units directly under it); 100000 for provinces';
comment on column ref_regions.province is 'full name of the province-level region it lies in (itself for a province)';
comment on column ref_regions.city is 'full name of the prefecture-level city it lies in (itself for a city; the municipality for districts of 北京 天津 上海 重庆); empty otherwise';
comment on column ref_regions.county is 'full name of a county-level region (itself); empty for provinces and cities';
comment on column ref_regions.aliases is 'other names it goes by, separated by | (内蒙 for 内蒙古自治区)';

create table entity_mentions (
    doc_id varchar not null,
    sentence_id integer not null,
    type varchar not null,
    text varchar not null,
    name varchar not null,
    entity_id varchar not null,
    region_code varchar,
    char_start integer not null,
    char_end integer not null
);
comment on table entity_mentions is 'one row per mention of an entity in a document';
comment on column entity_mentions.doc_id is 'the document (documents.doc_id)';
comment on column entity_mentions.sentence_id is 'the sentence it is in (sentences.sentence_id)';
comment on column entity_mentions.type is 'person, organization, place, document_title, quoted_term or formula';
comment on column entity_mentions.text is 'the mention exactly as in documents.text';
comment on column entity_mentions.name is 'the normalized name it resolves to (冯 楠 -> 冯楠)';
comment on column entity_mentions.entity_id is 'the entity (entities.entity_id)';
comment on column entity_mentions.region_code is 'GB/T 2260 code for a place linked to the region reference; else NULL';
comment on column entity_mentions.char_start is 'start offset in documents.text';
comment on column entity_mentions.char_end is 'end offset in documents.text (exclusive)';

create table entities (
    entity_id varchar not null,
    type varchar not null,
    name varchar not null,
    region_code varchar
);
comment on table entities is 'one row per distinct entity (type, normalized name) mentioned in any document in force';
comment on column entities.entity_id is 'first 16 hex digits of sha256 over type and name';
comment on column entities.type is 'person, organization, place, document_title, quoted_term or formula';
comment on column entities.name is 'normalized name';
comment on column entities.region_code is 'GB/T 2260 code for places linked to the region reference; else NULL';

create table terms (
    doc_id varchar not null,
    term varchar not null,
    pos varchar not null,
    count integer not null
);
comment on table terms is 'one row per (document, term, part of speech): jieba tokens without stop words and punctuation';
comment on column terms.doc_id is 'the document (documents.doc_id)';
comment on column terms.term is 'the token';
comment on column terms.pos is 'jieba part-of-speech tag';
comment on column terms.count is 'occurrences in the document';

create table keywords (
    doc_id varchar not null,
    method varchar not null,
    term varchar not null,
    score double not null,
    rank integer not null
);
comment on table keywords is 'one row per (document, method, term): top 20 keywords per document by tfidf and by textrank';
comment on column keywords.doc_id is 'the document (documents.doc_id)';
comment on column keywords.method is 'tfidf (IDF over the documents in the warehouse) or textrank';
comment on column keywords.term is 'the keyword';
comment on column keywords.score is 'the method''s score';
comment on column keywords.rank is '1 = best';

create table ingest_log (
    run_id varchar not null,
    source_uri varchar not null,
    source_name varchar not null,
    outcome varchar not null,
    reason_code varchar not null,
    message varchar not null,
    doc_id varchar,
    duplicate_of varchar,
    content_sha256 varchar,
    "at" timestamptz not null
);
comment on table ingest_log is 'one row per discovered input per run: what happened to it';
comment on column ingest_log.run_id is 'the run (runs.run_id)';
comment on column ingest_log.source_uri is 'the input: file URI; one row of a corpus file is file#url=… (its id, url or source_url column) or file#row=N';
comment on column ingest_log.source_name is 'file name of the input';
comment on column ingest_log.outcome is 'loaded, unchanged, duplicate, skipped, rejected or needs_review';
comment on column ingest_log.reason_code is 'machine-readable reason (new, changed, same_content, empty, binary, undecodable, unsupported_type ...)';
comment on column ingest_log.message is 'what happened and what to do, for a person';
comment on column ingest_log.doc_id is 'the document the input became (documents.doc_id); NULL when rejected';
comment on column ingest_log.duplicate_of is 'for a duplicate: the doc_id of the document already loaded with the same content';
comment on column ingest_log.content_sha256 is 'sha256 of the input''s raw bytes';
comment on column ingest_log."at" is 'when the run recorded it (UTC)';

create table runs (
    run_id varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    docs_seen integer not null,
    docs_new integer not null,
    docs_changed integer not null,
    docs_unchanged integer not null,
    docs_duplicate integer not null,
    docs_skipped integer not null,
    docs_rejected integer not null,
    docs_needs_review integer not null,
    metrics integer not null,
    entities integer not null,
    seconds double,
    transform_version varchar not null,
    prefect_flow_run_id varchar,
    message varchar
);
comment on table runs is 'one row per ingest run';
comment on column runs.run_id is 'sortable run id: UTC start time and a random suffix';
comment on column runs.started_at is 'when the run started (UTC)';
comment on column runs.finished_at is 'when it finished (UTC)';
comment on column runs.status is 'completed or failed';
comment on column runs.docs_seen is 'inputs discovered (files, and rows of corpus files)';
comment on column runs.docs_new is 'inputs loaded as new documents';
comment on column runs.docs_changed is 'inputs whose new version replaced an older one';
comment on column runs.docs_unchanged is 'inputs already loaded with the same content';
comment on column runs.docs_duplicate is 'inputs whose content is already loaded from another source';
comment on column runs.docs_skipped is 'inputs skipped (e.g. empty)';
comment on column runs.docs_rejected is 'inputs rejected (see ingest_log / rejects)';
comment on column runs.docs_needs_review is 'inputs held for review (e.g. an uncertain encoding)';
comment on column runs.metrics is 'metric rows in the warehouse after the run';
comment on column runs.entities is 'entities in the warehouse after the run';
comment on column runs.seconds is 'wall-clock seconds of the run';
comment on column runs.transform_version is 'version of the transforms the run used';
comment on column runs.prefect_flow_run_id is 'the Prefect flow run that did the work';
comment on column runs.message is 'what went wrong, for a failed run';

create table document_themes (
    doc_id varchar not null,
    theme varchar not null,
    sentences integer not null,
    share double not null,
    mentions integer not null
);
comment on table document_themes is 'one row per (document, theme of seeds/reference/themes.csv), themes no sentence speaks to included';
comment on column document_themes.doc_id is 'the document (documents.doc_id)';
comment on column document_themes.theme is 'the theme (ref_themes.theme), e.g. 民生';
comment on column document_themes.sentences is 'sentences of the document that contain at least one of the theme''s terms';
comment on column document_themes.share is 'sentences / all sentences of the document (a sentence can count for several themes)';
comment on column document_themes.mentions is 'occurrences of the theme''s terms in the document';

create table ref_themes (
    theme varchar not null,
    term varchar not null
);
comment on table ref_themes is 'one row per (theme, term) of seeds/reference/themes.csv: a sentence containing the term speaks to the theme';
comment on column ref_themes.theme is 'theme name, e.g. 乡村振兴';
comment on column ref_themes.term is 'a term matched as a substring of the sentence text, e.g. 农村';

create table ref_formulas (
    name varchar not null,
    is_formula boolean not null,
    note varchar
);
comment on table ref_formulas is 'one row per listed numbered formula (seeds/reference/formulas.csv); formulas are also recognized by pattern, so this list extends rather than limits them';
comment on column ref_formulas.name is 'the formula as normalized in entity_mentions.name, e.g. 两个维护';
comment on column ref_formulas.is_formula is 'false for a look-alike that must never count as a formula (五一劳动奖章, 十四五)';
comment on column ref_formulas.note is 'what the formula stands for';

create table term_years (
    term varchar not null,
    year integer not null,
    mentions bigint not null,
    documents bigint not null
);
comment on table term_years is 'one row per (term, year) where the term occurs: the aggregate behind v_term_trends, rebuilt by sql/derive_term_years.sql when documents change';
comment on column term_years.term is 'the token (terms.term), all parts of speech together';
comment on column term_years.year is 'report year: delivery year, else plan year, else review year + 1, else the corpus year column';
comment on column term_years.mentions is 'occurrences in that year''s documents';
comment on column term_years.documents is 'documents of that year that use it';

-- report_year: the year a report speaks for, used by every view that groups by year: its delivery
-- date, else the year it plans for, else the year after the one it reviews, else the corpus row's
-- year column (national corpus rows carry one).
create macro report_year(delivered_on, plan_year, review_year, source_meta) as
    coalesce(
        year(delivered_on), plan_year, review_year + 1,
        try_cast(json_extract_string(source_meta, '$.year') as integer)
    );

-- text_pieces, piece_no, piece_span: the offset checks in sql/checks/ read a span [a, b) of
-- documents.text from a piece of it, because substr() counts characters from the start of its
-- string and on whole reports that made the checks quadratic in their length (sentence offsets on
-- a 50 MB warehouse: 2.1 s whole, 0.5 s in pieces). Pieces start every 1,000 characters and run
-- `longest` characters further, so the longest span starting in a piece fits in it. Only the
-- documents this build added (_changed_docs) are cut: the others passed the checks when they were
-- added, and cutting every report made a no-change run's checks cost 0.1 s each at 50 MB.
-- _changed_docs: the doc_ids the last build added or replaced; _changed_years: the report years
-- of the documents it added or dropped (store/warehouse.py fills both).
create table _changed_docs (doc_id varchar);
create table _changed_years (year integer);
create macro text_pieces(longest) as table
    select d.doc_id, d.char_count, k.k, substr(d.text, k.k * 1000 + 1, 1000 + longest) as piece
    from (select * from documents semi join _changed_docs using (doc_id)) as d,
    lateral (select unnest(range(0, d.char_count // 1000 + 1)) as k) as k;
create macro piece_no(a) as a // 1000;
create macro piece_span(piece, a, b) as substr(piece, a % 1000 + 1, b - a);
