"""Issue numbers as written in titles: "19", "１９", "十九", "一百零八", "两百", "二〇一四"."""
from __future__ import annotations

_DIGITS = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_SECTIONS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
_ZEROS = frozenset("零〇○")


def parse_number(text: str) -> int | None:
    """The value of a number written in digits or Chinese numerals; None if it is not one.

    Digits may be ASCII or full-width. Chinese numerals follow the usual rules: a leading unit
    implies one ("十九" = 19, "百" = 100), 零 marks a gap ("一千零一" = 1001), and a run of bare
    digits without units reads digit by digit ("二〇一四" = 2014).
    """
    if not isinstance(text, str):
        return None
    s = text.strip()
    if not s:
        return None
    if s.isdigit():  # ASCII, full-width and other Unicode decimal digits
        try:
            return int(s)
        except ValueError:  # superscripts and the like: isdigit() but not decimal
            return None
    if any(c not in _DIGITS and c not in _UNITS and c not in _SECTIONS for c in s):
        return None
    if not any(c in _UNITS or c in _SECTIONS for c in s):
        if len(s) == 1:
            return _DIGITS[s]
        return int("".join(str(_DIGITS[c]) for c in s))  # "二〇一四"
    return _parse_positional(s)


def _parse_positional(s: str) -> int | None:
    total = 0  # finished sections (above 万/亿)
    section = 0  # the current section below 万
    digit: int | None = None  # a digit waiting for its unit
    last_unit = 10_000  # units inside a section must decrease: 千 > 百 > 十
    last_section = 10**12
    for c in s:
        if c in _DIGITS:
            if digit is not None and digit != 0 and c not in _ZEROS:
                return None  # two digits in a row: "十二三"
            digit = _DIGITS[c]
        elif c in _UNITS:
            unit = _UNITS[c]
            if unit >= last_unit or digit == 0:
                return None  # "十十", "百千", "零十"
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            mult = _SECTIONS[c]
            if mult >= last_section:
                return None
            section += digit or 0
            if section == 0:
                return None  # "万" on its own or "零万"
            total += section * mult
            section, digit = 0, None
            last_unit = 10_000
            last_section = mult
    section += digit or 0
    return total + section


_NUMERALS = "零一二三四五六七八九"


def format_number(n: int) -> str:
    """The Chinese numeral an issue title uses: 19 -> 十九, 108 -> 一百零八, 10000 -> 一万.
    The inverse of parse_number for 0 <= n < 100,000,000."""
    if not 0 <= n < 100_000_000:
        raise ValueError(n)
    if n == 0:
        return _NUMERALS[0]
    out, pending_zero = "", False
    for value, unit in ((10_000_000, "千"), (1_000_000, "百"), (100_000, "十"), (10_000, "万"),
                        (1_000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if pending_zero:
                out += "零"
            # 十九, not 一十九, when 十 leads the number
            out += ("" if unit == "十" and d == 1 and not out else _NUMERALS[d]) + unit
            pending_zero = False
        elif out:
            pending_zero = value > 1 and not (value == 10_000 and out)
        if value == 10_000 and out and not out.endswith("万"):
            out += "万"
            pending_zero = False
    return out


# English number words, as people type an issue's number: "issue nineteen", "twenty-four",
# "the nineteenth issue", "one hundred and eight".
_EN_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen").split()
_EN_ONES_TH = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
               "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_TENS_TH = "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
EN_WORDS = {w: n for n, w in enumerate(_EN_ONES)} | {w: n for n, w in enumerate(_EN_ONES_TH)}
EN_WORDS |= {w: 20 + 10 * n for n, w in enumerate(_EN_TENS)} | {w: 20 + 10 * n for n, w in enumerate(_EN_TENS_TH)}
_EN_UNITS = "|".join(sorted((w for w in EN_WORDS if EN_WORDS[w] < 20), key=len, reverse=True))
_EN_TENS_RE = "|".join(sorted((w for w in EN_WORDS if EN_WORDS[w] >= 20), key=len, reverse=True))
_EN_BELOW_100 = rf"(?:(?:{_EN_TENS_RE})(?:[- ](?:{_EN_UNITS}))?|(?:{_EN_UNITS}))"
# A regular expression (no groups) for 1..999 in words; whole words only where it is used.
EN_NUMBER = rf"(?:(?:(?:a|one|two|three|four|five|six|seven|eight|nine)[- ]hundred(?:th)?(?:(?:\s+and)?[- ]{_EN_BELOW_100})?)|{_EN_BELOW_100})"


def parse_english_number(text: str) -> int | None:
    """The value of a number (cardinal or ordinal, 0..999) written in English words; None if it is not one."""
    words = text.casefold().replace("-", " ").split()
    if not words:
        return None
    total = 0
    if "hundred" in words or "hundredth" in words:
        k = words.index("hundred") if "hundred" in words else words.index("hundredth")
        if k != 1 or words[0] not in ("a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"):
            return None
        total = 100 * (1 if words[0] == "a" else EN_WORDS[words[0]])
        words = [w for w in words[2:] if w != "and"]
        if not words:
            return total
    if len(words) == 1 and words[0] in EN_WORDS:
        return total + EN_WORDS[words[0]]
    if len(words) == 2 and words[0] in _EN_TENS and words[1] in EN_WORDS and 0 < EN_WORDS[words[1]] < 10:
        return total + EN_WORDS[words[0]] + EN_WORDS[words[1]]
    return None
