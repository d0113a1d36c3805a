"""Numerals as documents print them: Chinese (一 … 九十九, 一百三十九), Arabic and circled (①)."""
from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
SPELLED_DIGITS = "〇一二三四五六七八九"


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


def parse_ordinal(text: str) -> int:
    """Value of a printed number in any of the three notations; raises ValueError for anything else."""
    if text.isascii() and text.isdigit():
        return int(text)
    if len(text) == 1 and text in CIRCLED:
        return CIRCLED.index(text) + 1
    return parse_chinese_number(text)


def chinese_number(value: int) -> str:
    """The Chinese numeral for 1 … 999, as headings print it (十二, 一百零五)."""
    if not 0 < value < 1000:
        raise ValueError(f"no Chinese numeral for {value}")
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    spelled = f"{SPELLED_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        spelled += "十" if tens == 1 and not hundreds else f"{SPELLED_DIGITS[tens]}十"
    elif hundreds and ones:
        spelled += "零"
    return spelled + (SPELLED_DIGITS[ones] if ones else "")


def spell_like(value: int, sample: str) -> str:
    """Value printed in the notation of sample, so a message can say what number was expected."""
    if sample.isascii() and sample.isdigit():
        return str(value)
    if sample in CIRCLED:
        return CIRCLED[value - 1] if 0 < value <= len(CIRCLED) else str(value)
    return chinese_number(value)
