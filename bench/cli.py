"""`uv run python -m bench --mb 50`: the throughput benchmark (see README, "Benchmarks").

Builds (or reuses) a corpus of the requested size under bench/out/, then measures in one run:
the bare jieba.lcut baseline, full ingests through the real flow with each worker count, the
per-stage seconds, a no-change re-run, adding 10 documents, peak memory, Prefect's start-up and
the latency of every view. Prints a table and writes bench/out/bench-<time>.json (and latest.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench import as_user
from bench.corpus import generate, read_texts, write_corpus
from bench.measure import ChildRun, PrefectServer, jieba_baseline, run_child, view_latency

OUT = Path(__file__).resolve().parent / "out"
MB = 1024 * 1024
STEPS = ("baseline", "ingest", "rerun", "add10", "views", "as_user")

# Goals from the issue: (name, description).
GOALS = {
    "one_worker_vs_baseline": "full ingest on 1 worker >= 1.0x bare jieba.lcut",
    "two_vs_one_worker": "2 workers >= 1.8x 1 worker",
    "rerun_beyond_startup": "no-change re-run <= 2 s beyond Prefect start-up",
    "add10_share": "adding 10 documents <= 5 % of the full ingest (both beyond start-up)",
    "peak_rss": "peak RSS <= 1.5 GB (the goal is set for 200 MB of input)",
    "views": "every view <= 100 ms",
    "as_user_vs_jieba": "`baogao ingest` as a user runs it (fresh process, start-up included) >= 1.0x bare jieba.lcut",
    "as_user_no_change": "no-change `baogao ingest` as a user runs it <= 3 s wall",
}


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--mb", type=float, default=50.0, help="corpus size in MB of UTF-8 text (default 50)")
    p.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    p.add_argument(
        "--format",
        choices=("txt", "jsonl"),
        default="txt",
        help="corpus as one .txt file per report (default) or one .jsonl with a row per report",
    )
    p.add_argument("--workers", default="1,2", help="worker counts to ingest with, comma-separated (default 1,2)")
    p.add_argument("--steps", default=",".join(STEPS), help=f"what to measure (default all: {','.join(STEPS)})")
    p.add_argument(
        "--prefect",
        choices=("server", "ephemeral"),
        default="server",
        help="runs talk to a long-lived local Prefect server started by the bench (default), "
        "or each starts Prefect's temporary server as a plain `baogao ingest` does",
    )
    p.add_argument("--runner", default="local", help="task runner for the ingests: local (default) or dask")
    p.add_argument("--batch-size", type=int, help="documents per batch (default: the Settings default)")
    p.add_argument("--out", type=Path, default=OUT, help="where corpora, warehouses and results go")
    return p.parse_args()


def _gb(n: int) -> float:
    return round(n / 1024**3, 3)


def main() -> None:
    args = _parse()
    steps = set(args.steps.split(","))
    workers = [int(w) for w in args.workers.split(",")]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    label = f"{args.mb:g}mb-s{args.seed}" + ("-jsonl" if args.format == "jsonl" else "")
    result: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    load_before = os.getloadavg()[0]

    t0 = time.perf_counter()
    corpus = out / f"corpus-{label}"
    reports, chars, size = write_corpus(corpus, int(args.mb * MB), args.seed, args.format)
    result["corpus"] = {
        "path": str(corpus),
        "reports": reports,
        "chars": chars,
        "bytes": size,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    _say(f"corpus: {reports} reports, {chars:,} characters, {size / MB:.1f} MB in {corpus}")

    if "baseline" in steps:
        result["baseline"] = jieba_baseline(read_texts(corpus))
        _say(f"baseline jieba.lcut: {result['baseline']['chars_per_s']:,} chars/s")

    if steps & {"ingest", "rerun", "add10", "views"}:
        _flow_runs(result, steps, workers, corpus, chars, label, args, out)
    if "as_user" in steps and "error" not in result:
        _say("the CLI as a user runs it: bare jieba.lcut, then `baogao ingest` in fresh processes")
        result["as_user"] = as_user.measure(corpus, chars, out)
    result["load_average"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    result["goals"] = _goals(result)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    for name in (f"bench-{label}-{stamp}.json", "latest.json"):
        (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render(result))
    if "error" in result:
        print(f"\nstopped early: {result['error'].splitlines()[0]}")
    print(f"\nwritten: {out / f'bench-{label}-{stamp}.json'}")


def _flow_runs(
    result: dict[str, Any],
    steps: set[str],
    workers: list[int],
    corpus: Path,
    chars: int,
    label: str,
    args: argparse.Namespace,
    out: Path,
) -> None:
    """Ingests through the real flow in child processes, each against a Prefect server."""
    home = out / "prefect-home"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    # Start-up as a plain `baogao ingest` pays it: Prefect's temporary server in the process.
    ephemeral = [run_child(["trivial"], env, out / "trivial.json") for _ in range(2)]
    result["prefect"] = {
        "ephemeral_trivial_flow_wall": [r.wall for r in ephemeral],
        "ephemeral_trivial_flow_cpu": [r.cpu for r in ephemeral],
    }
    _say(f"trivial flow, temporary server: {[r.wall for r in ephemeral]} s")
    server = PrefectServer(out / "prefect-server-home") if args.prefect == "server" else None
    try:
        if server is not None:
            server.__enter__()
            env = {**env, "PREFECT_API_URL": server.url}
            result["prefect"]["server_start_seconds"] = server.start_seconds
            trivial = [run_child(["trivial"], env, out / "trivial.json") for _ in range(2)]
            result["prefect"]["server_trivial_flow_wall"] = [r.wall for r in trivial]
            result["prefect"]["server_trivial_flow_cpu"] = [r.cpu for r in trivial]
            _say(f"trivial flow, long-lived server: {[r.wall for r in trivial]} s")
        else:
            trivial = ephemeral
        startup = (min(r.wall for r in trivial), min(r.cpu for r in trivial))
        result["prefect"]["startup_used"] = startup[0]
        result["prefect"]["startup_cpu_used"] = startup[1]
        result["prefect"]["mode"] = args.prefect

        last: Path | None = None
        if "ingest" in steps:
            result["ingest"] = {}
            for w in workers:
                wh = out / f"warehouse-{label}-w{w}"
                shutil.rmtree(wh, ignore_errors=True)
                run = _ingest(env, wh, w, [corpus], args, out)
                result["ingest"][str(w)] = _describe(run, chars, startup, result.get("baseline"))
                _say(
                    f"ingest, {w} worker(s): {run.wall:.1f} s, "
                    f"{result['ingest'][str(w)]['chars_per_s_beyond_startup']:,} chars/s beyond start-up"
                )
                last = wh
        if last is not None and "rerun" in steps:
            run = _ingest(env, last, max(workers), [corpus], args, out)
            result["rerun"] = _describe(run, chars, startup, None)
            _say(f"no-change re-run: {run.wall:.1f} s")
        if last is not None and "add10" in steps:
            extra = out / f"extra-{label}"
            shutil.rmtree(extra, ignore_errors=True)
            extra.mkdir()
            added = 0
            for i, report in enumerate(generate(1 << 62, seed=args.seed + 10_000)):
                if i == 10:
                    break
                (extra / f"add_{report.name}").write_text(report.text, encoding="utf-8")
                added += len(report.text)
            run = _ingest(env, last, max(workers), [corpus, extra], args, out)
            result["add10"] = _describe(run, added, startup, None)
            shutil.rmtree(extra, ignore_errors=True)
            _say(f"add 10 documents: {run.wall:.1f} s")
        if last is not None and "views" in steps:
            result["views"] = view_latency(last / "warehouse.duckdb")
            result["warehouse_bytes"] = (last / "warehouse.duckdb").stat().st_size
    except IngestFailed as exc:
        result["error"] = str(exc)
        _say(str(exc))
    finally:
        if server is not None:
            server.__exit__(None, None, None)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ingest(
    env: dict[str, str], warehouse: Path, workers: int, sources: list[Path], args: argparse.Namespace, out: Path
) -> ChildRun:
    cmd = [
        "ingest",
        *map(str, sources),
        "--warehouse",
        str(warehouse),
        "--workers",
        str(workers),
        "--runner",
        args.runner,
    ]
    if args.batch_size:
        cmd += ["--batch-size", str(args.batch_size)]
    run = run_child(cmd, env, out / "ingest.json")
    if run.returncode != 0 or "summary" not in run.out:
        raise IngestFailed(f"the ingest into {warehouse} failed (exit {run.returncode}):\n{run.stderr}")
    return run


class IngestFailed(RuntimeError):
    """A measured ingest did not complete; what was measured before it is still written."""


def _describe(
    run: ChildRun, chars: int, startup: tuple[float, float], baseline: dict[str, Any] | None
) -> dict[str, Any]:
    s = run.out["summary"]
    beyond = max(run.wall - startup[0], 1e-3)
    cpu_beyond = max(run.cpu - startup[1], 1e-3)
    d: dict[str, Any] = {
        "wall": run.wall,
        "beyond_startup": round(beyond, 3),
        "flow_body_seconds": s["seconds"],
        "chars": chars,
        "chars_per_s_beyond_startup": round(chars / beyond),
        "chars_per_s_flow_body": round(chars / max(s["seconds"], 1e-3)),
        "cpu": run.cpu,
        "cpu_beyond_startup": round(cpu_beyond, 3),
        "chars_per_cpu_s_beyond_startup": round(chars / cpu_beyond),
        "peak_rss_gb": _gb(run.peak_rss),
        "peak_rss_gb_without_prefect_server": _gb(run.peak_rss_no_server),
        "outcomes": s["outcomes"],
        "rows": s["rows"],
        "stages": s.get("stages", {}),
        "rss_timeline_gb": run.rss_timeline,
        "import_seconds": run.out.get("import_seconds"),
    }
    if baseline:
        d["ratio_to_baseline"] = round(d["chars_per_s_beyond_startup"] / baseline["chars_per_s"], 3)
        d["ratio_to_baseline_flow_body"] = round(d["chars_per_s_flow_body"] / baseline["chars_per_s"], 3)
        d["ratio_to_baseline_cpu"] = round(d["chars_per_cpu_s_beyond_startup"] / baseline["chars_per_cpu_s"], 3)
    return d


def _goals(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    goals: dict[str, dict[str, Any]] = {}
    ing = r.get("ingest", {})
    if "1" in ing and "ratio_to_baseline" in ing["1"]:
        v = ing["1"]["ratio_to_baseline"]
        goals["one_worker_vs_baseline"] = {"value": v, "met": v >= 1.0, "cpu_basis": ing["1"]["ratio_to_baseline_cpu"]}
    if "1" in ing and "2" in ing:
        v = round(ing["2"]["chars_per_s_beyond_startup"] / ing["1"]["chars_per_s_beyond_startup"], 3)
        goals["two_vs_one_worker"] = {"value": v, "met": v >= 1.8}
    if "rerun" in r:
        v = r["rerun"]["beyond_startup"]
        goals["rerun_beyond_startup"] = {"value": v, "met": v <= 2.0}
    if "add10" in r and ing:
        full = ing[max(ing, key=int)]["beyond_startup"]
        v = round(r["add10"]["beyond_startup"] / full, 4)
        goals["add10_share"] = {"value": v, "met": v <= 0.05}
    runs = [*ing.values(), *(r[k] for k in ("rerun", "add10") if k in r)]
    if runs:
        v = max(x["peak_rss_gb"] for x in runs)
        goals["peak_rss"] = {"value": v, "met": v <= 1.5, "corpus_mb": round(r["corpus"]["bytes"] / MB, 1)}
    if "views" in r:
        v = max((x["median_ms"] for x in r["views"].values()), default=0.0)
        goals["views"] = {"value": v, "met": v <= 100.0}
    user = r.get("as_user", {})
    if "warm" in user:
        v = user["warm"]["ratio_to_jieba"]
        goals["as_user_vs_jieba"] = {"value": v, "met": v >= 1.0, "first_run_with_server_start": user["cold"]}
    if "no_change" in user:
        v = user["no_change"]["wall"]
        goals["as_user_no_change"] = {"value": v, "met": v <= 3.0}
    for name, g in goals.items():
        g["goal"] = GOALS[name]
    return goals


def render(r: dict[str, Any]) -> str:
    """The result as plain-text tables."""
    lines: list[str] = []
    c = r["corpus"]
    lines.append(
        f"corpus: {c['reports']} reports, {c['chars']:,} chars, {c['bytes'] / MB:.1f} MB; "
        f"{r['machine']['cpus']} CPUs; load average {r['load_average']['before']} -> {r['load_average']['after']}"
    )
    if "baseline" in r:
        b = r["baseline"]
        lines.append(
            f"baseline jieba.lcut (1 process): {b['chars_per_s']:,} chars/s ({b['seconds']} s), "
            f"{b['chars_per_cpu_s']:,} chars/CPU s; dictionary load {b['init_seconds']} s not counted"
        )
    p = r.get("prefect")
    if p is not None and "startup_used" in p:
        lines.append(
            f"Prefect start-up (trivial flow, whole process): temporary server {p['ephemeral_trivial_flow_wall']} s"
            + (
                f"; long-lived server {p['server_trivial_flow_wall']} s (server itself started in "
                f"{p['server_start_seconds']} s)"
                if "server_trivial_flow_wall" in p
                else ""
            )
            + f"; runs below use: {p['mode']}, start-up {p['startup_used']} s"
        )
    lines.append("")
    head = (
        f"{'run':<18}{'wall s':>9}{'beyond s':>10}{'chars/s':>11}{'x base':>8}{'CPU s':>9}{'chars/CPU s':>13}"
        f"{'x base':>8}{'peak RSS GB':>13}"
    )
    lines.append(head)
    lines.append("-" * len(head))
    rows = [(f"ingest {w} worker(s)", d) for w, d in r.get("ingest", {}).items()]
    rows += [(name, r[key]) for key, name in (("rerun", "no-change re-run"), ("add10", "add 10 documents")) if key in r]
    for name, d in rows:
        ratio = f"{d['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in d else ""
        ratio_cpu = f"{d['ratio_to_baseline_cpu']:.2f}" if "ratio_to_baseline_cpu" in d else ""
        lines.append(
            f"{name:<18}{d['wall']:>9.1f}{d['beyond_startup']:>10.1f}{d['chars_per_s_beyond_startup']:>11,}"
            f"{ratio:>8}{d['cpu_beyond_startup']:>9.1f}{d['chars_per_cpu_s_beyond_startup']:>13,}"
            f"{ratio_cpu:>8}{d['peak_rss_gb']:>13.2f}"
        )
    if r.get("ingest"):
        lines.append("")
        stages = sorted({k for d in r["ingest"].values() for k in d["stages"]}, key=_stage_order)
        lines.append(f"{'stage seconds':<22}" + "".join(f"{w + 'w':>10}" for w in r["ingest"]))
        for s in stages:
            lines.append(f"{s:<22}" + "".join(f"{d['stages'].get(s, 0):>10.2f}" for d in r["ingest"].values()))
        lines.append("(worker.* are summed over batches, so with N workers they add up to about N x transform)")
    if "views" in r:
        lines.append("")
        lines.append(f"{'view':<32}{'median ms':>10}{'rows':>10}")
        for v, d in r["views"].items():
            lines.append(f"{v:<32}{d['median_ms']:>10.1f}{d['rows']:>10,}")
    if "as_user" in r and "jieba_lcut" in r["as_user"]:
        u = r["as_user"]
        lines.append("")
        lines.append("as a user runs it (fresh processes, start-up included; wall s / CPU s of the process tree):")
        lines.append(
            f"  bare jieba.lcut (python -c, import + read + cut): {u['jieba_lcut']['wall']} / {u['jieba_lcut']['cpu']}"
        )
        for key, name in (
            ("cold", "baogao ingest, first run (starts the server)"),
            ("warm", "baogao ingest, server running"),
            ("no_change", "baogao ingest, nothing new"),
        ):
            if key in u:
                ratio = f", {u[key]['ratio_to_jieba']}x jieba" if "ratio_to_jieba" in u[key] else ""
                lines.append(f"  {name}: {u[key]['wall']} / {u[key]['cpu']}{ratio}")
        if "error" in u:
            lines.append(f"  stopped: {u['error'].splitlines()[0]}")
    if r.get("goals"):
        lines.append("")
        for g in r["goals"].values():
            lines.append(f"[{'met' if g['met'] else 'MISSED'}] {g['goal']}: {g['value']}")
    return "\n".join(lines)


_ORDER = (
    "discover",
    "transform",
    "worker.read",
    "worker.clean",
    "worker.metadata",
    "worker.structure",
    "worker.segment",
    "worker.metrics",
    "worker.entities",
    "worker.terms",
    "worker.themes",
    "worker.other",
    "worker.rows",
    "write",
    "publish",
    "load",
    "checks",
    "swap",
)


def _stage_order(s: str) -> tuple[int, str]:
    return (_ORDER.index(s) if s in _ORDER else len(_ORDER), s)
