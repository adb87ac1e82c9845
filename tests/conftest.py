"""Fixtures shared by every test: real seed reports, and a real Prefect test server per session."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CPPCC = sorted((SEEDS / "reports" / "cppcc").glob("*.txt"))
NATIONAL = SEEDS / "reports" / "national" / "government_work_reports.jsonl.gz"


@pytest.fixture(scope="session")
def national_rows() -> list[dict[str, object]]:
    """The 72 rows of the national corpus (title, url, content, year)."""
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A real, temporary Prefect server for the whole session (its state in a temp folder)."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from flows.settings import configure_prefect

    configure_prefect()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the Prefect server runs real flows (tens of seconds each on a small
    machine): it is slow, so `pytest -m "not slow"` leaves it to the full suite."""
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
