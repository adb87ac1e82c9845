"""Numerals as written in Chinese reports to exact values: Arabic (1,234.5 / １２３ / 8 ．8),
Chinese (一千五百 / 两万三千 / 七点五), and the multipliers that follow them (1.4万, 134.9万亿).

Everything is exact: integers and Decimal, never float, so 1.57 stays 1.57 (cn2an #26 printed
1.5699999999999998). A numeral that is not well formed raises ValueError instead of guessing:
十七十八 is two numbers run together (cn2an #24 read it as 88), 一百二 is colloquial shorthand,
二〇二五 is a digit string (a year), not a quantity.
"""

from __future__ import annotations

from decimal import Decimal

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10**4, "亿": 10**8}

# Multipliers written after a number: 1.4万 → 14000. Longest first so 万亿 wins over 万.
MULTIPLIERS: dict[str, int] = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "十亿": 10**9,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "万": 10**4,
    "千": 10**3,
}

# Full-width digits and punctuation that NFKC would fold; kept here so parsing does not depend on
# whether cleaning folded them already.
_ASCII = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def normalize_arabic(text: str) -> str:
    """ASCII digits, no thousands separators, no stray spaces: '1 2,345．6' → '12345.6'."""
    return text.translate(_ASCII).replace(",", "").replace(" ", "")


def parse_arabic(text: str) -> Decimal:
    """An Arabic numeral as written (full-width digits, thousands commas and the spaced digits of
    some scans allowed) to its exact value."""
    s = normalize_arabic(text)
    if not s or s.count(".") > 1 or s.startswith(".") or s.endswith("."):
        raise ValueError(f"not an Arabic numeral: {text!r}")
    if not s.replace(".", "").isascii() or not s.replace(".", "").isdigit():
        raise ValueError(f"not an Arabic numeral: {text!r}")
    return Decimal(s)


def _parse_chinese_integer(text: str) -> int:
    """A positional Chinese integer (一千零五, 两万三千, 三亿五千万, 十五, 百). Strict: units must
    fall within a section (千 > 百 > 十), a digit needs a unit after it unless it is the last
    digit after 十 or after 零, and a 万/亿 block cannot be empty."""
    if not text:
        raise ValueError("empty numeral")
    if len(text) == 1 and text in CN_DIGITS:
        return CN_DIGITS[text]
    high = 0  # everything up to the last 亿
    mid: int | None = None  # the 万 block since the last 亿
    section = 0  # below 万
    digit: int | None = None  # a digit waiting for its unit
    last_small: int | None = None  # the last 十/百/千 in this section
    after_zero = False
    seen_yi = False
    for i, ch in enumerate(text):
        if ch in CN_DIGITS:
            d = CN_DIGITS[ch]
            if digit is not None:
                raise ValueError(f"two digits in a row in {text!r}")
            if d == 0:
                after_zero = True
                continue
            digit = d
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if last_small is not None and unit >= last_small:
                raise ValueError(f"{ch} out of order in {text!r}")
            if digit is None:
                # 十五 / 百余: a unit without a digit means one of it, only at the very start
                if i != 0:
                    raise ValueError(f"{ch} without a digit in {text!r}")
                digit = 1
            section += digit * unit
            digit = None
            last_small = unit
            after_zero = False
        elif ch == "万":
            block = section + (digit or 0)
            if block == 0 or mid is not None:
                raise ValueError(f"misplaced 万 in {text!r}")
            if digit is not None and last_small not in (None, 10) and not after_zero:
                raise ValueError(f"colloquial digit before 万 in {text!r}")
            mid = block
            section, digit, last_small, after_zero = 0, None, None, False
        elif ch == "亿":
            block = (mid or 0) * 10**4 + section + (digit or 0)
            if block == 0 or seen_yi:
                raise ValueError(f"misplaced 亿 in {text!r}")
            if digit is not None and last_small not in (None, 10) and not after_zero:
                raise ValueError(f"colloquial digit before 亿 in {text!r}")
            high = block * 10**8
            seen_yi = True
            mid, section, digit, last_small, after_zero = None, 0, None, None, False
        else:
            raise ValueError(f"not a Chinese numeral character: {ch!r} in {text!r}")
    if digit is not None and last_small not in (None, 10) and not after_zero:
        # 一百二 / 三万五: shorthand for 一百二十 / 三万五千; refuse rather than guess
        raise ValueError(f"colloquial trailing digit in {text!r}")
    if digit is not None and last_small is None and not after_zero and (mid is not None or seen_yi):
        raise ValueError(f"colloquial trailing digit in {text!r}")
    return high + (mid or 0) * 10**4 + section + (digit or 0)


def parse_chinese(text: str) -> Decimal:
    """A Chinese numeral (一千五百, 七点五, 两万, 百) to its exact value; ValueError when it is not
    one well-formed number (十七十八, 一百二, 二〇二五, 两点半)."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        if not frac or any(ch not in CN_DIGITS or ch == "两" for ch in frac):
            raise ValueError(f"bad decimal part in {text!r}")
        digits = "".join(str(CN_DIGITS[ch]) for ch in frac)
        return Decimal(_parse_chinese_integer(whole)) + Decimal(f"0.{digits}")
    return Decimal(_parse_chinese_integer(text))


def is_chinese_numeral(text: str) -> bool:
    return bool(text) and all(
        ch in CN_DIGITS or ch in CN_SMALL_UNITS or ch in CN_BIG_UNITS or ch == "点" for ch in text
    )


def parse_number(text: str) -> Decimal:
    """Arabic or Chinese numeral, optionally followed by a multiplier (1.4万, 3541.07万, 十亿)."""
    if not text:
        raise ValueError("empty number")
    if is_chinese_numeral(text):
        return parse_chinese(text)
    for mult, factor in MULTIPLIERS.items():
        if text.endswith(mult) and len(text) > len(mult):
            return parse_arabic(text[: -len(mult)]) * factor
    return parse_arabic(text)


def split_chinese_multiplier(text: str) -> tuple[str, str]:
    """Split a trailing 万/亿/万亿 off a Chinese numeral when what remains is a number of its own:
    一千五百万 → (一千五百, 万); 三亿五千万 stays whole (its 万 belongs inside the number)."""
    for mult in ("万亿", "亿", "万"):
        if text.endswith(mult) and len(text) > len(mult):
            head = text[: -len(mult)]
            if mult == "万" and "亿" in head:
                return text, ""
            try:
                parse_chinese(head)
            except ValueError:
                return text, ""
            return head, mult
    return text, ""


def format_decimal(value: Decimal) -> str:
    """A Decimal as plain digits without exponent or trailing zeros: 1.50E+7 → 15000000."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
