"""The benchmark's corpus: real report text recombined, fresh numbers and names, no duplicates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.corpus import generate, read_texts, region_names, source_paragraphs, write_corpus
from transforms.pipeline import doc_id_for

MB = 1024 * 1024


@pytest.fixture(scope="module")
def reports() -> list[str]:
    return [r.text for r in generate(MB, seed=7)]


def _shape(paragraph: str) -> str:
    """A paragraph with its numbers and place names blanked, to find where it was borrowed from."""
    return re.sub(r"[0-9]+", "#", paragraph)


def test_the_corpus_reaches_the_requested_size_in_report_sized_documents(reports: list[str]) -> None:
    size = sum(len(t.encode("utf-8")) for t in reports)
    assert MB <= size < MB + 200_000
    assert all(8_000 <= len(t) <= 32_000 for t in reports)


def test_no_two_generated_reports_share_a_document_identity(reports: list[str]) -> None:
    assert len({doc_id_for(t) for t in reports}) == len(reports)


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another() -> None:
    first = [r.text for r in generate(200_000, seed=3)]
    assert first == [r.text for r in generate(200_000, seed=3)]
    assert first != [r.text for r in generate(200_000, seed=4)]


def test_each_report_names_a_real_region_and_a_plausible_year(reports: list[str]) -> None:
    regions = set(region_names())
    for text in reports:
        title = text.split("\n", 1)[0]
        m = re.fullmatch(r"(\d{4})年(.+)人民政府工作报告|政协(.+)委员会常务委员会工作报告", title)
        assert m is not None, title
        assert (m.group(2) or m.group(3)) in regions
        assert m.group(1) is None or 1995 <= int(m.group(1)) <= 2025


def test_body_paragraphs_are_real_report_paragraphs_with_fresh_numbers(reports: list[str]) -> None:
    sources = [p for src in source_paragraphs() for p in src]
    known = {_shape(p.replace("我国", "").replace("全国", "")) for p in sources}
    regions = region_names()
    body: list[str] = []
    found: list[str] = []
    for text in reports[:10]:
        lines = text.split("\n")
        region = next(r for r in regions if r in lines[0])
        for p in filter(None, lines[3:]):
            body.append(p)
            if _shape(p.replace(region, "").replace(f"全{region[-1]}", "")) in known:
                found.append(p)
    assert len(found) >= 0.98 * len(body)
    originals = set(sources)
    with_numbers = [p for p in found if re.search(r"[0-9]{2,}", p)]
    assert len(with_numbers) > 100
    assert sum(p not in originals for p in with_numbers) >= 0.9 * len(with_numbers)


def test_a_written_corpus_is_reused_when_it_is_complete(tmp_path: Path) -> None:
    info = write_corpus(tmp_path / "c", 150_000, seed=2)
    files = sorted((tmp_path / "c").glob("*.txt"))
    assert info[0] == len(files) and info[2] == sum(f.stat().st_size for f in files)
    stamp = files[0].stat().st_mtime_ns
    assert write_corpus(tmp_path / "c", 150_000, seed=2) == info
    assert files[0].stat().st_mtime_ns == stamp
    assert write_corpus(tmp_path / "c", 150_000, seed=5) != info


def test_a_jsonl_corpus_holds_the_same_reports_as_rows(tmp_path: Path) -> None:
    write_corpus(tmp_path / "txt", 150_000, seed=2)
    write_corpus(tmp_path / "jsonl", 150_000, seed=2, fmt="jsonl")
    assert [p.name for p in (tmp_path / "jsonl").iterdir() if not p.name.startswith(".")] == ["corpus.jsonl"]
    assert list(read_texts(tmp_path / "jsonl")) == list(read_texts(tmp_path / "txt"))
