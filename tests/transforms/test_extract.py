"""Extraction: the report out of government, TRS, e-paper and unknown pages with nothing lost
and no chrome left; PDF and DOCX; a PDF without text is a reject with a reason.

Extractors compared on 28 pages (7 seed reports × 4 page styles; run
`uv run python -m tests.fixtures.extractor_scores` for the table): page text 100.0% of
sentences kept / 57 chrome lines left after cleaning; site rules 75.0% (no rule on unknown
pages) / 0; trafilatura 99.8% / 60 (titles 18/28); readability-lxml 99.8% / 0 (titles 10/28);
the cascade 100.0% / 2 (titles 28/28).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fixtures import pages
from tests.fixtures.extractor_scores import CHROME, sentences_of
from tests.fixtures.golden_documents import golden_docs, resources
from transforms.clean import clean_report, clean_text, dedup_key
from transforms.extract import ExtractError, check_pdf_text, docx_text, html_main_text, pdf_text
from transforms.models import Reject, SourceDoc
from transforms.pipeline import RunInfo, process

CPPCC = [d for d in golden_docs() if not d.name.startswith("national")]
CASES = [(d, b) for d in CPPCC for b in pages.PAGE_BUILDERS]
EXPECTED_METHOD = {
    "gov_portal": "site_rule",
    "trs_editor": "site_rule",
    "epaper": "site_rule",
    "bare_article": "trafilatura",
}


@pytest.mark.parametrize(("doc", "build"), CASES, ids=[f"{d.name[:3]}-{b.__name__}" for d, b in CASES])
def test_the_cascade_keeps_every_sentence_and_no_chrome(doc, build) -> None:
    reference = clean_text(doc.raw)
    extracted = html_main_text(build(doc.raw).html)
    cleaned = clean_report(extracted.text).text
    flat = dedup_key(cleaned)
    assert extracted.method == EXPECTED_METHOD[build.__name__]
    assert [s for s in sentences_of(reference) if s not in flat] == []
    chrome = [c for c in CHROME if c not in reference and c != pages.GENERIC_HEADLINE]
    assert [c for c in chrome if c in cleaned] == []


def test_the_report_title_outside_the_content_container_is_put_back() -> None:
    doc = CPPCC[0]
    text = html_main_text(pages.epaper(doc.raw).html).text
    assert clean_text(text).split("\n")[0] == "中国人民政治协商会议第十四届余姚市委员会常务委员会工作报告"


def test_an_html_page_goes_through_the_pipeline_with_its_metadata() -> None:
    doc = CPPCC[0]
    source = SourceDoc(
        source_uri="file:///p.html",
        source_name="p.html",
        media_type="html",
        content_sha256="0" * 64,
        text=pages.trs_editor(doc.raw).html,
        encoding="utf-8",
    )
    rows = process(source, resources(), RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert not isinstance(rows, Reject)
    assert (rows.document.title, rows.document.region_code, rows.document.plan_year) == (
        doc.golden["metadata"]["title"],
        "330281",
        2024,
    )


def test_a_pdf_text_layer_reads_back_as_the_report_with_lines_rejoined() -> None:
    """Every printed line that wraps mid-sentence is joined again. Where a wrap falls right after
    a full stop the PDF cannot tell a paragraph end from a wrap, so a line may end there too."""
    reference = clean_text(CPPCC[0].raw).split("\n")
    lines = clean_text(pdf_text(pages.pdf_bytes(reference))).split("\n")
    assert dedup_key("".join(lines)) == dedup_key("".join(reference))
    assert [ln for ln in lines if ln not in reference and ln[-1] not in "。！？；!?;:："] == []


def test_a_pdf_without_a_unicode_map_is_rejected_with_a_reason() -> None:
    source = SourceDoc(
        source_uri="file:///scan.pdf",
        source_name="scan.pdf",
        media_type="pdf",
        content_sha256="0" * 64,
        data=pages.pdf_bytes(clean_text(CPPCC[2].raw).split("\n"), to_unicode=False),
    )
    reject = process(source, resources(), RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert isinstance(reject, Reject)
    assert reject.reason_code == "pdf_no_text" and "OCR is not supported yet" in reject.message


@pytest.mark.parametrize(
    ("pages_text", "code"),
    [
        (["(cid:12)(cid:345)(cid:67)(cid:8)" * 50], "pdf_no_unicode"),
        (["\ue001\ue002\ue003\ue004，" * 50], "pdf_no_unicode"),
        (["", "  ", "3"], "pdf_no_text"),
    ],
)
def test_pdf_text_that_is_codes_or_nothing_is_an_error(pages_text: list[str], code: str) -> None:
    with pytest.raises(ExtractError) as err:
        check_pdf_text(pages_text)
    assert err.value.code == code


def test_a_broken_pdf_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExtractError) as err:
        pdf_text(b"%PDF-1.4\nthis is not a pdf")
    assert err.value.code == "pdf_unreadable"


def test_docx_paragraphs_and_table_rows_are_read_in_order() -> None:
    reference = clean_text(CPPCC[1].raw)
    text = docx_text(pages.docx_bytes(reference))
    assert text.split("\n")[:-1] == reference.split("\n")
    assert text.split("\n")[-1] == "指标\t数值"


@pytest.mark.parametrize("media_type", ["pdf", "docx"])
def test_a_pdf_or_docx_with_more_text_than_a_document_may_hold_is_refused_as_too_large(media_type: str) -> None:
    """A report's text of about 30 KB against a limit of 10 KB: the file is small, its text is not.
    The same file under the default limit loads."""
    reference = clean_text(CPPCC[0].raw)
    data = pages.pdf_bytes(reference.split("\n")) if media_type == "pdf" else pages.docx_bytes(reference)
    source = SourceDoc(
        source_uri=f"file:///big.{media_type}",
        source_name=f"big.{media_type}",
        media_type=media_type,
        content_sha256="0" * 64,
        data=data,
    )
    small = RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), max_document_bytes=10_000)
    reject = process(source, resources(), small)
    assert isinstance(reject, Reject)
    assert reject.reason_code == "too_large" and "BAOGAO_MAX_DOCUMENT_BYTES" in reject.message
    assert len(reference.encode()) > 10_000
    rows = process(
        source, resources(), RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), max_document_bytes=4 << 20)
    )
    assert not isinstance(rows, Reject)


def test_a_docx_whose_body_unpacks_past_what_its_text_could_need_is_refused_before_parsing() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * (64 * 32 * 1024) + "</w:document>")
    with pytest.raises(ExtractError) as err:
        docx_text(buf.getvalue(), max_bytes=64 * 1024 - 1)
    assert err.value.code == "too_large"


def test_the_cascade_beats_each_extractor_alone_on_the_seed_pages() -> None:
    from tests.fixtures.extractor_scores import score_all

    scores = score_all([(d.name, d.raw) for d in CPPCC])  # the 7-report table runs as a module (docstring)
    cascade = scores["cascade (chosen)"]
    assert cascade.kept == cascade.sentences and cascade.titles == cascade.pages
    for name, s in scores.items():
        assert cascade.kept >= s.kept, name
        if s.kept == s.sentences:  # of the extractors that lose nothing, the cascade leaves least chrome
            assert cascade.chrome_clean <= s.chrome_clean, name
