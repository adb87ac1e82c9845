"""One measured process: an ingest through the real flow, or a trivial flow (Prefect start-up).

The benchmark starts this module as a child process so that every run pays what a user's
`baogao ingest` pays (imports, Prefect start-up) and its memory is measured on its own:

    python -m bench.run_one ingest --warehouse W --workers N --out summary.json SOURCE...
    python -m bench.run_one trivial --out trivial.json
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402 - the clock starts before the imports it measures
import json  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run_one")
    parser.add_argument("what", choices=("ingest", "trivial"))
    parser.add_argument("sources", nargs="*", type=Path)
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--runner", default="local")
    parser.add_argument("--address")
    parser.add_argument("--parquet-url")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    from flows.settings import Settings, configure_prefect

    configure_prefect()
    from prefect import flow

    imported = time.perf_counter()
    out: dict[str, object] = {"import_seconds": round(imported - STARTED, 3)}
    if args.what == "trivial":

        @flow(name="baogao-bench-trivial")
        def trivial() -> int:
            return 1

        trivial()
    else:
        from flows.ingest import run_ingest

        overrides: dict[str, object] = {
            "sources": args.sources,
            "warehouse_dir": args.warehouse,
            "workers": args.workers,
            "runner": args.runner,
            "dask_address": args.address,
            "parquet_url": args.parquet_url,
        }
        if args.batch_size:
            overrides["batch_size"] = args.batch_size
        summary = run_ingest(Settings(**overrides))  # type: ignore[arg-type]
        out["summary"] = summary.model_dump(mode="json", exclude={"rejects"})
        out["rejects"] = len(summary.rejects)
    out["flow_call_seconds"] = round(time.perf_counter() - imported, 3)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
