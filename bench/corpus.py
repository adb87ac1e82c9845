"""A corpus of any size made from real report text, for the benchmark.

One generated report = a title naming a real region and year, a dateline with a fresh person's
name, then paragraphs sampled from the national 政府工作报告 corpus and the 政协 seed reports (in
their original order within each borrowed run, so headings, lists and numbers read as they do in
real reports). Every run of digits gets fresh digits of the same length (years stay plausible
years), and 我国/全国 become the region, so no two reports share a dedup key and the extractors
see the same kinds of sentences as in real input. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
NATIONAL = SEEDS / "reports" / "national" / "government_work_reports.jsonl.gz"
CPPCC = SEEDS / "reports" / "cppcc"
REGIONS = SEEDS / "reference" / "regions.csv"

# Reports in the seeds run 3-70 k characters; most provincial reports are 15-30 k.
MIN_CHARS, MAX_CHARS = 8_000, 30_000
# Paragraphs are borrowed in runs of this many consecutive paragraphs of one source report.
RUN = (3, 12)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    ""
)
_GIVEN = "国华建明文军平志伟东海强晓光林永春新小红玉英丽德庆立成秀兰云学金福荣宏亮振宇峰俊涛斌鹏辉杰刚勇敏静燕霞洪波"
_YEAR = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-4][0-9])(?=年)")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Report:
    name: str  # file name, unique in the corpus
    text: str


def source_paragraphs() -> list[list[str]]:
    """The paragraphs of every seed report (national corpus rows and 政协 files), one list per report."""
    reports: list[list[str]] = []
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                reports.append(_paragraphs(json.loads(line)["content"]))
    for path in sorted(CPPCC.glob("*.txt")):
        reports.append(_paragraphs(path.read_text(encoding="utf-8")))
    return [r for r in reports if len(r) >= RUN[1]]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if len(p.strip()) >= 8]


def region_names() -> list[str]:
    """Provinces and cities from seeds/reference/regions.csv (a short built-in list without it)."""
    if not REGIONS.exists():
        return ["浙江省", "江苏省", "广东省", "四川省", "杭州市", "苏州市", "成都市", "武汉市"]
    with REGIONS.open(encoding="utf-8", newline="") as f:
        return [r["name"] for r in csv.DictReader(f) if r["level"] in ("province", "city")]


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _fresh_numbers(text: str, rng: random.Random, year: int) -> str:
    text = _YEAR.sub(lambda m: str(max(1990, min(2030, year + rng.randint(-3, 2)))), text)

    def digits(m: re.Match[str]) -> str:
        s = m.group(0)
        if len(s) == 4 and s.startswith(("19", "20")):  # a year the pattern above did not catch
            return s
        first = str(rng.randint(1, 9)) if s[0] != "0" else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in range(len(s) - 1))

    return _DIGITS.sub(digits, text)


def make_report(n: int, rng: random.Random, sources: list[list[str]], regions: list[str]) -> Report:
    """The n-th report of a corpus (see the module docstring)."""
    region = rng.choice(regions)
    year = rng.randint(1995, 2025)
    body: list[str] = []
    size = 0
    target = rng.randint(MIN_CHARS, MAX_CHARS)
    while size < target:
        src = rng.choice(sources)
        length = rng.randint(*RUN)
        start = rng.randrange(0, len(src) - length + 1)
        for p in src[start : start + length]:
            p = _fresh_numbers(p.replace("我国", region).replace("全国", f"全{region[-1]}"), rng, year)
            body.append(p)
            size += len(p)
    kind = rng.random()
    if kind < 0.8:
        title = f"{year}年{region}人民政府工作报告"
        session = f"第{rng.randint(9, 14)}届人民代表大会第{rng.randint(1, 5)}次会议"
        dateline = f"——{year}年1月{rng.randint(5, 28)}日在{region}{session}上"
        who = f"{region}{region[-1]}长  {_person(rng)}"
    else:
        title = f"政协{region}委员会常务委员会工作报告"
        session = f"第{rng.randint(9, 14)}届委员会第{rng.randint(1, 5)}次会议"
        dateline = f"——{year}年1月{rng.randint(5, 28)}日在政协{region}{session}上"
        who = f"{_person(rng)}"
    text = "\n".join([title, dateline, who, *body]) + "\n"
    return Report(name=f"{n:06d}_{year}_{region}.txt", text=text)


def generate(target_bytes: int, seed: int = 1) -> Iterator[Report]:
    """Reports until their UTF-8 size reaches `target_bytes`."""
    rng = random.Random(seed)
    sources = source_paragraphs()
    regions = region_names()
    total = 0
    n = 0
    while total < target_bytes:
        report = make_report(n, rng, sources, regions)
        total += len(report.text.encode("utf-8"))
        n += 1
        yield report


def write_corpus(folder: Path, target_bytes: int, seed: int = 1, fmt: str = "txt") -> tuple[int, int, int]:
    """Write the corpus into `folder` (reused when it is complete): one .txt file per report, or
    with fmt="jsonl" one corpus.jsonl with a row per report (title, content, year), the shape of
    a scraped collection. Returns (reports, characters, bytes of report text)."""
    done = folder / ".complete.json"
    if done.exists():
        info = json.loads(done.read_text(encoding="utf-8"))
        info.setdefault("format", "txt")
        if info == {**info, "target_bytes": target_bytes, "seed": seed, "format": fmt}:
            return info["reports"], info["chars"], info["bytes"]
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.txt"), *folder.glob("*.jsonl")]:
        old.unlink()
    reports = chars = size = 0
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") if fmt == "jsonl" else _nothing() as rows:
        for report in generate(target_bytes, seed):
            data = report.text.encode("utf-8")
            if rows is None:
                (folder / report.name).write_bytes(data)
            else:
                title, _, _ = report.text.partition("\n")
                row = {"title": title, "content": report.text, "year": report.name.split("_")[1]}
                rows.write(json.dumps(row, ensure_ascii=False) + "\n")
            reports += 1
            chars += len(report.text)
            size += len(data)
    info = {
        "target_bytes": target_bytes,
        "seed": seed,
        "format": fmt,
        "reports": reports,
        "chars": chars,
        "bytes": size,
    }
    done.write_text(json.dumps(info), encoding="utf-8")
    return reports, chars, size


def read_texts(folder: Path) -> Iterator[str]:
    """The report texts of a written corpus, in either format."""
    for path in sorted(folder.glob("*.txt")):
        yield path.read_text(encoding="utf-8")
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)["content"]


@contextmanager
def _nothing() -> Iterator[None]:
    yield None
