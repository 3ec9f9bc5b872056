"""Project names: section headings and user-typed words mapped to one canonical name.

Built once from the archive config; every lookup is a dict hit, fuzzy matching (rapidfuzz)
only runs for a heading never seen before and its answer is cached. Fuzzy matching only maps a
heading onto a name (or alias) the config lists: no digest's names are built into the code.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

# Markdown leftovers and punctuation around a heading: "**Nova**", "Nova:", "Heat：", "## Glance ##"
_STRIP_CHARS = " \t\r\n*_`#:：.。-—–"
# A trailing qualifier in parentheses: "Nova (compute)", "Heat（编排）"
_PAREN_TAIL = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_SPACES = re.compile(r"\s+")
_CACHE_LIMIT = 4096


def clean_heading(heading: str) -> str:
    """A heading without markdown markers, trailing colons and extra spaces."""
    return _SPACES.sub(" ", heading).strip(_STRIP_CHARS)


def _same_words(a: str, b: str) -> bool:
    """A misspelling, not another name: as many words, each close to its counterpart
    ("tempst"/"tempest", but not "featured keps"/"featured prs", which differ in a whole word)."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    return all(x == y or fuzz.ratio(x, y) >= 75 for x, y in zip(wa, wb))


class ProjectNames:
    def __init__(
        self,
        aliases: Iterable[tuple[str, Iterable[str]]],
        group_headings: Iterable[str] = (),
        threshold: int = 85,
    ) -> None:
        self._exact: dict[str, str] = {}  # lowercase name or alias -> canonical
        for canonical, names in aliases:
            self._exact.setdefault(canonical.strip().lower(), canonical)
        for canonical, names in aliases:  # canonical names win over other projects' aliases
            for name in names:
                self._exact.setdefault(name.strip().lower(), canonical)
        self._choices = list(self._exact)
        self._groups = frozenset(clean_heading(g).lower() for g in group_headings)
        self._threshold = threshold
        self._cache: dict[str, str] = {}
        self._known: dict[str, bool] = {}

    @classmethod
    def from_config(cls, cfg) -> ProjectNames:
        """From an ArchiveConfig (aliases, group_headings, fuzzy_threshold)."""
        return cls(cfg.aliases, cfg.group_headings, cfg.fuzzy_threshold)

    def canonical(self, heading: str) -> str:
        """The project a section heading is about; an unknown heading keeps its own (clean) text."""
        hit = self._cache.get(heading)
        if hit is not None:
            return hit
        text = clean_heading(heading)
        name = self._lookup(text)
        if name is None:
            bare = _PAREN_TAIL.sub("", text)
            if bare and bare != text:
                name = self._lookup(bare)
        if name is None:
            name = text
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[heading] = name
        return name

    def known(self, heading: str) -> bool:
        """True when a heading names a configured project (or alias, or a near misspelling)."""
        hit = self._known.get(heading)
        if hit is None:
            text = clean_heading(heading)
            bare = _PAREN_TAIL.sub("", text)
            hit = self._lookup(text) is not None or (bool(bare) and bare != text and self._lookup(bare) is not None)
            if len(self._known) >= _CACHE_LIMIT:
                self._known.clear()
            self._known[heading] = hit
        return hit

    def _lookup(self, text: str) -> str | None:
        key = text.lower()
        name = self._exact.get(key)
        if name is not None or not key:
            return name
        found = process.extractOne(
            key, self._choices, scorer=fuzz.ratio, score_cutoff=self._threshold
        )
        return self._exact[found[0]] if found and _same_words(key, found[0]) else None

    def is_group(self, heading: str) -> bool:
        """True for headings that only group project sections ("社区跟踪")."""
        return clean_heading(heading).lower() in self._groups

    def resolve(self, word: str) -> str | None:
        """The canonical project for a user-typed name or alias (case-insensitive, no fuzzing:
        a command must not silently answer about another project)."""
        return self._exact.get(clean_heading(word).lower())

    def suggest(self, word: str, known: Iterable[str], limit: int = 3) -> list[str]:
        """Names from `known` that look like `word`, best first ("did you mean ...?").

        Aliases count too: "quantm" suggests Neutron when Neutron is known.
        """
        query = clean_heading(word)
        if not query or limit <= 0:
            return []
        known = list(dict.fromkeys(known))
        by_lower = {k.lower(): k for k in known}
        texts: list[str] = []
        owners: list[str] = []
        for alias, canonical in self._exact.items():
            owner = by_lower.get(canonical.lower())
            if owner is not None:
                texts.append(alias)
                owners.append(owner)
        for name in known:
            texts.append(name)
            owners.append(name)
        found = process.extract(
            query, texts, scorer=fuzz.WRatio, processor=utils.default_process,
            limit=None, score_cutoff=60,
        )
        out: list[str] = []
        best = found[0][1] if found else 0
        for _text, score, index in found:
            if score < best - 10:  # far behind the best guess: noise, not a suggestion
                break
            if owners[index] not in out:
                out.append(owners[index])
                if len(out) == limit:
                    break
        return out


def misspellings(issues_per_name: dict[str, int], threshold: int, rare: int = 1, common: int = 3) -> dict[str, str]:
    """Section names used in at most `rare` issues that are near misspellings of a name used in
    at least `common` (and three times as many) issues, mapped onto it: the archive's own names
    are the table ("Tempst" in one issue is the "Tempest" of forty)."""
    frequent = [n for n, k in issues_per_name.items() if k >= common]
    if not frequent:
        return {}
    lowered = [n.lower() for n in frequent]
    out: dict[str, str] = {}
    for name, k in issues_per_name.items():
        if k > rare or name in frequent:
            continue
        key = name.lower()
        found = process.extractOne(key, lowered, scorer=fuzz.ratio, score_cutoff=threshold)
        if found and found[0] != key and _same_words(key, found[0]) \
                and issues_per_name[frequent[found[2]]] >= 3 * k:
            out[name] = frequent[found[2]]
    return out
