"""transforms/ stays pure: importing it pulls in neither Prefect nor DuckDB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_transforms_import_neither_prefect_nor_duckdb() -> None:
    modules = sorted(p.stem for p in (REPO / "transforms").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module('transforms.' + m)\n"
        "layers = ('prefect', 'duckdb', 'flows', 'sources', 'store', 'cli', 'report')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in layers)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "", f"transforms imported: {out.stdout.strip()}"
    assert len(modules) >= 8


def test_import_linter_contract_holds() -> None:
    out = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "transforms are pure" in out.stdout
    assert "layers: cli > flows | report > sources | store > transforms KEPT" in out.stdout
