"""The flow's parameters as recorded in Prefect, serialized without importing FastAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder

from flows.ingest import serialized_parameters
from flows.settings import Settings


@pytest.mark.canary
def test_the_parameters_are_those_prefects_own_serializer_gives(tmp_path: Path) -> None:
    settings = Settings(sources=[tmp_path / "a", tmp_path / "b.jsonl"], warehouse_dir=tmp_path / "w", workers=3)
    ours = serialized_parameters({"settings": settings})
    assert ours == jsonable_encoder({"settings": settings})
    assert ours["settings"]["sources"] == [str(tmp_path / "a"), str(tmp_path / "b.jsonl")]


def test_other_parameters_go_to_prefects_serializer() -> None:
    assert serialized_parameters({"settings": None}) == {"settings": None}
