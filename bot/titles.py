"""Issues whose title names a topic: a special issue ("巴黎峰会特辑", "Kubecon recap") is about
what its title says, though its items need not repeat those words.

Only a title's own words count: not the words most titles share (a numbered digest's
"OpenStack社区动态", "This Week in Rust"), nor numbers, dates and month names. Chinese titles are
not segmented: a Chinese term matches a title holding it whose character pairs are its own.
Derived once per list of titles (`Store.titles`, the same list until the next ingest).
"""
from __future__ import annotations

import re

from archive.store import Store
from bot import query

_ASCII_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CJK_RUNS = re.compile(f"[{query._CJK}]+")  # (the characters bot.query reads as Chinese)
_MONTHS = frozenset("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april"
                    " june july august september october november december".split())
_CJK_NUMERALS = frozenset("〇零一二三四五六七八九十百千两")  # 第十九期, 十一月: a number, not a topic
MIN_TITLES = 3  # fewer titles cannot show which words recur


def _words(title: str) -> set[str]:
    return {w for w in _ASCII_WORD.findall(title.casefold()) if not any(c.isdigit() for c in w) and w not in _MONTHS}


def _pairs(title: str) -> set[str]:
    return {run[i:i + 2] for run in _CJK_RUNS.findall(title) for i in range(len(run) - 1)
            if not _CJK_NUMERALS & set(run[i:i + 2])}


class IssueTitles:
    def __init__(self, store: Store):
        self.store = store
        self._made: tuple[object, _Index] | None = None

    def _index(self) -> _Index:
        titles = self.store.titles()
        if self._made is None or self._made[0] is not titles:
            self._made = (titles, _Index(titles))
        return self._made[1]

    def naming(self, groups: tuple[tuple[str, ...], ...]) -> list[int]:
        """The numbers of the issues (newest first) whose own title words name every group (one of
        its alternatives). A few dict lookups: asked beside every search."""
        index = self._index()
        if not index.keys:  # a numbered digest's titles have no words of their own
            return []
        found: set[int] | None = None
        for group in groups:
            some = index.naming_any(group)
            found = some if found is None else found & some
            if not found:
                return []
        return sorted(found or (), key=index.order.__getitem__)


class _Index:
    """Each title's own English words and Chinese character pairs -> the issues holding them."""

    def __init__(self, titles: list[tuple[int, str]]):
        self.order = {n: i for i, (n, _t) in enumerate(titles)}  # newest first
        self.titles = {n: t.casefold() for n, t in titles}
        self.keys: dict[str, set[int]] = {}
        self._asked: dict[tuple[str, ...], set[int]] = {}
        if len(titles) < MIN_TITLES:
            return
        for n, t in titles:
            for key in _words(t) | _pairs(t):
                self.keys.setdefault(key, set()).add(n)
        for key in [k for k, ns in self.keys.items() if len(ns) * 2 > len(titles)]:  # in most titles
            del self.keys[key]

    def naming_any(self, group: tuple[str, ...]) -> set[int]:
        """The issues whose own title words hold one of these alternatives (kept per group:
        the same few groups are asked again and again)."""
        got = self._asked.get(group)
        if got is None:
            if len(self._asked) >= 4096:
                self._asked.clear()
            got = self._asked[group] = set().union(*(self.naming(a.casefold()) for a in group))
        return got

    def naming(self, term: str) -> set[int]:
        if _CJK_RUNS.fullmatch(term):
            if len(term) < 2:
                return set()
            sets = [self.keys.get(term[i:i + 2], set()) for i in range(len(term) - 1)]
            return {n for n in set.intersection(*sets) if term in self.titles[n]}
        if not term.isascii():  # "kilo峰会": a mix no title word is
            return set()
        parts = _ASCII_WORD.findall(term)
        sets = [self.keys.get(p, set()) for p in parts]
        return set.intersection(*sets) if sets else set()
