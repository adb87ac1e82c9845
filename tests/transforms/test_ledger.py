"""Outcomes of inputs against what the warehouse holds."""

from __future__ import annotations

from transforms.ledger import LedgerState, Mapping, advance, build_state, classify, in_force, is_unchanged


def state() -> LedgerState:
    return build_state(
        [
            ("r1", "file:///a.txt", "loaded", "doc-a1", None, "sha-a1"),
            ("r1", "file:///b.txt", "loaded", "doc-b", None, "sha-b"),
            ("r2", "file:///a.txt", "loaded", "doc-a2", None, "sha-a2"),
            ("r2", "file:///c.txt", "duplicate", "doc-b", "doc-b", "sha-c"),
            ("r2", "file:///d.txt", "rejected", None, None, "sha-d"),
        ],
        ["doc-a1", "doc-a2", "doc-b"],
    )


def test_later_runs_win_and_rejects_map_nothing() -> None:
    s = state()
    assert s.mappings == {
        "file:///a.txt": Mapping("sha-a2", "doc-a2"),
        "file:///b.txt": Mapping("sha-b", "doc-b"),
        "file:///c.txt": Mapping("sha-c", "doc-b"),
    }
    assert in_force(s) == {"doc-a2", "doc-b"}


def test_same_bytes_are_unchanged_only_under_the_current_transform_version() -> None:
    s = state()
    assert is_unchanged(s, "file:///a.txt", "sha-a2") == "doc-a2"
    assert is_unchanged(s, "file:///a.txt", "sha-a1") is None
    s.current_docs.discard("doc-a2")
    assert is_unchanged(s, "file:///a.txt", "sha-a2") is None


def test_an_edited_file_is_loaded_as_a_change_replacing_its_old_document() -> None:
    outcome, reason, message = classify(state(), "file:///a.txt", "doc-a3", set())
    assert (outcome, reason) == ("loaded", "changed")
    assert "doc-a2" in message


def test_the_same_text_under_another_name_is_a_duplicate() -> None:
    assert classify(state(), "file:///e.txt", "doc-b", set())[:2] == ("duplicate", "same_content")
    assert classify(state(), "file:///e.txt", "doc-new", {"doc-new"})[:2] == ("duplicate", "same_content")


def test_a_file_put_back_to_an_earlier_version_is_that_version_restored_not_a_duplicate() -> None:
    # a.txt was doc-a1, then doc-a2; its old text again is doc-a1, which no input maps to now.
    outcome, reason, message = classify(state(), "file:///a.txt", "doc-a1", set())
    assert (outcome, reason) == ("loaded", "restored")
    assert "doc-a1" in message and "replaces document doc-a2" in message
    # The same text loaded in this run by another input, or in force through one, is a duplicate.
    assert classify(state(), "file:///a.txt", "doc-a1", {"doc-a1"})[:2] == ("duplicate", "same_content")
    assert classify(state(), "file:///a.txt", "doc-b", set())[:2] == ("duplicate", "same_content")


def test_a_new_file_is_new() -> None:
    assert classify(state(), "file:///e.txt", "doc-e", set())[:2] == ("loaded", "new")


def test_advancing_run_by_run_gives_the_state_of_the_whole_ledger() -> None:
    rows = [
        ("r1", "file:///a.txt", "loaded", "doc-a1", None, "sha-a1"),
        ("r1", "file:///b.txt", "loaded", "doc-b", None, "sha-b"),
        ("r2", "file:///a.txt", "loaded", "doc-a2", None, "sha-a2"),
        ("r2", "file:///c.txt", "duplicate", "doc-b", "doc-b", "sha-c"),
        ("r3", "file:///b.txt", "unchanged", "doc-b", None, "sha-b"),
        ("r3", "file:///d.txt", "rejected", None, None, "sha-d"),
    ]
    whole = build_state(rows, [])
    step = LedgerState()
    for run in ("r1", "r2", "r3"):
        step = advance(step, [r for r in rows if r[0] == run], {"r2", "r3"})
    assert step.mappings == whole.mappings
    first = advance(LedgerState(), rows[:2], set())
    kept = dict(first.mappings)
    advance(first, rows[2:], set())
    assert first.mappings == kept  # the older state is left as it was
    # Documents loaded by a run of the current version are current; r1's are from an older one.
    assert step.current_docs == {"doc-a2"}
