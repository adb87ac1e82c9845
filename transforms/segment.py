"""Word segmentation, configured in one place: one tokenizer per process, built from values.

Every document is segmented ONCE (`segment_text`); `terms`, `keywords`, entities and themes reuse
the tokens. Two implementations of the same segmentation live here:

- rjieba (the jieba-rs binding) does the work: ~15x faster than jieba's posseg and it releases
  the GIL. It has no `load_userdict`, so the user dictionary is added word by word.
- jieba (`jieba.Tokenizer` + `jieba.posseg.POSTokenizer`, never the global `jieba.dt`) is the
  reference: tests/transforms/test_segment.py shows on the corpus that both give the same
  (word, tag) pairs, after the two normalizations in `_normalized_tag`.

The user dictionary arrives as text (flows/seeds.py reads seeds/dict/userdict.txt) and is
validated here, because jieba silently ignores some entries (see `parse_user_dictionary`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

import rjieba

# HMM off. With HMM on, jieba's posseg is 10x slower than plain cutting (its POS-HMM runs on every
# span of unknown characters), and rjieba's HMM tags differ from jieba's in 19 % of sentences, so
# there would be no reference to check against. With HMM off, segmentation is purely
# dictionary-driven and reproducible: a word we rely on goes into seeds/dict/userdict.txt, and
# names the dictionary does not know are found by the rules in transforms/entities.py.
HMM = False

# The characters jieba's posseg keeps together in one block before it consults the dictionary
# (jieba.posseg.re_han_internal). A user word with any other character (·, -, %, a space,
# Chinese punctuation ...) is never produced: jieba ignores it without a word (fxsjy/jieba#749),
# and rjieba, whose blocks are wider, would produce it — so the two would disagree.
_BLOCK_CHARS = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._]+")
# jieba's own user-dictionary line format: word, optional frequency, optional lower-case tag.
_LINE = re.compile(r"^(?P<word>.+?)(?: (?P<freq>[0-9]+))?(?: (?P<tag>[a-z]+))?$")
_DIGITS = re.compile(r"[0-9]+")
_LATIN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class UserWord:
    """One user-dictionary entry: the word, an optional frequency and an optional POS tag."""

    word: str
    freq: int | None = None
    tag: str | None = None


@dataclass(frozen=True)
class DictionaryProblem:
    """A line of the user dictionary that was changed or dropped, and why (for a person)."""

    line_no: int
    line: str
    reason: str  # bom, crlf, unsegmentable, duplicate, malformed
    message: str


@dataclass(frozen=True)
class UserDictionary:
    """A validated user dictionary: the entries to add and what was wrong with the file."""

    words: tuple[UserWord, ...]
    problems: tuple[DictionaryProblem, ...] = ()

    @property
    def rejected(self) -> tuple[DictionaryProblem, ...]:
        """Entries left out (a BOM or CRLF is repaired, not rejected)."""
        return tuple(p for p in self.problems if p.reason not in ("bom", "crlf"))


class Segmentation(NamedTuple):
    """The tokens of one text as parallel sequences: token i is `words[i]`, tagged `tags[i]`, and
    `text[starts[i]:starts[i + 1]] == words[i]` (`starts` has one more entry: `len(text)`).
    Parallel lists rather than one object per token: this is the hot path of the pipeline."""

    words: tuple[str, ...]
    tags: list[str]
    starts: list[int]


def parse_user_dictionary(text: str) -> UserDictionary:
    """The entries of a jieba user dictionary (`word [freq] [tag]` per line; `#` starts a comment).

    Repaired and reported: a byte-order mark (jieba keeps it in the first word when the file is
    read as text, so that word never matches) and CRLF line ends. Rejected and reported: entries
    with characters jieba cuts apart before looking at the dictionary, malformed lines and
    duplicates (the first entry wins)."""
    problems: list[DictionaryProblem] = []
    if text.startswith("\ufeff"):
        problems.append(DictionaryProblem(1, "", "bom", "byte-order mark at the start of the file: removed"))
        text = text[1:]
    if "\r" in text:
        problems.append(DictionaryProblem(0, "", "crlf", "CR or CRLF line ends: read as LF"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    words: list[UserWord] = []
    seen: set[str] = set()
    for line_no, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "\ufeff" in line:
            problems.append(DictionaryProblem(line_no, line, "bom", "byte-order mark inside a line: removed"))
            line = line.replace("\ufeff", "")
        m = _LINE.match(line)
        if m is None:  # pragma: no cover - `.+?` matches any non-empty line
            problems.append(DictionaryProblem(line_no, line, "malformed", "not `word [freq] [tag]`"))
            continue
        word, freq, tag = m.group("word"), m.group("freq"), m.group("tag")
        if not _BLOCK_CHARS.fullmatch(word):
            bad = "".join(sorted({c for c in word if not _BLOCK_CHARS.fullmatch(c)}))
            problems.append(
                DictionaryProblem(
                    line_no,
                    line,
                    "unsegmentable",
                    f"jieba splits text at {bad!r} before using the dictionary, so this entry would never match",
                )
            )
            continue
        if word in seen:
            problems.append(DictionaryProblem(line_no, line, "duplicate", f"{word} is listed earlier: ignored"))
            continue
        seen.add(word)
        words.append(UserWord(word, int(freq) if freq else None, tag))
    return UserDictionary(tuple(words), tuple(problems))


def user_words_key(words: tuple[UserWord, ...]) -> str:
    """A content hash of the user dictionary: the cache key of the tokenizers built from it."""
    h = hashlib.sha256()
    for w in words:
        h.update(f"{w.word}\x1f{w.freq}\x1f{w.tag}\n".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class _Built:
    tokenizer: Any  # rjieba.Jieba
    tags: dict[str, str]  # user-dictionary tags, which win over the main dictionary's


# One tokenizer per process and dictionary. Resources is pickled to worker processes; what they
# receive is the word list, and each worker builds its tokenizer here the first time it needs it.
_TOKENIZERS: dict[str, _Built] = {}
_REFERENCE: dict[str, Any] = {}


def _built(words: tuple[UserWord, ...]) -> _Built:
    key = user_words_key(words)
    built = _TOKENIZERS.get(key)
    if built is None:
        tokenizer = rjieba.Jieba()
        for w in words:
            tokenizer.add_word(w.word, w.freq, w.tag)
        built = _Built(tokenizer, {w.word: w.tag for w in words if w.tag})
        _TOKENIZERS[key] = built
    return built


def _segmentation(pairs: list[tuple[str, str]], user_tags: dict[str, str]) -> Segmentation:
    if not pairs:
        return Segmentation((), [], [0])
    words = tuple(w for w, _ in pairs)
    # A user-dictionary tag wins: rjieba keeps the main dictionary's tag for a word both list.
    tags = [user_tags.get(w, t) for w, t in pairs] if user_tags else [t for _, t in pairs]
    return Segmentation(words, tags, list(accumulate(map(len, words), initial=0)))


def segment_text(text: str, words: tuple[UserWord, ...]) -> Segmentation:
    """Every token of `text` with its POS tag and offsets (whitespace and punctuation included, so
    the tokens concatenate back to `text`)."""
    built = _built(words)
    return _segmentation(built.tokenizer.tag(text, HMM), built.tags)


def search_words(word: str, words: tuple[UserWord, ...]) -> list[str]:
    """The shorter dictionary words inside `word` and the word itself, as jieba's search-engine
    mode cuts it (社情民意信息 → 民意, 社情民意, 信息), from the same configured tokenizer."""
    return list(_built(words).tokenizer.cut_for_search(word, HMM))


def reference_tokenizer(words: tuple[UserWord, ...]) -> Any:
    """jieba's posseg on an explicitly built `jieba.Tokenizer` with the same user words: the
    reference `segment_text` is checked against. Built once per process and dictionary."""
    key = user_words_key(words)
    pos_tokenizer = _REFERENCE.get(key)
    if pos_tokenizer is None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        # Tokenizer() takes jieba's own dict.txt (an absolute path inside the package) and caches
        # the prefix dictionary in the temp directory.
        tokenizer = jieba.Tokenizer()
        for w in words:
            tokenizer.add_word(w.word, w.freq, w.tag)
        pos_tokenizer = jieba.posseg.POSTokenizer(tokenizer)
        _REFERENCE[key] = pos_tokenizer
    return pos_tokenizer


def reference_segment_text(text: str, words: tuple[UserWord, ...]) -> Segmentation:
    """`segment_text` computed with jieba itself (slow: for tests and comparisons). The one
    difference in tags is normalized: jieba tags a run of ASCII digits `eng`, rjieba `m`."""
    pairs = [
        (p.word, "m" if p.flag == "eng" and _DIGITS.fullmatch(p.word) else p.flag)
        for p in reference_tokenizer(words).lcut(text, HMM=HMM)
    ]
    return _segmentation(pairs, {w.word: w.tag for w in words if w.tag})


def is_latin(word: str) -> bool:
    """True for a Latin-letter token such as GDP or U (digits allowed, at least one letter)."""
    return _LATIN.fullmatch(word) is not None
