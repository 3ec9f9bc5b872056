"""A post's date, from whatever it states: front matter in the forms real sites use, the file
name, the path, or (from the caller) git's first commit of the file.

Front matter forms: `2026-08-20 22:00:00 -0000`, `2014-09-16`, `2013-08-19 00:33`,
`2014-09-16T10:00:00Z`, `08-19-2026` / `19.08.2026` (month-first unless the first number is
over 12, or as `archive.date_format` says), `August 19, 2026`, `19 Aug 2026`,
`Wed, 19 Aug 2026 10:00:00 +0000`, a month alone (`2019-10`, `October 2019`: its first day);
YAML and TOML dates arrive already typed.
"""
from __future__ import annotations

import re
from datetime import date, datetime

_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])")
_NUMERIC = re.compile(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?![0-9])")
_SLASHED = re.compile(r"\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?![0-9])")
_MONTHS = {m: n for n, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], 1)
    for m in names.split()}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_MONTH_FIRST = re.compile(r"(?i)(?:[a-z]+,?\s+)?" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(?i)(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})")
_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
# a monthly's month alone: "2019-10", "October 2019" (the first of the month)
_YEAR_MONTH = re.compile(r"\s*((?:19|20)\d\d)[-/.](\d{1,2})\s*$")
_MONTH_YEAR = re.compile(r"(?i)\s*" + _MONTH + r",?\s+((?:19|20)\d\d)\s*$")
# in file names and paths
_NAME_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])")
_PATH_YMD = re.compile(r"(?:^|/)((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_PATH_YM = re.compile(r"(?:^|/)((?:19|20)\d{2})/(\d{1,2})/")
_PATH_Y = re.compile(r"(?:^|/)((?:19|20)\d{2})/")
# A number in a title that is part of a date ("Week Ending August 16, 2026", "16 Aug", "8月16日")
DATE_IN_TEXT = re.compile(
    r"(?i)\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
    + r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s*月\s*\d{1,2}\s*日?")


def _make(y, m, d) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def as_date(value, fmt: str = "") -> date | None:
    """The date a front matter value states, or None when it states none that can be read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if fmt:
        for candidate in (text, text.split()[0]):  # "08-19-2026 10:00" with format "%m-%d-%Y"
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                pass
        return None
    if m := _ISO.match(text):
        return _make(m[1], m[2], m[3])
    if m := _SLASHED.match(text):
        return _make(m[1], m[2], m[3])
    if m := _NUMERIC.match(text):
        a, b = int(m[1]), int(m[2])
        return _make(m[3], b, a) if a > 12 else _make(m[3], a, b)
    if m := _MONTH_FIRST.match(text):
        return _make(m[3], _MONTHS[m[1].lower()], m[2])
    if m := _DAY_FIRST.match(text):
        return _make(m[3], _MONTHS[m[2].lower()], m[1])
    if m := _CHINESE.match(text):
        return _make(m[1], m[2], m[3])
    if m := _YEAR_MONTH.match(text):
        return _make(m[1], m[2], 1)
    if m := _MONTH_YEAR.match(text):
        return _make(m[2], _MONTHS[m[1].lower()], 1)
    return None


def from_name(name: str) -> date | None:
    """`2014-09-16-slug.md` and other names carrying an ISO date."""
    m = _NAME_DATE.search(name)
    return _make(m[1], m[2], m[3]) if m else None


def from_path(path: str) -> tuple[date, str] | None:
    """A date from the folders (`2019/08/16/`, `2019/08/`, `2019/`), and how precise it is
    ("day", "month" or "year": a year alone is January 1st, for sorting)."""
    folders = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    if m := _PATH_YMD.search(folders):
        d = _make(m[1], m[2], m[3])
        if d:
            return d, "day"
    if m := _PATH_YM.search(folders):
        d = _make(m[1], m[2], 1)
        if d:
            return d, "month"
    if m := _PATH_Y.search(folders):
        return date(int(m[1]), 1, 1), "year"
    return None
