"""The benchmark's verdicts and table, on hand-made measurements."""

from __future__ import annotations

from typing import Any

from bench.cli import _goals, render
from tests.conftest import REPO


def _run(wall: float, beyond: float, chars_per_s: int, rss: float, **extra: Any) -> dict[str, Any]:
    return {
        "wall": wall,
        "beyond_startup": beyond,
        "chars_per_s_beyond_startup": chars_per_s,
        "peak_rss_gb": rss,
        "cpu_beyond_startup": beyond,
        "chars_per_cpu_s_beyond_startup": chars_per_s,
        "stages": {},
        **extra,
    }


def result(views_ms: float = 40.0, two_worker_speed: int = 190) -> dict[str, Any]:
    return {
        "corpus": {"reports": 700, "chars": 17_000_000, "bytes": 50 * 1024 * 1024},
        "machine": {"cpus": 2},
        "load_average": {"before": 0.5, "after": 1.5},
        "baseline": {"chars_per_s": 100, "seconds": 10, "chars_per_cpu_s": 100, "init_seconds": 0.7},
        "prefect": {"ephemeral_trivial_flow_wall": [8.0], "mode": "server", "startup_used": 2.4},
        "ingest": {
            "1": _run(
                102.4,
                100.0,
                100,
                0.8,
                ratio_to_baseline=1.0,
                ratio_to_baseline_cpu=1.1,
                stages={"transform": 90.0, "worker.segment": 20.0, "load": 5.0},
            ),
            "2": _run(
                55.0,
                52.6,
                two_worker_speed,
                0.9,
                ratio_to_baseline=1.9,
                ratio_to_baseline_cpu=1.0,
                stages={"transform": 45.0, "worker.segment": 20.5, "load": 5.0},
            ),
        },
        "rerun": _run(4.0, 1.6, 0, 0.4),
        "add10": _run(6.0, 3.6, 0, 0.5),
        "views": {"v_fast": {"median_ms": 12.0, "rows": 10}, "v_slow": {"median_ms": views_ms, "rows": 5}},
    }


def test_goals_are_judged_against_the_issue_thresholds() -> None:
    goals = _goals(result())
    assert {k: (g["value"], g["met"]) for k, g in goals.items()} == {
        "one_worker_vs_baseline": (1.0, True),
        "two_vs_one_worker": (1.9, True),
        "rerun_beyond_startup": (1.6, True),
        "add10_share": (round(3.6 / 52.6, 4), False),
        "peak_rss": (0.9, True),
        "views": (40.0, True),
    }


def test_a_slow_view_or_a_poor_speed_up_is_reported_as_missed() -> None:
    goals = _goals(result(views_ms=140.0, two_worker_speed=150))
    assert (goals["views"]["met"], goals["two_vs_one_worker"]["met"]) == (False, False)
    assert goals["two_vs_one_worker"]["value"] == 1.5


def test_the_table_shows_every_run_stage_view_and_verdict() -> None:
    r = result()
    r["goals"] = _goals(r)
    text = render(r)
    for needle in (
        "ingest 1 worker(s)",
        "ingest 2 worker(s)",
        "no-change re-run",
        "add 10 documents",
        "worker.segment",
        "v_slow",
        "[MISSED] adding 10 documents",
        "[met] every view <= 100 ms",
    ):
        assert needle in text, needle


def test_the_readme_documents_the_benchmark_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Benchmarks" in readme
    assert "uv run python -m bench --mb 50" in readme


def test_the_cli_as_a_user_runs_it_is_judged_against_bare_jieba_and_the_3_s_no_change_goal() -> None:
    r = {
        "corpus": {"reports": 70, "chars": 1_700_000, "bytes": 5 * 1024 * 1024},
        "machine": {"cpus": 2},
        "load_average": {"before": 0.5, "after": 1.5},
        "as_user": {
            "corpus_chars": 1_700_000,
            "jieba_lcut": {"wall": 6.0, "cpu": 5.8},
            "cold": {"wall": 30.0, "cpu": 20.0, "ratio_to_jieba": 0.2, "chars_per_s": 56_667},
            "warm": {"wall": 5.0, "cpu": 8.0, "ratio_to_jieba": 1.2, "chars_per_s": 340_000},
            "no_change": {"wall": 3.5, "cpu": 1.2, "nothing_new": True},
        },
    }
    goals = _goals(r)
    assert {k: (g["value"], g["met"]) for k, g in goals.items()} == {
        "as_user_vs_jieba": (1.2, True),
        "as_user_no_change": (3.5, False),
    }
    text = render({**r, "goals": goals})
    assert "bare jieba.lcut (python -c, import + read + cut): 6.0 / 5.8" in text
    assert "baogao ingest, server running: 5.0 / 8.0, 1.2x jieba" in text
    assert "[MISSED] no-change `baogao ingest` as a user runs it <= 3 s wall: 3.5" in text
