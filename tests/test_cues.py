"""bot.cues: the strings every match of a pattern holds, read from the pattern, so that a line
without them is never searched and no match is ever skipped."""
import random
import re

import pytest

from bot import time_words
from bot.cues import DIGIT, Cued, cued, cues_of


@pytest.mark.parametrize("pattern, cues", [
    (r"summit", {"summit"}),
    (r"\bsince\s+\d+", {"since"}),  # the longest run, over a digit
    (r"(?:q(?P<q>[1-4])|h(?P<h>[12]))", {"q1", "q2", "q3", "q4", "h1", "h2"}),  # a group's literals in line
    (r"last\s+(?:week|month)|上个?月", {"last", "上"}),  # each alternative's best; 上个月 holds 上月's 上
    (r"(?:19|20)\d{2}\s*年", {"年"}),  # a Chinese character before a digit
    (r"\d+(?:st|nd)", {DIGIT}),
    (r"jan(?:uary)?|april|apr", {"jan", "apr"}),  # april holds apr: one test says both
])
def test_cues_read_from_the_pattern(pattern, cues):
    assert cues_of(re.compile(pattern)) == cues


@pytest.mark.parametrize("pattern", [
    r"(?:since)?\s*\w+",  # nothing every match holds
    r"since|\w+",  # one alternative without a cue: the pattern has none
    r"(?i)summit",  # a case-insensitive literal is many strings
    r"[^a]bc?",  # b alone is a cue: not this one
])
def test_no_cues_means_always_searched(pattern):
    got = cues_of(re.compile(pattern))
    if pattern == r"[^a]bc?":
        assert got == {"b"}
        return
    assert got is None
    assert Cued(re.compile(pattern)).could("")


def test_a_unicode_digit_is_a_digit():
    p = cued(r"issue\s*\d+|#\d+")
    assert p.search("#٣") is not None  # \d matches an Arabic-Indic three: so does the cue
    assert p.search("no number here") is None


def _patterns():
    for name in dir(time_words):
        value = getattr(time_words, name)
        if isinstance(value, Cued):
            yield name, value
    for i, (value, _) in enumerate(time_words._NTH):
        yield f"_NTH[{i}]", value
    for i, (value, _) in enumerate(time_words._CALENDAR):
        yield f"_CALENDAR[{i}]", value


def test_every_time_pattern_has_cues():
    """The common line (no time word) is searched by none of them: each pattern has cues, and
    take_scope's test of them all (`_ANY_CUE`) sees every pattern (none is a plain re.Pattern)."""
    assert [name for name, p in _patterns() if p.strings is None] == []
    assert [name for name, v in vars(time_words).items() if isinstance(v, re.Pattern)] == []
    assert time_words._ANY_CUE.chars is not None


@pytest.mark.parametrize("line, could", [
    ("有没有关于热迁移的文章", False),  # no first character of any cue: no pattern is tried
    ("上期有没有关于热迁移的文章", True),
    ("热迁移２０１４", True),  # (not normalised: a full-width digit is a digit)
    ("any news about live migration?", True),  # English holds some cue's first letter
])
def test_any_of_the_time_patterns(line, could):
    assert time_words._ANY_CUE.could(line) is could
    if not could:
        assert time_words.take_scope(line) == (time_words.Scope(), line)


@pytest.mark.parametrize("name, pattern", list(_patterns()), ids=lambda x: x if isinstance(x, str) else "")
def test_no_match_is_skipped(name, pattern):
    """Lines made of the pattern's own pieces (its cues, time words, digits, Chinese numerals,
    spaces): wherever the plain pattern matches, the cued one does, the same match."""
    rnd = random.Random(name)
    pieces = [*(pattern.strings or ()), "issue", "issues", "since", "last", "june", "2014", "19", "7", "ago",
              "weeks", "months", "before", "and", "juno", "cycle", "from", "august", "to", "期", "第", "年", "月",
              "十九", "上", "以来", "之前", "到", "-", "#", "q3", "one", "two",
              "june 2014 to august 2015", "issues 24-26", "7月到8月", "去年九月", "14年9月", "倒数第三期", "上上上期",
              "third-to-last issue", "10-12月", "https://example.org/2014/08/x", "issues 15 and 19", "第24期和第26期",
              "上期和上上期"]
    matched = 0
    for _ in range(4000):
        line = "".join(rnd.choice(pieces) + rnd.choice(("", " ", " ")) for _ in range(rnd.randint(1, 6)))
        plain = pattern.pattern.search(line)
        got = pattern.search(line)
        assert (plain and plain.span()) == (got and got.span()), line
        matched += plain is not None
    assert matched > 0  # the lines did reach the pattern
