"""The report's text out of an HTML page, a PDF or a DOCX file (plain text needs nothing).

HTML goes through a cascade, measured on government and newspaper pages built from the seed
reports (tests/fixtures/pages.py; figures in tests/transforms/test_extract.py):

1. site rules: the content containers Chinese government CMSs and e-paper readers use
   (TRS_Editor, #zoom, .article-content, #UCAP-CONTENT, founder e-paper #ozoom …), plus the
   page's <h1>/<title> when the container lacks the report title;
2. trafilatura (favouring recall) when no rule matches;
3. readability-lxml when trafilatura finds too little;
4. the whole page's visible text (transforms.html.html_to_text); the furniture filter in
   transforms.clean removes what is left of the chrome.

Each step's text must keep at least MIN_SHARE of the page's hanzi that sit in paragraphs,
otherwise the next step runs: an extractor that silently drops half a report is worse than
chrome that the cleaner removes line by line.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

import lxml.html
from lxml import etree

from transforms.html import BLOCK_TAGS, element_text, html_to_text

Method = Literal["site_rule", "trafilatura", "readability", "page_text"]

# Containers that hold the article body on Chinese government, CPPCC and newspaper sites.
SITE_RULES: tuple[str, ...] = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//div[@class='TRS_UEDITOR' or contains(@class, 'trs_editor_view')]",
    "//*[@id='zoom']",
    "//*[@id='UCAP-CONTENT']",
    "//*[@id='ozoom']",  # founder e-paper readers
    "//*[@id='articleContent' or @id='article_content' or @id='art_content' or @id='newsContent']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' pages_content ')]",
    "//div[@id='content' or @class='content' or @class='main-content' or @class='con']",
    "//article",
)
MIN_SHARE = 0.6  # of the page's paragraph hanzi an extraction must keep to be accepted
MIN_HANZI = 50

_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Extracted:
    text: str
    method: Method


def _hanzi(text: str) -> int:
    return len(_HAN.findall(text))


def _paragraph_hanzi(root: lxml.html.HtmlElement) -> int:
    """Hanzi in <p>-like blocks with at least one sentence mark: roughly the article body."""
    total = 0
    for el in root.iter("p", "div", "td", "li"):
        own = (el.text or "") + "".join(c.tail or "" for c in el)
        if "。" in own or "，" in own:
            total += _hanzi(own)
    return total


def html_main_text(html: str) -> Extracted:
    """The report text of an HTML page, one paragraph per line (see the module docstring)."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, etree.ParserError):
        return Extracted("", "page_text")
    for bad in root.xpath("//script|//style|//noscript|//comment()|//template"):
        bad.drop_tree()
    target = max(MIN_HANZI, int(MIN_SHARE * _paragraph_hanzi(root)))
    ruled = site_rule_text(root)
    if ruled is not None and _hanzi(ruled) >= target:
        return Extracted(ruled, "site_rule")
    page_text = element_text(root)
    traf = trafilatura_text(html)
    if traf and _hanzi(traf) >= target:
        return Extracted(_with_title(root, complete_span(page_text, traf)), "trafilatura")
    read = readability_text(html)
    if read and _hanzi(read) >= target:
        return Extracted(_with_title(root, complete_span(page_text, read)), "readability")
    return Extracted(page_text, "page_text")


def complete_span(page_text: str, extracted: str) -> str:
    """The page's own lines from the extractor's first line to its last. Extractors find the
    article well but drop short lines inside it (a heading 结束语, a salutation): measured on our
    pages, trafilatura lost 0.2% of sentences that this puts back."""
    page = [ln.strip() for ln in page_text.split("\n") if ln.strip()]
    keys = [re.sub(r"\s+", "", ln) for ln in page]
    ext = [k for k in (re.sub(r"\s+", "", ln) for ln in extracted.split("\n")) if len(k) >= 4]
    if not ext:
        return extracted
    head, tail = ext[0][:30], ext[-1][-30:]
    first = next((i for i, k in enumerate(keys) if head in k), None)
    last = next((i for i in range(len(keys) - 1, -1, -1) if tail in keys[i]), None)
    if first is None or last is None or last < first:
        return extracted
    return "\n".join(page[first : last + 1])


def site_rule_text(root: lxml.html.HtmlElement) -> str | None:
    """The text of the first known content container on the page, the headline in front."""
    for xpath in SITE_RULES:
        found = root.xpath(xpath)
        if found:
            best = max(found, key=lambda el: _hanzi(el.text_content()))
            body = element_text(best)
            if _hanzi(body) >= MIN_HANZI:
                return _with_title(root, body)
    return None


_REPORT_TITLE = re.compile(r"(报告|决议|决定|综述|讲话|纲要|公报)(（[^）]{1,8}）)?$")
_TITLE_XPATHS = (
    "//h1",
    "//*[contains(@class, 'title') and not(self::title)]",
    "//h2",
    "//h3",
    "//td/b | //td/strong | //p/b | //p/strong",
    "//title",
)


def _page_titles(root: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for xpath in _TITLE_XPATHS:
        for el in root.xpath(xpath):
            title = re.sub(r"\s+", " ", el.text_content()).strip()
            if xpath == "//title":
                title = re.split(r"\s*[_|｜]\s*|\s+[-–—]\s+", title)[0].strip()
            if title and len(title) <= 80 and _hanzi(title) >= 4:
                out.append((xpath, title))
    return out


def _with_title(root: lxml.html.HtmlElement, body: str) -> str:
    """Put the page's headline in front when the body lacks it: the report's title often sits
    outside the content container. A heading that reads as a report title (…工作报告) wins;
    else an <h1> or a *title* element; a bare <title> (often the site's name) only when it
    reads as a report title."""
    titles = _page_titles(root)
    chosen = next((t for _, t in titles if _REPORT_TITLE.search(t)), None)
    if chosen is None:  # a headline of substance, not a column name (要闻, 履职动态)
        chosen = next((t for x, t in titles if x in _TITLE_XPATHS[:2] and _hanzi(t) >= 6), None)
    if chosen is None:
        return body
    if chosen.replace(" ", "") in body.replace(" ", "")[:400]:
        return body
    return chosen + "\n" + body


def trafilatura_text(html: str) -> str | None:
    import trafilatura  # heavy import, paid only when a page needs it

    out = trafilatura.extract(
        html, favor_recall=True, include_comments=False, include_tables=True, deduplicate=False, no_fallback=False
    )
    return str(out) if out else None


def readability_text(html: str) -> str | None:
    from readability import Document

    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare Exceptions on odd pages
        return None
    return html_to_text(summary) or None


# ---------------------------------------------------------------------------------------------
# PDF and DOCX.


class ExtractError(ValueError):
    """The file holds no usable text. `code` is the reject reason code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_CID = re.compile(r"\(cid:\d+\)")
_PUA = re.compile(r"[\ue000-\uf8ff]")
MIN_PDF_HANZI_PER_PAGE = 20


def too_much_text(kind: str, max_bytes: int) -> ExtractError:
    return ExtractError(
        "too_large",
        f"the {kind}'s text is over {max_bytes:,} bytes, the limit for one document; split it, or raise "
        "BAOGAO_MAX_DOCUMENT_BYTES",
    )


def pdf_text(data: bytes, max_bytes: int | None = None) -> str:
    """The text layer of a PDF, page by page, lines of a paragraph joined (a PDF line ends where
    the page is full, not where a sentence ends). Raises ExtractError for an encrypted file, a
    scan (no text layer), fonts without a Unicode map ((cid:…) or private-use characters), or
    more than `max_bytes` of text (found page by page, so extraction stops there)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ExtractError("pdf_encrypted", "the PDF is encrypted; save an unencrypted copy and ingest it again")
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1].encode("utf-8", "surrogatepass"))
            if max_bytes is not None and size > max_bytes:
                raise too_much_text("PDF", max_bytes)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, ExtractError):
            raise
        raise ExtractError("pdf_unreadable", f"the PDF could not be read ({exc})") from exc
    check_pdf_text(pages)
    # Reflowed as one text: a paragraph runs on from one page to the next.
    return reflow_pdf_page("\n".join(_drop_running_lines(p, pages) for p in pages))


def check_pdf_text(pages: list[str]) -> None:
    """Raise ExtractError when a PDF's extracted pages are not text: (cid:…) codes, private-use
    characters, or next to nothing (a scan)."""
    raw = "\n".join(pages)
    cids = len(_CID.findall(raw))
    pua = len(_PUA.findall(raw))
    hanzi = _hanzi(raw)
    if cids and cids >= hanzi:
        raise ExtractError(
            "pdf_no_unicode",
            f"the PDF's fonts have no Unicode map: its text comes out as (cid:…) codes ({cids} of them); "
            "OCR is not supported yet",
        )
    if pua and pua >= hanzi:
        raise ExtractError(
            "pdf_no_unicode",
            f"the PDF's fonts map to private-use characters ({pua} of them), not to Chinese text; "
            "OCR is not supported yet",
        )
    if hanzi < MIN_PDF_HANZI_PER_PAGE * max(1, len(pages)) / 4 and hanzi < 200:
        raise ExtractError(
            "pdf_no_text",
            f"the PDF has almost no text layer ({hanzi} Chinese characters on {len(pages)} pages): "
            "a scan, or fonts without a Unicode map; OCR is not supported yet",
        )


def _drop_running_lines(page: str, pages: list[str]) -> str:
    """Drop running headers/footers: a short line that recurs on most pages."""
    if len(pages) < 3:
        return page
    counts: dict[str, int] = {}
    for p in pages:
        for line in {ln.strip() for ln in p.split("\n") if 0 < len(ln.strip()) <= 30}:
            counts[line] = counts.get(line, 0) + 1
    running = {ln for ln, n in counts.items() if n >= 0.6 * len(pages)}
    return "\n".join(ln for ln in page.split("\n") if ln.strip() not in running)


_PAGE_NUMBER = re.compile(r"^\s*[-—–]?\s*\d{1,4}\s*[-—–]?\s*$|^\s*第\s*\d+\s*页")


def reflow_pdf_page(page: str) -> str:
    """Join the visual lines of a page into paragraphs: a line as long as the page's full lines
    that does not end a sentence continues on the next."""
    lines = [ln.rstrip() for ln in page.split("\n") if not _PAGE_NUMBER.match(ln)]
    lengths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if not lengths:
        return ""
    full = lengths[int(0.8 * (len(lengths) - 1))]
    out: list[str] = []
    carry = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            carry = False
            continue
        if carry and out:
            out[-1] += stripped
        else:
            out.append(stripped)
        carry = len(stripped) >= 0.85 * full and stripped[-1] not in "。！？；：!?;:"
    return "\n".join(out)


# DOCX body XML per byte of the text in it, at most: markup (runs, styles, revision ids) takes
# many times the text's room, so only a body past this is too large before it is parsed.
DOCX_XML_PER_TEXT_BYTE = 32


def docx_text(data: bytes, max_bytes: int | None = None) -> str:
    """Paragraphs and table rows of a DOCX body, in document order, one per line. Raises
    ExtractError when it holds more than `max_bytes` of text; a body whose XML alone unpacks
    past many times that is refused before it is parsed."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if max_bytes is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                body = sum(i.file_size for i in z.infolist() if i.filename.startswith("word/document"))
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExtractError("docx_unreadable", f"the DOCX file could not be read ({exc})") from exc
        if body > DOCX_XML_PER_TEXT_BYTE * max_bytes:
            raise too_much_text("DOCX", max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, ValueError, KeyError) as exc:
        raise ExtractError("docx_unreadable", f"the DOCX file could not be read ({exc})") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter("{*}t")))
        elif tag == "tbl":
            for row in child.iter("{*}tr"):
                cells = ["".join(t.text or "" for t in cell.iter("{*}t")).strip() for cell in row.iter("{*}tc")]
                lines.append("\t".join(cells))
    text = "\n".join(lines)
    if _hanzi(text) == 0 and not text.strip():
        raise ExtractError("no_text", "the DOCX file holds no text")
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise too_much_text("DOCX", max_bytes)
    return text


__all__ = ["BLOCK_TAGS", "ExtractError", "Extracted", "docx_text", "html_main_text", "pdf_text", "raw_text"]


def raw_text(media_type: str, text: str | None, data: bytes | None, max_bytes: int | None = None) -> str:
    """The raw report text of a source, whatever its media type; ExtractError when it has none, or
    (PDF, DOCX: text and HTML are capped by their size as files) more than `max_bytes` of it."""
    if media_type == "html":
        return html_main_text(text or "").text
    if media_type == "text":
        return text or ""
    if media_type == "pdf":
        return pdf_text(data or b"", max_bytes)
    if media_type == "docx":
        return docx_text(data or b"", max_bytes)
    raise ExtractError("unsupported_type", f"{media_type.upper()} input is not supported")
