"""Chinese numerals as used in headings and references: 一 … 九十九, 一百三十九."""
from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)


def parse_chinese_number(text: str) -> int:
    """Value of a Chinese numeral below 1000; raises ValueError for anything else."""
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            # a bare 十 at the start means 一十
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)
