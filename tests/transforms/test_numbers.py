"""Chinese and Arabic numerals to exact values (transforms/numbers.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.numbers import (
    format_decimal,
    parse_arabic,
    parse_chinese,
    parse_number,
    split_chinese_multiplier,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十", 10),
        ("十五", 15),
        ("二十五", 25),
        ("一百二十", 120),
        ("一千零五", 1005),
        ("一千五百", 1500),
        ("两万三千", 23000),
        ("二十万", 200000),
        ("一千五百万", 15000000),
        ("三亿五千万", 350000000),
        ("四亿零七百万", 407000000),
        ("一万亿", 10**12),
        ("一万零三千", 13000),
        ("三万零五", 30005),
        ("九十九万九千九百九十九", 999999),
        ("百", 100),
        ("两", 2),
        ("零", 0),
    ],
)
def test_chinese_integers_parse_to_their_exact_value(text: str, expected: int) -> None:
    assert parse_chinese(text) == Decimal(expected)


def test_chinese_decimals_keep_every_digit() -> None:
    assert parse_chinese("七点五") == Decimal("7.5")
    assert parse_chinese("十二点八") == Decimal("12.8")
    assert parse_chinese("零点零五") == Decimal("0.05")


@pytest.mark.parametrize(
    "text",
    [
        "十七十八",  # cn2an #24 read it as 88: two numbers run together
        "一百二",  # colloquial for 120; refuse rather than guess
        "三万五",
        "二〇二五",  # a digit string (a year), not a quantity
        "万",
        "两点半",  # a time of day (cn2an #87 gave 2点0.5)
        "点五",
        "十百",
    ],
)
def test_malformed_chinese_numerals_raise_instead_of_guessing(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.5", "1234.5"),
        ("１２３", "123"),
        ("8 ．8", "8.8"),  # spaced and full-width, as in the 1998 report
        ("1.57", "1.57"),
        ("0.2", "0.2"),
    ],
)
def test_arabic_numerals_parse_exactly(text: str, expected: str) -> None:
    assert parse_arabic(text) == Decimal(expected)
    assert format_decimal(parse_arabic(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.4万", "14000"),
        ("3541.07万", "35410700"),  # JioNLP #49 mis-summed 3541.07万元2
        ("100000万", "1000000000"),  # JioNLP #151 lost the leading 1
        ("134.9万亿", "134900000000000"),
        ("十亿", "1000000000"),
    ],
)
def test_multipliers_are_applied_exactly(text: str, expected: str) -> None:
    assert format_decimal(parse_number(text)) == expected


def test_a_trailing_multiplier_splits_off_a_chinese_numeral_only_when_the_rest_is_a_number() -> None:
    assert split_chinese_multiplier("一千五百万") == ("一千五百", "万")
    assert split_chinese_multiplier("三亿五千万") == ("三亿五千万", "")
    assert split_chinese_multiplier("二十") == ("二十", "")


@given(st.integers(min_value=0, max_value=99999), st.integers(min_value=0, max_value=9999))
def test_decimal_arabic_numbers_never_pick_up_float_artefacts(whole: int, frac: int) -> None:
    text = f"{whole}.{frac:04d}"
    assert parse_arabic(text) == Decimal(text)
    assert "99999999" not in format_decimal(parse_arabic(text))


_DIGITS = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """A reference writer for 1..99999999 in the standard form (一千零五, 二十万零三)."""

    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = x // size % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += ("" if (unit == "十" and d == 1 and not out and leading) else _DIGITS[d]) + unit
        return out

    high, low = divmod(n, 10000)
    if not high:
        return below_10000(low, True)
    text = below_10000(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low, False)
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_every_standard_chinese_numeral_round_trips(n: int) -> None:
    assert parse_chinese(_to_chinese(n)) == Decimal(n)
