"""The decoding policy: strict UTF-8 first, scored GB18030/Big5, never mojibake."""

from __future__ import annotations

import codecs

import pytest

from transforms.decode import DecodeError, decode_bytes

SENTENCE = "一年来，市政协坚持以习近平新时代中国特色社会主义思想为指导，累计开展重大协商议政活动32项、提交提案266件。"
TRADITIONAL = (
    "一年來，市政協堅持以習近平新時代中國特色社會主義思想為指導，累計開展重大協商議政活動32項、提交提案266件。"
)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (SENTENCE.encode("utf-8"), SENTENCE, "utf-8"),
        (codecs.BOM_UTF8 + SENTENCE.encode("utf-8"), SENTENCE, "utf-8-sig"),
        (SENTENCE.encode("gb18030"), SENTENCE, "gb18030"),
        (SENTENCE.encode("gbk"), SENTENCE, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le"), SENTENCE, "utf-16"),
        (codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"), SENTENCE, "utf-16"),
        ("𠀀𪚥鿰 政协工作报告".encode("gb18030"), "𠀀𪚥鿰 政协工作报告", "gb18030"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "big5", "utf16le-bom", "utf16be-bom", "gb18030-beyond-gbk"],
)
def test_report_text_decodes_in_every_supported_encoding(data: bytes, text: str, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_utf8_is_tried_before_gbk_so_short_text_is_not_mojibake() -> None:
    assert decode_bytes("数据".encode()).text == "数据"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        (b"PK\x03\x04" + b"\x00" * 40, "binary"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "binary"),
        (b"abc\x00\x01\x02\x00\xff\xfe\x00\x00\x00\x00\x00\x00def" * 10, "binary"),
        (b"\x00" * 4096, "binary"),
        (b"\x00\x00\n\x00 ", "binary"),
    ],
    ids=["empty", "whitespace", "png", "zip", "elf", "nul-bytes", "only-nuls", "nuls-and-whitespace"],
)
def test_non_text_is_refused_with_a_reason(data: bytes, code: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.code == code
