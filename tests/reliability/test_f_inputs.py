"""Catalogue F (items 37-60): input robustness for Chinese documents.

Every bad input costs itself only: it gets exactly one ledger row with an outcome, a reason code
and a message, the batch goes on, and discovered = loaded + unchanged + duplicate + skipped +
rejected + needs_review. The decoding and reading policies are pinned here on fixtures generated in
Python (no binaries committed); one real flow run over a folder holding all of them checks the
ledger end to end.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from pathlib import Path

import duckdb
import opencc
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.ingest import RunSummary, ingest
from flows.settings import Settings
from sources import discover
from sources.base import CHUNK, FoundFile, Limits, WorkItem, too_large
from sources.discover import discover_inputs, find, walk_roots
from sources.registry import document_item, expand, read_item
from tests.reliability.conftest import REPO, child_env, duck, report_text, tally
from transforms.clean import clean_text, dedup_key
from transforms.decode import LOW_CONFIDENCE, DecodeError, decode_bytes, storable
from transforms.extract import ExtractError, raw_text
from transforms.models import Reject, SourceDoc
from transforms.pipeline import doc_id_for

SENTENCE = "一年来，市政协坚持以习近平新时代中国特色社会主义思想为指导，累计开展重大协商议政活动32项、提交提案266件。"
TRADITIONAL = opencc.OpenCC("s2tw").convert(SENTENCE)
OUTCOMES = ("loaded", "unchanged", "duplicate", "skipped", "rejected", "needs_review")


def decode(data: bytes) -> tuple[str, str] | str:
    """(text, encoding) of a confident decoding, else the reason it is not loaded."""
    tally("bad inputs tried")
    try:
        d = decode_bytes(data)
    except DecodeError as exc:
        return exc.code
    return (d.text, d.encoding) if d.confidence >= LOW_CONFIDENCE else "needs_review"


def read_file(path: Path, root: Path | None = None) -> SourceDoc | Reject:
    tally("bad inputs tried")
    found = find(path, root or path.parent)
    if isinstance(found, Reject):
        return found
    assert found.sha256 is not None
    return read_item(document_item(found))


# --- 37-44: the decoding policy ---------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_37_empty_or_whitespace_only_files_are_skipped_as_empty(data: bytes, tmp_path: Path) -> None:
    assert decode(data) == "empty"
    f = tmp_path / "empty.txt"
    f.write_bytes(data)
    out = read_file(f)
    assert isinstance(out, Reject) and (out.outcome, out.reason_code) == ("skipped", "empty")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200),
        b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)),
        random.Random(38).randbytes(4096),
        bytes(range(256)) * 16,
        b"SQLite format 3\x00" + bytes(100),
        bytes(4096),
    ],
    ids=["png", "pdf-as-txt", "zip-as-txt", "elf", "random", "all-bytes", "sqlite", "only-nuls"],
)
def test_38_binary_files_are_rejected_never_decoded_as_latin1(data: bytes) -> None:
    assert decode(data) == "binary"


def test_38_random_high_bytes_never_become_a_document() -> None:
    for seed in range(20):
        data = bytes(b | 0x80 for b in random.Random(seed).randbytes(2000))
        assert decode(data) in ("binary", "undecodable", "needs_review")


def test_39_a_utf8_bom_is_stripped_and_does_not_change_the_document_identity() -> None:
    text = "政协工作报告\n" + SENTENCE * 3
    with_bom = decode(codecs.BOM_UTF8 + text.encode())
    assert with_bom == (text, "utf-8-sig")
    assert "\ufeff" not in with_bom[0]
    assert doc_id_for(clean_text(with_bom[0])) == doc_id_for(clean_text(text))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_40_utf16_with_a_bom_decodes(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode(bom + SENTENCE.encode(codec)) == (SENTENCE, "utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [SENTENCE, "政协工作报告\n" + SENTENCE + "\n2024年1月\n"], ids=["hanzi", "mixed"])
def test_40_utf16_without_a_bom_is_accepted_only_when_it_reads_as_chinese(codec: str, text: str) -> None:
    result = decode(text.encode(codec))
    assert result == (text, codec)


def test_40_utf16_be_without_bom_is_never_stored_as_garbage() -> None:
    data = "数据仓库建设".encode("utf-16-be")
    garbage = data.decode("utf-16", errors="replace")  # what a naive 'utf-16' read gives
    result = decode(data)
    assert result != (garbage, "utf-16")
    assert result in (("数据仓库建设", "utf-16-be"), "needs_review")


def test_41_gb18030_beyond_gbk_keeps_every_character() -> None:
    text = "𠀀𪚥鿰 是GBK之外的字。" + SENTENCE
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    assert decode(text.encode("gb18030")) == (text, "gb18030")


def test_42_big5_is_decoded_as_big5_not_as_gb18030_mojibake() -> None:
    data = TRADITIONAL.encode("big5")
    mojibake = data.decode("gb18030")  # the negative control: strict GB18030 "succeeds"
    assert mojibake != TRADITIONAL
    assert any(0xE000 <= ord(c) <= 0xF8FF or 0x3040 <= ord(c) <= 0x30FF for c in mojibake)
    result = decode(data)
    assert result == (TRADITIONAL, "big5")
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in result[0])


SHORT = ["数据", "政协工作报告", "市政协开展协商议政", "累计提交提案二百件", "一年来市政协坚持以人民为中心"]


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.parametrize("codec", ["gbk", "big5", "utf-8"])
def test_43_short_legacy_text_is_decoded_right_or_held_for_review_never_mojibake(text: str, codec: str) -> None:
    source = opencc.OpenCC("s2tw").convert(text) if codec == "big5" else text
    result = decode(source.encode(codec))
    assert result in ((source, "gb18030" if codec == "gbk" else codec), "needs_review")
    if codec == "utf-8":
        assert result == (source, "utf-8")  # 数据 never becomes 鏁版嵁


def test_44_mixed_encodings_in_one_file_are_rejected() -> None:
    data = ("政协工作报告\n" + SENTENCE * 5).encode() + (SENTENCE * 5).encode("gbk")
    assert decode(data) == "undecodable"


def test_44_a_few_damaged_bytes_in_a_long_report_are_shown_as_replacement_and_counted() -> None:
    text = "政协工作报告\n" + SENTENCE * 40
    data = text.encode()[:-2]  # a download cut mid-character
    tally("bad inputs tried")
    d = decode_bytes(data)
    assert (d.encoding, d.replaced) == ("utf-8", 1)
    assert d.text == text[:-1] + "\ufffd"
    assert d.note is not None and "U+FFFD" in d.note


def test_44_stray_bytes_above_the_threshold_are_rejected_with_the_position() -> None:
    data = SENTENCE.encode() + b"\xff\xfe\x80" * 10 + SENTENCE.encode()
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.code == "undecodable"
    assert "byte" in str(info.value) and "UTF-8" in str(info.value)


def test_44_no_code_path_returns_surrogates() -> None:
    rng = random.Random(44)
    for _ in range(300):
        data = bytes(rng.choice([0x00, 0x0A, 0x80, 0xA4, 0xB0, 0xD5, 0xE4, 0xED, 0xFF, 0x41]) for _ in range(60))
        try:
            text = decode_bytes(SENTENCE.encode() + data).text
        except DecodeError:
            continue
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    tally("bad inputs tried", 300)


def test_44_a_surrogateescape_string_is_refused_before_pyarrow_or_duckdb_sees_it() -> None:
    bad = b"\xe6\x95\xb0\xff".decode("utf-8", "surrogateescape")
    with pytest.raises(DecodeError, match="lone surrogate") as info:
        storable(bad)
    assert info.value.code == "invalid_text"
    with pytest.raises(UnicodeEncodeError):  # what would happen downstream otherwise
        pa.array([bad])


def test_45_a_nul_inside_text_is_removed_and_counted() -> None:
    tally("bad inputs tried")
    d = decode_bytes(("政协\x00工作报告\n" + SENTENCE).encode())
    assert (d.nuls, "\x00" in d.text) == (1, False)
    assert d.note is not None and "NUL" in d.note


def test_45_nul_survives_parquet_and_duckdb_which_is_why_it_is_removed_first(tmp_path: Path) -> None:
    pq.write_table(pa.table({"t": ["a\x00b"]}), tmp_path / "nul.parquet")
    got = duckdb.sql("select length(t) from read_parquet(?)", params=[str(tmp_path / "nul.parquet")]).fetchall()
    assert got == [(3,)]


ZERO_WIDTH = ["\u200b", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("zw", ZERO_WIDTH)
def test_46_zero_width_characters_are_not_part_of_the_dedup_key(zw: str) -> None:
    text = clean_text("政协工作报告\n" + SENTENCE)
    noisy = clean_text(("政协" + zw + "工作报告\n" + SENTENCE).replace("坚持", "坚" + zw + "持"))
    assert unicodedata.normalize("NFKC", zw) == zw  # NFKC alone would keep it
    assert dedup_key(noisy) == dedup_key(text)
    assert doc_id_for(noisy) == doc_id_for(text)


def test_47_chinese_punctuation_is_kept_in_the_stored_text() -> None:
    raw = "政协工作报告\n一年来，我们做了什么？答：（一）提案！（二）视察；协商。ＡＢＣ１２３"
    stored = clean_text(raw)
    for mark in "，！（）：；？":
        assert mark in stored
    assert "ABC123" in stored  # full-width Latin and digits are folded for matching


@pytest.mark.slow
def test_48_html_scripts_styles_comments_are_dropped_and_entities_decoded() -> None:
    page = (
        "<html><head><meta charset=gbk><title>政协工作报告</title><style>p{color:red}</style>"
        "<script>var secret='脚本内容';</script></head><body><!-- 注释内容 -->"
        f"<p>政协&nbsp;工作&#x4E2D;报告。{SENTENCE}</p></body></html>"
    )
    for data in (page.encode("gbk"), page.encode("utf-8")):  # the declared charset is validated, not trusted
        tally("bad inputs tried")
        d = decode_bytes(data)
        text = raw_text("html", d.text, None)
        assert "中报告" in text and SENTENCE in text
        for gone in ("脚本内容", "color:red", "注释内容", "&nbsp;", "&#x4E2D;"):
            assert gone not in text


# --- 49-50, 26: size caps and bounded memory --------------------------------------------------

RSS_PROBE = """
import json, sys
from pathlib import Path
from sources.base import FoundFile, Limits
from sources.discover import find
from sources.registry import document_item, expand, read_item
path = Path(sys.argv[1]); mode = sys.argv[2]; cap = int(sys.argv[3])
found = find(path, path.parent)
limits = Limits(max_file_bytes=cap)
if mode == "corpus":
    n = sum(1 for item in expand(found, limits))
else:
    out = read_item(document_item(found)) if found.size <= cap else "too_large"
    n = 1 if not isinstance(out, str) else 0
# VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's (pytest's) peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"items": n, "rss_mb": hwm / 1024}))
"""


def _probe(path: Path, mode: str, cap: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(path), mode, str(cap)],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=REPO,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_49_a_100_mb_single_line_is_too_large_by_default_and_bounded_under_a_raised_cap(tmp_path: Path) -> None:
    big = tmp_path / "one-line.txt"
    line = (SENTENCE * 100).encode()
    with big.open("wb") as f:
        for _ in range(100 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    tally("bad inputs tried")
    found = find(big, tmp_path)
    assert isinstance(found, FoundFile) and found.size > Settings().max_file_bytes
    under = _probe(big, "document", 200 * 1024 * 1024)
    # Reading and decoding 100 MB of UTF-8 Chinese: bytes + str (UCS-2) + the decode's copy.
    assert under["items"] == 1 and under["rss_mb"] < 350, under


@pytest.mark.slow
def test_50_a_100_mb_corpus_of_ordinary_lines_is_streamed_and_every_row_accounted(tmp_path: Path) -> None:
    corpus = tmp_path / "big.jsonl"
    rows = 0
    with corpus.open("wb") as f:
        while f.tell() < 100 * 1024 * 1024:
            f.write(json.dumps({"id": rows, "content": SENTENCE * 30}, ensure_ascii=False).encode() + b"\n")
            rows += 1
    tally("bad inputs tried")
    got = _probe(corpus, "corpus", 50 * 1024 * 1024)
    assert got["items"] == rows
    # The rows' texts are held for the batches (as str), but never the whole file twice.
    assert got["rss_mb"] < 250, got


def test_26_a_document_over_the_cap_is_too_large_with_the_setting_named(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(SENTENCE.encode() * 2000)
    found = find(f, tmp_path)
    assert isinstance(found, FoundFile)
    r = too_large(found.uri, found.name, found.size, 1000)
    assert r.reason_code == "too_large" and "BAOGAO_MAX_FILE_BYTES" in r.message


# --- 52-54: files that change, vanish, or point elsewhere ------------------------------------


def test_52_a_file_appended_to_while_it_is_hashed_is_retried_next_run(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "growing.txt"
    f.write_bytes(("政协工作报告\n" + SENTENCE * 20000).encode())  # > 1 chunk

    def append(path: Path, done: int) -> None:
        if done <= CHUNK:
            with path.open("ab") as g:
                g.write("追加的内容。".encode())

    monkeypatch.setattr(discover, "on_chunk", append)
    tally("bad inputs tried")
    out = find(f, tmp_path)
    assert isinstance(out, Reject)
    assert (out.outcome, out.reason_code) == ("skipped", "changed_during_read")


def test_52_a_file_rewritten_between_listing_and_reading_is_never_stored_torn(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("政协工作报告\n" + SENTENCE, encoding="utf-8")
    found = find(f, tmp_path)
    assert isinstance(found, FoundFile)
    f.write_text("政协工作报告（修订）\n" + SENTENCE * 2, encoding="utf-8")
    tally("bad inputs tried")
    out = read_item(document_item(found))
    assert isinstance(out, Reject) and (out.outcome, out.reason_code) == ("skipped", "changed_during_read")


def test_53_a_file_deleted_after_listing_is_rejected_as_vanished(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SENTENCE + "。", encoding="utf-8")
    listed = list(walk_roots([tmp_path]))
    (tmp_path / "a.txt").unlink()
    tally("bad inputs tried", 2)
    out = [find(p, root) for p, root in listed]
    assert isinstance(out[0], Reject) and out[0].reason_code == "vanished"
    assert isinstance(out[1], FoundFile)
    found = out[1]
    (tmp_path / "b.txt").unlink()
    late = read_item(document_item(found))
    assert isinstance(late, Reject) and late.reason_code == "vanished"


def test_54_links_are_followed_only_inside_the_source_folder(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "real.txt").write_text("政协工作报告\n" + SENTENCE, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密", encoding="utf-8")
    (src / "passwd.txt").symlink_to("/etc/passwd")
    (src / "outside-dir").symlink_to(outside)
    (src / "outside-file.txt").symlink_to(outside / "secret.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "dangling.txt").symlink_to(src / "nothing.txt")
    (src / "inside.txt").symlink_to(src / "real.txt")
    (src / "sub" / "up").symlink_to(src)  # a loop through a folder
    found = {Path(f.source_uri if isinstance(f, Reject) else f.uri).name: f for f in discover_inputs([src])}
    tally("bad inputs tried", 7)
    rejected = {name: f.reason_code for name, f in found.items() if isinstance(f, Reject)}
    assert rejected == {
        "passwd.txt": "symlink",
        "outside-dir": "symlink",
        "outside-file.txt": "symlink",
        "loop.txt": "symlink",
        "dangling.txt": "symlink",
        "up": "symlink",
    }
    inside = found["inside.txt"]
    assert isinstance(inside, FoundFile) and inside.path == (src / "real.txt").resolve()
    assert all("机密" not in str(f) and "root:" not in str(f) for f in found.values())


def test_54_a_fifo_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    out = find(tmp_path / "pipe.txt", tmp_path)  # would block forever if opened
    tally("bad inputs tried")
    assert isinstance(out, Reject) and out.reason_code == "not_a_file"


# --- 55-56: archives ---------------------------------------------------------------------------


def _found(path: Path) -> FoundFile:
    f = find(path, path.parent)
    assert isinstance(f, FoundFile)
    return f


def _uri(o: WorkItem | Reject) -> str:
    return o.source_uri if isinstance(o, Reject) else o.uri


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_55_archive_members_are_read_and_unsafe_names_rejected(tmp_path: Path) -> None:
    report = report_text([SENTENCE * 3, SENTENCE * 4], 0).encode()
    z = _zip(
        tmp_path / "reports.zip",
        {
            "a/report.txt": report,
            "../../escape.txt": b"x" * 40,
            "/etc/cron.d/evil.txt": b"x" * 40,
            "nested.zip": b"PK\x05\x06" + bytes(18),
            "data.jsonl": b"{}\n",
            "a/": b"",
        },
    )
    out = list(expand(_found(z), Limits()))
    tally("bad inputs tried", 4)
    codes = {
        (o.source_name if isinstance(o, Reject) else o.name): (o.reason_code if isinstance(o, Reject) else "ok")
        for o in out
    }
    assert codes == {
        "reports.zip/a/report.txt": "ok",
        "reports.zip/../../escape.txt": "unsafe_path",
        "reports.zip//etc/cron.d/evil.txt": "unsafe_path",
        "reports.zip/nested.zip": "nested_archive",
        "reports.zip/data.jsonl": "unsupported_type",
    }
    item = next(o for o in out if not isinstance(o, Reject))
    doc = read_item(item)
    assert isinstance(doc, SourceDoc) and doc.text == report.decode()
    assert not (tmp_path.parent / "escape.txt").exists()


def test_55_tar_traversal_and_absolute_links_are_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in {"ok.txt": ("政协工作报告\n" + SENTENCE).encode(), "../x.txt": b"escape" * 10}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        t.addfile(link)
        dev = tarfile.TarInfo("dev.txt")
        dev.type = tarfile.CHRTYPE
        t.addfile(dev)
    path = tmp_path / "reports.tar.gz"
    path.write_bytes(buf.getvalue())
    out = list(expand(_found(path), Limits()))
    tally("bad inputs tried", 3)
    codes = {
        (o.source_name if isinstance(o, Reject) else o.name): (o.reason_code if isinstance(o, Reject) else "ok")
        for o in out
    }
    assert codes == {
        "reports.tar.gz/ok.txt": "ok",
        "reports.tar.gz/../x.txt": "unsafe_path",
        "reports.tar.gz/link.txt": "symlink",
        "reports.tar.gz/dev.txt": "unsafe_path",
    }
    doc = read_item(next(o for o in out if not isinstance(o, Reject)))
    assert isinstance(doc, SourceDoc) and SENTENCE in (doc.text or "")


@pytest.mark.slow
def test_56_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z, z.open("zeros.txt", "w") as f:
        chunk = bytes(1 << 20)
        for _ in range(200):
            f.write(chunk)
    assert bomb.stat().st_size < 400_000
    tally("bad inputs tried")
    out = list(expand(_found(bomb), Limits()))
    assert [(o.reason_code, o.outcome) for o in out if isinstance(o, Reject)] == [("archive_bomb", "rejected")]
    assert "200" in out[0].message or "209,715,200" in out[0].message  # type: ignore[union-attr]


@pytest.mark.slow
def test_56_an_archive_with_too_many_members_is_refused(tmp_path: Path) -> None:
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(10_001):
            z.writestr(f"m/{i}.txt", b"x")
    tally("bad inputs tried")
    out = list(expand(_found(many), Limits()))
    assert [o.reason_code for o in out if isinstance(o, Reject)] == ["archive_bomb"]
    assert len(out) == 1


def test_56_a_member_over_the_size_cap_is_too_large(tmp_path: Path) -> None:
    z = _zip(tmp_path / "big.zip", {"big.txt": (SENTENCE * 200).encode()}, zipfile.ZIP_STORED)
    out = list(expand(_found(z), Limits(max_file_bytes=1000)))
    tally("bad inputs tried")
    assert [o.reason_code for o in out if isinstance(o, Reject)] == ["too_large"]


# --- 59: corpus files ------------------------------------------------------------------------


def test_59_every_bad_jsonl_line_gets_its_own_reject_with_its_line_number(tmp_path: Path) -> None:
    good = {"title": "好", "content": "政协工作报告：" + SENTENCE}
    lines = [
        codecs.BOM_UTF8 + json.dumps(good, ensure_ascii=False).encode(),  # 1: BOM on the first line
        b'{"title": "broken", "content": ',  # 2: malformed
        b"[1, 2, 3]",  # 3: not an object
        json.dumps({"id": 7, "content": SENTENCE + "甲"}, ensure_ascii=False).encode(),  # 4
        json.dumps({"id": 7, "content": SENTENCE + "乙"}, ensure_ascii=False).encode(),  # 5: duplicate id
        b'{"content": "' + SENTENCE.encode("gbk") + b'"}',  # 6: not UTF-8
        b'{"content": "' + b"x" * 3000 + b'"}',  # 7: over the (test) cap
        b'{"content": "\\udce6 lone surrogate ' + SENTENCE.encode() + b'"}',  # 8: lone surrogate escape
        b"",  # blank lines are not inputs
        b'{"path": "../../etc/passwd", "content": "' + SENTENCE.encode() + b'"}',  # 10: a path is only metadata
        b'{"title": "cut", "content": "' + SENTENCE.encode()[:20],  # 11: truncated last line
    ]
    corpus = tmp_path / "corpus.jsonl.gz"
    corpus.write_bytes(gzip.compress(b"\n".join(lines)))
    out = list(expand(_found(corpus), Limits(max_file_bytes=2000)))
    tally("bad inputs tried", 7)
    by_row = {_uri(o).rsplit("#", 1)[1]: (o.reason_code if isinstance(o, Reject) else "ok") for o in out}
    assert by_row == {
        "row=1": "ok",
        "row=2": "bad_row",
        "row=3": "bad_row",
        "id=7": "ok",  # named by its id; the second row with that id by its number
        "row=5": "ok",
        "row=6": "bad_row",
        "row=7": "too_large",
        "row=8": "invalid_text",
        "row=10": "ok",
        "row=11": "bad_row",
    }
    messages = {o.source_uri.rsplit("#row=", 1)[1]: o.message for o in out if isinstance(o, Reject)}
    assert "line 2" in messages["2"] and "line 6" in messages["6"] and "UTF-8" in messages["6"]
    row10 = next(o for o in out if _uri(o).endswith("#row=10"))
    assert isinstance(row10, WorkItem) and dict(row10.meta) == {"path": "../../etc/passwd"}


def test_a_corpus_row_is_named_by_its_first_key_column_once_and_by_its_number_otherwise(tmp_path: Path) -> None:
    rows = [
        {"url": "https://a.gov.cn/r?id=1#top", "content": SENTENCE},  # named by its url
        {"id": 7, "url": "https://a.gov.cn/r2", "content": SENTENCE + "二"},  # id comes first
        {"url": "https://a.gov.cn/r?id=1#top", "content": SENTENCE + "三"},  # a repeated url: its number
        {"url": " ", "content": SENTENCE + "四"},  # a blank key names nothing
        {"content": SENTENCE + "五"},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    uris = [_uri(o).split("#", 1)[1] for o in expand(_found(corpus), Limits())]
    assert uris == ["url=https://a.gov.cn/r?id=1%23top", "id=7", "row=3", "row=4", "row=5"]


def test_59_a_damaged_gzip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    rows = b"".join(json.dumps({"content": SENTENCE + str(i)}).encode() + b"\n" for i in range(2000))
    data = gzip.compress(rows)
    corpus = tmp_path / "cut.jsonl.gz"
    corpus.write_bytes(data[: len(data) // 2])
    out = list(expand(_found(corpus), Limits()))
    tally("bad inputs tried")
    assert isinstance(out[-1], Reject) and out[-1].reason_code == "read_error"
    assert 0 < len(out) - 1 < 2000 and all(not isinstance(o, Reject) for o in out[:-1])


# --- 60: PDF ------------------------------------------------------------------------------------


def _pdf(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    if encrypt:
        w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (_pdf(encrypt=True), "pdf_encrypted"),
        (_pdf(), "pdf_no_text"),
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nxref\ngarbage\n%%EOF", "pdf_unreadable"),
    ],
    ids=["encrypted", "scan-no-text", "malformed-xref"],
)
def test_60_unreadable_pdfs_are_rejected_with_a_reason(data: bytes, code: str) -> None:
    tally("bad inputs tried")
    with pytest.raises(ExtractError) as info:
        raw_text("pdf", None, data)
    assert info.value.code == code


# --- 57, 58, 51 and the whole batch: one real flow run over a folder of bad inputs -----------

ODD_NAMES = [
    "政协 工作报告.txt",
    "line\nbreak.txt",
    "quote'\"s.txt",
    "报告', 'x'); DROP TABLE documents; --.txt",
    "a" * 251 + ".txt",
]


@pytest.fixture(scope="module")
def messy(
    tmp_path_factory: pytest.TempPathFactory, prefect_harness: None, paragraphs: list[str]
) -> tuple[Path, RunSummary, dict[str, int]]:
    """A folder nobody cleaned, ingested once. Returns (warehouse, summary, expected outcome counts)."""
    root = tmp_path_factory.mktemp("messy")
    src = root / "in"
    src.mkdir()
    expected = {o: 0 for o in OUTCOMES}

    def add(name: str, data: bytes, outcome: str) -> None:
        (src / name).write_bytes(data)
        expected[outcome] += 1
        tally("bad inputs tried", outcome != "loaded")

    base = report_text(paragraphs, 0)
    add("good.txt", base.encode(), "loaded")
    add("bom.txt", codecs.BOM_UTF8 + base.encode(), "duplicate")  # 51: same text, different bytes
    add("crlf.txt", base.replace("\n", "\r\n").encode(), "duplicate")
    add("zw.txt", base.replace("工作", "工\u200b作").encode(), "duplicate")
    add("gbk.txt", report_text(paragraphs, 1).encode("gb18030"), "loaded")
    add("big5.txt", opencc.OpenCC("s2tw").convert(report_text(paragraphs, 2)).encode("big5", "ignore"), "loaded")
    add("utf16.txt", codecs.BOM_UTF16_LE + report_text(paragraphs, 3).encode("utf-16-le"), "loaded")
    add("empty.txt", b"", "skipped")
    add("blank.txt", b" \n \n", "skipped")
    add("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "rejected")
    add("mixed.txt", report_text(paragraphs, 4).encode() + report_text(paragraphs, 5).encode("gbk"), "rejected")
    add("short-gbk.txt", "政协报告".encode("gbk"), "needs_review")
    add("table.xlsx", b"PK\x03\x04 not a spreadsheet", "rejected")
    add("nul.txt", ("政协\x00" + report_text(paragraphs, 6)).encode(), "loaded")
    for i, name in enumerate(ODD_NAMES):  # 57/58: names stored literally; doc_id ignores them
        add(name, report_text(paragraphs, 10 + i).encode(), "loaded")
    nfc, nfd = unicodedata.normalize("NFC", "café.txt"), unicodedata.normalize("NFD", "café.txt")
    add(nfc, report_text(paragraphs, 20).encode(), "loaded")
    add(nfd, report_text(paragraphs, 20).encode(), "duplicate")
    (src / os.fsdecode(b"bad-\xff-name.txt")).write_bytes(report_text(paragraphs, 21).encode())
    expected["loaded"] += 1
    (src / "link-out.txt").symlink_to("/etc/passwd")
    expected["rejected"] += 1
    corpus = [
        json.dumps({"title": "甲", "content": report_text(paragraphs, 22)}, ensure_ascii=False),
        "not json",
        json.dumps({"title": "无正文"}, ensure_ascii=False),
    ]
    (src / "corpus.jsonl").write_text("\n".join(corpus) + "\n", encoding="utf-8")
    expected["loaded"] += 1
    expected["rejected"] += 2
    _zip(src / "bundle.zip", {"in-zip.txt": report_text(paragraphs, 23).encode(), "../evil.txt": b"x" * 50})
    expected["loaded"] += 1
    expected["rejected"] += 1
    tally("bad inputs tried", 5)
    warehouse = root / "w"
    summary = ingest(Settings(sources=[src], warehouse_dir=warehouse, workers=1, batch_size=8))
    return warehouse, summary, expected


def test_the_batch_goes_on_and_every_input_has_exactly_one_outcome(
    messy: tuple[Path, RunSummary, dict[str, int]],
) -> None:
    warehouse, summary, expected = messy
    got = {o: summary.outcomes.get(o, 0) for o in OUTCOMES}
    assert got == expected
    db = warehouse / "warehouse.duckdb"
    (discovered,) = duck(db, "select count(*) from ingest_log where run_id = ?", [summary.run.run_id])[0]
    assert discovered == summary.run.docs_seen == sum(expected.values())
    assert duck(db, "select count(*), count(distinct source_uri) from ingest_log") == [(discovered, discovered)]
    assert duck(
        db,
        "select count(*) from ingest_log where outcome <> 'loaded' and outcome <> 'duplicate' "
        "and (reason_code is null or length(message) < 15)",
    ) == [(0,)]
    assert duck(db, "select count(*) from documents") == [(expected["loaded"],)]


def test_51_duplicates_under_other_names_point_to_the_loaded_document(
    messy: tuple[Path, RunSummary, dict[str, int]],
) -> None:
    warehouse, _, _ = messy
    db = warehouse / "warehouse.duckdb"
    rows = duck(
        db,
        "select l.source_name, d.source_name from ingest_log l "
        "join documents d on d.doc_id = l.duplicate_of where l.outcome = 'duplicate'",
    )
    targets: dict[str, set[str]] = {}
    for dup, original in rows:
        targets.setdefault(str(original), set()).add(str(dup))
    cafe = {unicodedata.normalize("NFC", "café.txt"), unicodedata.normalize("NFD", "café.txt")}
    # The first name in walk order is loaded; the copies (BOM, CRLF, zero-width, NFD name) point to it.
    assert sorted(targets.items()) == sorted(
        [("bom.txt", {"crlf.txt", "good.txt", "zw.txt"}), (min(cafe), {max(cafe)})]
    )


def test_57_58_odd_and_hostile_names_are_stored_literally(messy: tuple[Path, RunSummary, dict[str, int]]) -> None:
    warehouse, _, _ = messy
    db = warehouse / "warehouse.duckdb"
    names = {r[0] for r in duck(db, "select source_name from documents")}
    assert set(ODD_NAMES) <= names
    assert "bad-\ufffd-name.txt" in names  # bytes that are not UTF-8 shown as U+FFFD, not a crash
    tables = {r[0] for r in duck(db, "select table_name from duckdb_tables()")}
    assert {"documents", "ingest_log", "runs"} <= tables
    uris = {r[0] for r in duck(db, "select source_uri from documents where source_name like 'bad-%'")}
    assert any("%FF" in u for u in uris)


def test_decoding_repairs_and_uncertain_encodings_are_explained_in_the_ledger(
    messy: tuple[Path, RunSummary, dict[str, int]],
) -> None:
    warehouse, _, _ = messy
    db = warehouse / "warehouse.duckdb"
    rows = dict(duck(db, "select source_name, outcome || '/' || reason_code || ': ' || message from ingest_log"))
    assert rows["nul.txt"].startswith("loaded/new") and "1 NUL character(s) removed" in rows["nul.txt"]
    assert rows["short-gbk.txt"].startswith("needs_review/uncertain_encoding")
    assert rows["link-out.txt"].startswith("rejected/symlink")
    assert rows["mixed.txt"].startswith("rejected/undecodable")
    enc = dict(duck(db, "select source_name, encoding from documents"))
    assert (enc["gbk.txt"], enc["big5.txt"], enc["utf16.txt"]) == ("gb18030", "big5", "utf-16")
