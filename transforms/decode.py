"""Bytes to text: an explicit, tested decoding policy that never stores mojibake.

Order (reliability research §2f, design rule 5):
1. byte-order marks (UTF-8, UTF-16 LE/BE) decide the codec;
2. magic bytes and a control-byte ratio refuse binary files (never decoded as latin-1);
3. strict UTF-8, because UTF-8 read as GBK "succeeds" on short input (数据 → 鏁版嵁);
4. strict GB18030, Big5 and UTF-16 LE/BE (no BOM), each scored for plausibility, best one wins;
   GB18030 is never tried alone first, because Big5 bytes read as GB18030 "succeed" with
   kana and Private Use Area characters;
5. nothing decodes strictly: the codec with the fewest invalid bytes, those replaced with
   U+FFFD, but only while they stay under a small share; above it the input is refused.

The result carries a confidence; below LOW_CONFIDENCE the flows hold the input for review
instead of loading it. NUL characters are removed (and counted). No code path returns lone
surrogates, which pyarrow and DuckDB refuse.
"""

from __future__ import annotations

import codecs
import math
import re
from collections import Counter
from dataclasses import dataclass

# The 500 most common hanzi carry most of any Chinese text; a decoding that yields few of
# them is mojibake (Big5 read as GB18030, UTF-8 read as GBK, GBK read as UTF-16).
_COMMON_SIMPLIFIED = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其"
    "些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建"
    "月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
    "知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
    "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议"
    "声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复"
    "容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标"
    "写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)
# Their Traditional forms (OpenCC s2t), so Big5 text is judged as fairly as GB text.
_COMMON_TRADITIONAL = (
    "並來係個們備傳價兒內兩別則劃動務勞區卻參員問單嚴國圓圖團報場壓學實寫將專對導層屬帶幹幾廠廣張強後從應戰採據數斷於"
    "時書會東條業極構標樣機權歷氣決沒況準溫滿濟無熱爭爲狀現產當發確礦種稱積節約紅級細組結給統經維線縣總織羣義習聯聲聽"
    "與華萬處號衆術裏裝覆見規親觀計記設許話該認說調論證識議變資質車軍較轉辦農這連進運過達適選還邊鐵長門開間關隊階際離"
    "難電響須領頭題類風飛養馬驗體麼點黨龍"
)
_COMMON_HANZI = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)

# Below this confidence an input is held for review (needs_review) rather than loaded.
LOW_CONFIDENCE = 0.5
# Invalid byte sequences tolerated (replaced with U+FFFD) per character of text: a damaged
# character or two in a long report (a cut-off download) loads; a file in a mix of encodings
# does not. At least one is tolerated so a truncated last character does not cost a report.
MAX_REPLACED_SHARE = 0.001
# Control bytes (other than tab, newlines, form feed, escape) in the first 4 KiB above this share
# mean binary, unless the bytes have the shape of UTF-16.
MAX_CONTROL_SHARE = 0.05
# Fewer non-ASCII characters than this make any verdict between legacy encodings uncertain.
_SURE_LENGTH = 24


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float  # 0..1; below LOW_CONFIDENCE the input goes to needs_review
    replaced: int = 0  # invalid byte sequences replaced by U+FFFD
    nuls: int = 0  # NUL characters removed from the text

    @property
    def note(self) -> str | None:
        """What a person should know about this decoding, or None."""
        notes = []
        if self.replaced:
            notes.append(f"{self.replaced} invalid byte sequence(s) shown as U+FFFD (�)")
        if self.nuls:
            notes.append(f"{self.nuls} NUL character(s) removed")
        return "; ".join(notes) or None


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept. `code` is the ledger reason code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_BINARY_MAGIC: dict[bytes, str] = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (or an Office file)",
    b"PK\x05\x06": "an empty ZIP archive",
    b"\x7fELF": "an executable (ELF)",
    b"MZ": "a Windows executable",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"SQLite format 3": "an SQLite database",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Office document (.doc/.xls)",
}
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 11, 12, 13, 27}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _classify(c: str) -> str:
    o = ord(c)
    if o < 128:
        return "bad" if o in _CONTROL_BYTES or o == 127 else "ascii"
    if 0x4E00 <= o <= 0x9FFF:
        return "common" if c in _COMMON_HANZI else "hanzi"
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x2027 or c in "·×÷°±‰℃№":
        return "punct"
    if 0xE000 <= o <= 0xF8FF or o >= 0xF0000 or c == "\ufffd" or 0xD800 <= o <= 0xDFFF or 0x80 <= o < 0xA0:
        return "bad"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "bad"  # Hangul: what legacy Chinese bytes become when read as UTF-16
    if 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3FFFF:
        return "rare"  # extension hanzi: real in names, but mojibake draws them too often
    return "odd"  # kana, Greek, Cyrillic, box drawing, Latin-1 letters: a Chinese report has few


_WEIGHTS = {"common": 1.0, "hanzi": 0.35, "punct": 1.0, "rare": -0.5, "odd": -1.0, "bad": -2.0}


def plausibility(text: str) -> float:
    """How much `text` reads like Chinese prose, 0..1, judged on its non-ASCII characters: common
    hanzi and CJK punctuation count for it; Private Use Area, control, Hangul, kana and other
    scripts count against. Pure ASCII text scores 1 (control characters aside)."""
    kinds: Counter[str] = Counter()
    ascii_bad = 0
    for c, count in Counter(text).items():  # each distinct character classified once
        if c.isspace():
            continue
        kind = _classify(c)
        kinds[kind] += count
        if kind == "bad" and ord(c) < 128:
            ascii_bad += count
    ascii_n = kinds.pop("ascii", 0)
    n = kinds.total()
    if n == 0:
        return 1.0 if ascii_n else 0.0
    if n == ascii_bad:  # only ASCII control characters besides plain ASCII
        return max(0.0, 1.0 - 4 * ascii_bad / (ascii_n + ascii_bad))
    total = sum(_WEIGHTS[kind] * count for kind, count in sorted(kinds.items()))
    # Real prose sits near 0.8-0.95 (a quarter of its hanzi are not in the common set).
    return max(0.0, min(1.0, total / n / 0.85))


def _sample(text: str, size: int = 8000) -> str:
    """Beginning, middle and end of a long text: enough to judge a reading, cheap on 100 MB."""
    if len(text) <= 3 * size:
        return text
    mid = len(text) // 2
    return text[:size] + text[mid : mid + size] + text[-size:]


def _score(text: str) -> float:
    return plausibility(_sample(text))


def _non_ascii(text: str) -> int:
    return sum(1 for c in _sample(text) if ord(c) >= 128 and not c.isspace())


def sniff_binary(data: bytes) -> str | None:
    """Name the kind of binary file `data` is, or None when it may be text."""
    for magic, name in _BINARY_MAGIC.items():
        if data.startswith(magic):
            return name
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    if controls > MAX_CONTROL_SHARE * len(head) and not _plausible_utf16(head):
        return "binary data (control bytes)"
    return None


def _plausible_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark is full of control bytes (the low byte of a hanzi is
    anything); it is text when one of its readings reads like Chinese."""
    head = head[: len(head) - len(head) % 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = head.decode(codec, errors="replace")
        if plausibility(text) >= 0.6:
            return True
    return False


def storable(text: str, what: str = "the text") -> str:
    """`text` unchanged, or DecodeError when it holds lone surrogates (from `surrogateescape`
    or a JSON "\\udXXX" escape), which pyarrow and DuckDB refuse."""
    m = _SURROGATE.search(text)
    if m is not None:
        raise DecodeError(
            "invalid_text",
            f"{what} holds an invalid character (lone surrogate U+{ord(m.group()):04X} at character "
            f"{m.start()}), which cannot be stored; fix the source",
        )
    return text


def _finish(text: str, encoding: str, confidence: float, replaced: int = 0) -> Decoded:
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
    if not text.strip():
        raise DecodeError("empty", "the file is empty (or only whitespace)")
    return Decoded(storable(text), encoding, round(confidence, 3), replaced, nuls)


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes. Raises DecodeError(code, message) when it is not text:
    `empty`, `binary`, `undecodable`."""
    if not data.strip(b" \t\r\n\f\v"):
        raise DecodeError("empty", "the file is empty (or only whitespace)")
    if not data.strip(b" \t\r\n\f\v\x00"):
        # Only NUL bytes (a preallocated or zeroed file): data gone, not a document with no text.
        raise DecodeError("binary", "this holds only NUL bytes (a zeroed or preallocated file), not a text document")
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return _finish(body.decode(codec), name, 1.0)
            except UnicodeDecodeError:
                return _replaced(body, [codec], name)
    kind = sniff_binary(data)
    if kind is not None:
        raise DecodeError("binary", f"this is {kind}, not a text document")
    candidates: list[tuple[float, str, str]] = []
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        score = _score(utf8)
        if score >= 0.5 or _western(utf8):
            return _finish(utf8, "utf-8", 1.0)
        # Valid UTF-8 that reads badly: short GBK can be valid UTF-8 (农业 → ũҵ). A legacy
        # reading must read clearly better to win; otherwise UTF-8 stands (Cyrillic, say).
        legacy = _best_legacy(data)
        if legacy is None or legacy[0] <= score:
            return _finish(utf8, "utf-8", 0.9)
        if legacy[0] < 0.8:  # two readings, neither convincing: a person decides
            return _finish(utf8, "utf-8", min(score, LOW_CONFIDENCE / 2))
        candidates.append((score, "utf-8", utf8))
    candidates += _legacy_readings(data)
    candidates.sort(key=lambda c: -c[0])
    if candidates:
        score, codec, text = candidates[0]
        runner_up = candidates[1][0] if len(candidates) > 1 else 0.0
        confidence = _confidence(score, runner_up, _non_ascii(text))
        if confidence >= LOW_CONFIDENCE:
            return _finish(text, codec, confidence)
    # No convincing strict reading: a few damaged bytes in otherwise good text (a cut-off
    # download) beat a strict reading that is gibberish (UTF-8 cut mid-character read as UTF-16).
    try:
        repaired = _replaced(data, ["utf-8", "gb18030", "big5"], None)
    except DecodeError:
        if not candidates or candidates[0][0] < 0.2:
            raise
        return _finish(text, codec, confidence)
    if candidates and repaired.confidence < confidence:
        return _finish(text, codec, confidence)
    return repaired


_WESTERN = re.compile("[\u00a0-\u017f\u2010-\u2027\u20ac]")


def _western(text: str) -> bool:
    """Mostly ASCII with Latin-1 letters and typographic punctuation: a Western-language text."""
    sample = _sample(text)
    non_ascii = [c for c in sample if ord(c) >= 128 and not c.isspace()]
    return bool(non_ascii) and len(non_ascii) < 0.2 * len(sample) and all(_WESTERN.match(c) for c in non_ascii)


def _legacy_readings(data: bytes) -> list[tuple[float, str, str]]:
    """(plausibility, codec, text) of every strict legacy reading."""
    out = []
    codecs_tried = ["gb18030", "big5"] + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    for codec in codecs_tried:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        out.append((_score(text), codec, text))
    return out


def _best_legacy(data: bytes) -> tuple[float, str, str] | None:
    readings = _legacy_readings(data)
    return max(readings, key=lambda r: r[0]) if readings else None


def _confidence(score: float, runner_up: float, length: int) -> float:
    """The winner's plausibility, lowered when the text is short or a rival reading is close."""
    conf: float = score * min(1.0, math.sqrt(length / _SURE_LENGTH))
    if runner_up > 0.6 * score:
        conf *= 0.6
    return conf


def _replaced(data: bytes, codec_order: list[str], name: str | None) -> Decoded:
    """The reading with the fewest invalid bytes, if they are few enough; else DecodeError."""
    best: tuple[int, float, str, str] | None = None
    for codec in codec_order:
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        cand = (bad, -_score(text), codec, text)
        if best is None or cand[:2] < best[:2]:
            best = cand
    assert best is not None
    bad, neg_score, codec, text = best
    chars = max(1, len(text) - bad)
    allowed = max(1, int(MAX_REPLACED_SHARE * chars))
    if bad > allowed:
        first = _first_error(data, codec)
        raise DecodeError(
            "undecodable",
            f"the bytes are not valid text in any encoding baogao reads (UTF-8, GB18030, Big5, UTF-16): "
            f"even read as {name or codec}, {bad} byte sequences are invalid (the first at byte {first}), "
            f"more than the {allowed} tolerated; the file may be damaged or mix encodings. "
            "Re-save it as UTF-8 and ingest it again",
        )
    confidence = min(0.75, -neg_score * min(1.0, math.sqrt(_non_ascii(text) / _SURE_LENGTH)))
    return _finish(text, name or codec, confidence, replaced=bad)


def _first_error(data: bytes, codec: str) -> int:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start
    return 0
