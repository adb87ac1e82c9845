"""Memory is bounded by what an input unpacks to, never by what it weighs on disk: a gzipped
corpus of a few MB can unpack to a GB. Each case builds its input on the fly (small on disk),
runs the real `baogao ingest` in its own process (niced) and samples the RSS of its whole
process tree: the CLI, its worker processes. The budget for any single input is 1.5 GB."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from tests.reliability.conftest import report_text, tally
from tests.reliability.processes import Ran, baogao

pytestmark = pytest.mark.slow

BUDGET = 1536 * 2**20
MB = 2**20


def ingest(src: Path, w: Path, api_url: str, env: dict[str, str] | None = None) -> Ran:
    tally("attacks tried: memory")
    ran = baogao(
        "ingest",
        str(src),
        "--warehouse",
        str(w),
        "--workers",
        "1",
        api_url=api_url,
        env=env,
        nice=True,
        kill_above=BUDGET + 512 * MB,
        timeout=600,
    )
    print(f"{src.name}: peak {ran.peak_rss / MB:.0f} MiB in {ran.seconds:.0f} s")
    assert ran.peak_rss < BUDGET, f"peak {ran.peak_rss / MB:.0f} MiB"
    assert ran.code == 0, ran.err[-3000:]
    return ran


def outcomes(w: Path, api_url: str) -> list[tuple[str, str, str]]:
    ran = baogao(
        "query",
        "select regexp_extract(source_uri, '[^/]+$') as input, outcome, reason_code from ingest_log order by input",
        "--format",
        "json",
        "--warehouse",
        str(w),
        api_url=api_url,
    )
    assert ran.code == 0, ran.err
    return [(r["input"], r["outcome"], r["reason_code"]) for r in json.loads(ran.out)]


def big_text(paragraphs: list[str], size: int, salt: int) -> str:
    """Real report text of about `size` bytes (UTF-8), without a single line break."""
    parts, n, i = [], 0, salt
    while n < size:
        p = paragraphs[i % len(paragraphs)]
        parts.append(p)
        n += len(p.encode())
        i += 1
    return "".join(parts)


def gz_lines(path: Path, lines: list[bytes], repeat: int = 1) -> None:
    with gzip.open(path, "wb", compresslevel=6) as f:
        for _ in range(repeat):
            for line in lines:
                f.write(line)


def test_a_jsonl_gz_whose_rows_are_too_big_for_a_document_stays_small(
    tmp_path: Path, api_url: str, paragraphs: list[str]
) -> None:
    """640 MB unpacked: 128 rows of 5 MB of real text each, over the size of a document, then
    two ordinary reports. The big rows are refused one by one as they stream past."""
    src = tmp_path / "in"
    src.mkdir()
    huge = json.dumps({"title": "x", "content": big_text(paragraphs, 5 * MB, 0)}, ensure_ascii=False).encode() + b"\n"
    small = [
        json.dumps({"title": f"r{i}", "content": report_text(paragraphs, i)}, ensure_ascii=False).encode() + b"\n"
        for i in (1, 2)
    ]
    gz_lines(src / "corpus.jsonl.gz", [huge], repeat=128)
    with gzip.open(src / "corpus.jsonl.gz", "ab") as f:
        f.writelines(small)
    ingest(src, tmp_path / "w", api_url)
    rows = outcomes(tmp_path / "w", api_url)
    assert [r[1:] for r in rows].count(("rejected", "too_large")) == 128
    assert [r[1:] for r in rows].count(("loaded", "new")) == 2


def test_a_csv_gz_over_the_corpus_limit_unpacked_is_refused_as_it_streams(
    tmp_path: Path, api_url: str, paragraphs: list[str]
) -> None:
    """A .csv.gz of well under 1 MB that unpacks to 300 MB, against a corpus limit of 64 MB: the
    limit counts unpacked bytes. The rows read before the limit are ingested; the rest is one reject."""
    src = tmp_path / "in"
    src.mkdir()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["title", "content"])
    for i in (1, 2):
        w.writerow([f"r{i}", report_text(paragraphs, i)])
    head = buf.getvalue().encode()
    filler = io.StringIO()
    # A big title and no text: each filler row is refused as it streams past, with no transform.
    csv.writer(filler, lineterminator="\n").writerow(["政" * MB, ""])
    with gzip.open(src / "corpus.csv.gz", "wb") as f:
        f.write(head)
        for _ in range(100):
            f.write(filler.getvalue().encode())
    ingest(src, tmp_path / "w", api_url, env={"BAOGAO_MAX_CORPUS_BYTES": str(64 * MB)})
    rows = outcomes(tmp_path / "w", api_url)
    assert ("corpus.csv.gz#rest", "rejected", "too_large") in rows
    assert [r[1:] for r in rows].count(("loaded", "new")) == 2


@pytest.mark.parametrize("suffix", [".jsonl", ".txt"])
def test_one_huge_document_is_refused_quickly_not_transformed_for_minutes(
    tmp_path: Path, api_url: str, paragraphs: list[str], suffix: str
) -> None:
    """A 40 MB document (under the 50 MB file limit): real text, so every transform has work.
    Transforming it would take over 10 minutes and GBs; it is refused as too large a document."""
    src = tmp_path / "in"
    src.mkdir()
    text = big_text(paragraphs, 40 * MB, 3)
    if suffix == ".jsonl":
        (src / "one.jsonl").write_text(json.dumps({"content": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        (src / "one.txt").write_text(text, encoding="utf-8")
    ran = ingest(src, tmp_path / "w", api_url)
    assert ran.seconds < 300
    rows = outcomes(tmp_path / "w", api_url)
    assert [r[1:] for r in rows] == [("rejected", "too_large")], rows


SURVEY_CHILD = """
import sys
from pathlib import Path
import flows.survey as survey
from flows.plan import new_run_id
from flows.settings import Settings
from transforms.models import RunInfo
import datetime as dt

src, warehouse, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if mode == "held":  # the control: every new row's text kept in memory until its batch comes
    survey._without_text = lambda item: item
now = dt.datetime.now(dt.UTC)
run = RunInfo(run_id=new_run_id(now), ingested_at=now, transform_version="t")
spool = warehouse / "rows.spool" if mode == "spooled" else None
work = survey.survey_inputs(Settings(sources=[src], warehouse_dir=warehouse), run, spool=spool)
# VmHWM, not getrusage: ru_maxrss carries over the forking parent's RSS across exec.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(len(work.todo), int(hwm.split()[1]) * 1024)
"""


def test_planning_a_corpus_of_many_new_rows_keeps_one_row_in_memory_not_the_corpus(
    tmp_path: Path, paragraphs: list[str]
) -> None:
    """400 MB of valid rows unpacked, from a .jsonl.gz of a few MB: planning reads every row; the
    text of the rows to transform waits in the run's spool file, so the planner's peak memory
    does not grow with the corpus (the control, which keeps the rows, shows what it would be)."""
    import subprocess
    import sys

    from tests.reliability.conftest import REPO

    src = tmp_path / "in"
    src.mkdir()
    body = big_text(paragraphs, 256 * 1024, 5)
    n = 1600
    with gzip.open(src / "corpus.jsonl.gz", "wb", compresslevel=1) as f:
        for i in range(n):
            f.write(json.dumps({"title": f"r{i}", "content": f"第{i}号{body}"}, ensure_ascii=False).encode() + b"\n")
    peaks = {}
    for mode in ("spooled", "held"):
        w = tmp_path / mode
        w.mkdir()
        out = subprocess.run(
            [sys.executable, "-c", SURVEY_CHILD, str(src), str(w), mode],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout.split()
        assert int(out[0]) == n
        peaks[mode] = int(out[1])
    print({k: f"{v / MB:.0f} MiB" for k, v in peaks.items()})
    assert peaks["held"] > 300 * MB  # the control holds the corpus: the measurement can fail
    assert peaks["spooled"] < 200 * MB
    spool = tmp_path / "spooled" / "rows.spool"
    assert spool.stat().st_size > 400 * MB
    tally("attacks tried: memory")


def test_a_spooled_row_reads_back_as_the_same_text(tmp_path: Path) -> None:
    from sources.base import WorkItem
    from sources.registry import read_item
    from sources.spool import Spool

    texts = ["政协工作报告\n提交提案266件。", "", "第二份\ud800报告"]  # a lone surrogate passes through as it came
    with Spool(tmp_path / "s.spool") as spool:
        items = [
            spool.keep(WorkItem(uri=f"c.jsonl#row={i}", name="c.jsonl", kind="text", content_sha256="x", text=t))
            for i, t in enumerate(texts)
        ]
    assert all(i.text is None and i.spooled is not None for i in items)
    assert [read_item(i).text for i in items] == texts  # type: ignore[union-attr]
