"""Patterns tried only on a line that could hold a match.

Most chat lines hold no time word, yet a line was searched with some twenty patterns, each a long
alternation: microseconds apiece. Every match of a pattern contains one of a few strings (a
literal run of one of its alternatives, or a digit), read here from the pattern itself by the
`re` module's own parser, so a substring test of those cues can skip a search but never a match.
A pattern whose cues cannot be read (case-insensitive, or an alternative made only of classes such
as `\\w`) is always searched.
"""
from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 (the constants of the re module's own parser)
from re import _parser

DIGIT = "\\d"  # a cue: any character `\d` matches (a Unicode digit, not only 0-9)
_DIGIT = re.compile(r"\d")
_SMALL_CLASS = 12  # a character class of at most this many characters is that many cues


def _weight(cue: str) -> float:
    """How rare a cue is in a line, roughly: a Chinese character as three letters, a digit a bit less."""
    return 2.5 if cue == DIGIT else sum(1 if ch.isascii() else 3 for ch in cue)


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    """Of the cue sets a sequence's parts need (any one of them holds), the most telling one."""
    return max(options, key=lambda cs: (min(map(_weight, cs)), -len(cs)), default=None)


def _of_class(items) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < _SMALL_CLASS:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            out.add(DIGIT)
        else:  # a negation, another category, a wide range: any character, as good as
            return None
    return frozenset(out) if 0 < len(out) <= _SMALL_CLASS else None


def _of_sequence(items) -> frozenset[str] | None:
    """Cues of a sequence: the best of its parts' cues, where the literals and small classes
    side by side make one run of strings (`q[1-4]`: q1, q2, q3, q4)."""
    options: list[frozenset[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        if run != {""}:
            options.append(frozenset(run))
        run = {""}

    for op, av in _spliced(items):
        chars = {chr(av)} if op is C.LITERAL else _of_class(av) if op is C.IN else None
        if chars and DIGIT not in chars and len(run) * len(chars) <= _SMALL_CLASS:
            run = {r + c for r in run for c in chars}
            continue
        flush()
        got = chars or _of_item(op, av)
        if got:
            options.append(got)
    flush()
    return _best(options)


def _spliced(items) -> list:
    """A sequence with the parts of its plain groups in line (`q(?P<q>[1-4])` is q and [1-4])."""
    out = []
    for op, av in items:
        if op is C.SUBPATTERN and not av[1] & C.SRE_FLAG_IGNORECASE:
            out.extend(_spliced(av[3]))
        else:
            out.append((op, av))
    return out


def _of_item(op, av) -> frozenset[str] | None:
    if op is C.IN:
        return _of_class(av)
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & C.SRE_FLAG_IGNORECASE else _of_sequence(sub)
    if op is C.ATOMIC_GROUP:
        return _of_sequence(av)
    if op is C.BRANCH:  # a match holds a cue of the alternative it took: the union
        out: set[str] = set()
        for alternative in av[1]:
            got = _of_sequence(alternative)
            if not got:
                return None
            out |= got
        return frozenset(out)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _of_sequence(sub) if low >= 1 else None
    return None  # zero-width (\b, lookarounds), any character, a back-reference: no cue


def cues_of(pattern: re.Pattern) -> frozenset[str] | None:
    """Strings one of which every match of the pattern contains (DIGIT: a digit); None when
    no such set can be read."""
    if not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        cues = _of_sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 (a parser of another Python: then always search)
        return None
    # a cue holding another is implied by it ("april" by "apr")
    return None if cues is None else frozenset(c for c in cues if not any(o != c and o != DIGIT and o in c for o in cues))


class Cued:
    """A compiled pattern whose search runs only on text holding one of its cues."""

    __slots__ = ("pattern", "strings", "digit")

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        cues = cues_of(pattern)
        # (None: always search; the cue strings shortest first, as the cheapest to test)
        self.strings = None if cues is None else tuple(sorted(cues - {DIGIT}, key=len))
        self.digit = cues is not None and DIGIT in cues

    def could(self, text: str) -> bool:
        """Whether the text holds one of the cues (always, when the pattern has none)."""
        if self.strings is None:
            return True
        for s in self.strings:
            if s in text:
                return True
        return self.digit and _DIGIT.search(text) is not None

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text) if self.could(text) else None

    def finditer(self, text: str):
        return self.pattern.finditer(text) if self.could(text) else iter(())

    def sub(self, repl, text: str) -> str:
        return self.pattern.sub(repl, text) if self.could(text) else text


def cued(pattern: str, flags: int = 0) -> Cued:
    """`re.compile(pattern, flags)`, searched only where its cues are."""
    return Cued(re.compile(pattern, flags))


class AnyOf:
    """Whether a line could hold a match of any of several cued patterns, from one set test: a
    cue's first character must be in the line. (Chinese lines mostly pass or fail it on their
    own characters; English ones nearly always hold some cue's first letter.)"""

    __slots__ = ("chars", "digit")

    def __init__(self, patterns) -> None:
        patterns = list(patterns)
        if any(p.strings is None for p in patterns):
            self.chars = None
        else:
            self.chars = frozenset(s[0] for p in patterns for s in p.strings)
        self.digit = any(p.digit for p in patterns)

    def could(self, text: str) -> bool:
        if self.chars is None or not self.chars.isdisjoint(text):
            return True
        return self.digit and _DIGIT.search(text) is not None
