"""The words of a question and what the archive writes for them: the glossary's alternatives of a
term (its other language, its plural and -ing forms, a milestone as posts write it), a misspelt
glossary word, a wildcard's words, two words the archive writes as one, and issue numbers as typed.

`Glossary` is built once from the shipped glossary and the config's `[search] synonyms`; the rest
are plain functions. The shipped glossary is of one domain (OpenStack): its English<->English
alternatives (`ml` is "mailing list", `instance` "virtual machine") would find wrong items in
another community's digest, so they count only over an archive of that domain, decided from its
sections once per list of sections (i.e. per ingest that changed them). Its English<->Chinese
pairs, and the config's own synonyms, count over any archive.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from archive.numerals import parse_english_number, parse_number
from archive.search_index import Query
from archive.store import Store
from bot import query
from bot.time_words import RELEASE_BY_LETTER, RELEASES

PREFIX_WORDS = 4  # at most this many glossary words join a wildcard's word (`monitor*`)
# an archive is of the glossary's domain when this many of its sections are the domain's projects
# (one is not enough: Swift is also a language, Heat, Horizon and Glance are words)
DOMAIN_SECTIONS = 2
_NUMBER_PREFIX = re.compile(r"(?:no|nr|num)\.(?=\d)", re.IGNORECASE)  # no.11


def _grouped(synonyms) -> dict[str, tuple[str, ...]]:
    """term -> every term of its entries (an entry's key and list are equivalents)."""
    groups: dict[str, tuple[str, ...]] = {}
    for key, values in synonyms:
        group = tuple(dict.fromkeys(v.casefold() for v in (key, *values)))
        for member in group:
            groups[member] = tuple(dict.fromkeys((*groups.get(member, ()), *group)))
    return groups


# What Chinese writes after a project's program name to say "the project": 网络组件, 计算模块, 编排服务,
# 块存储项目 are Neutron, Nova, Heat, Cinder (a program name is a glossary name of its project in
# Chinese: 网络服务, 块存储).
_PROGRAM_SUFFIXES = ("服务", "项目", "组件", "模块", "子项目")


def _with_program_forms(synonyms, projects: frozenset[str]):
    """The glossary's entries, each project's with its Chinese program names in every form of
    _PROGRAM_SUFFIXES: a name "X服务" or "X项目", or a bare name X (块存储, 编排), gives X + each
    suffix (not "数据库即服务": "即服务" is "as a service", a kind, no program name)."""
    has_cjk = query._HAS_CJK.search
    for key, values in synonyms:
        if _project_key(key) not in projects:
            yield key, values
            continue
        stems = []
        for v in values:
            if not has_cjk(v) or v.endswith("即服务"):
                continue
            stem = next((v[:-len(s)] for s in _PROGRAM_SUFFIXES if v.endswith(s) and len(v) > len(s) + 1), v)
            stems.append(stem)
        forms = [stem + s for stem in dict.fromkeys(stems) for s in _PROGRAM_SUFFIXES]
        yield key, tuple(dict.fromkeys((*values, *forms)))


def _cross_lingual(groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The groups without an English term's English alternatives: an English term keeps itself
    and its Chinese equivalents, a Chinese one keeps its whole group."""
    has_cjk = query._HAS_CJK.search
    return {m: g if has_cjk(m) else tuple(a for a in g if a == m or has_cjk(a)) for m, g in groups.items()}


def _joined(a: dict, b: dict) -> dict[str, tuple[str, ...]]:
    out = dict(a)
    for member, group in b.items():
        out[member] = tuple(dict.fromkeys((*out.get(member, ()), *group)))
    return out


def _project_key(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace("_", " ").split())


class Glossary:
    """The glossary's groups (a term -> every term of its group), and what is read with them.
    `search`: the config's SearchConfig (the shipped glossary, the config's own synonyms, the
    glossary's domain); `store`: its sections say whether the archive is of the glossary's domain,
    and it is asked whether a word is the archive's."""

    def __init__(self, search, store: Store):
        self.store = store
        self._projects = frozenset(map(_project_key, search.domain_projects))
        shipped = _grouped(_with_program_forms(search.glossary, self._projects))
        own = _grouped(search.synonyms)
        self._of_domain = _joined(shipped, own)  # every alternative
        self._of_any = _joined(_cross_lingual(shipped), own)  # the same terms, fewer alternatives
        self._sections: object = None  # the store's list of sections the groups were chosen for
        self._groups = self._of_any
        # glossary phrases holding a stop word ("past and present", "end of life", "industry news"):
        # joined before the stop words go, so that they are still the phrase
        en_stop = query.stopwords()[0]  # (both sets of groups hold the same terms)
        stopped = sorted((m for m in self._of_domain if " " in m and m.isascii() and en_stop & set(m.split())),
                         key=len, reverse=True)
        self._stopped_phrases = re.compile(r"\b(?:" + "|".join(map(re.escape, stopped)) + r")\b") if stopped else None
        self._typo_words: list[str] | None = None  # for word_typo, made when first needed
        self._prefix_words: list[str] | None = None  # for prefixed, made when first needed
        self._cjk_words: dict[int, list[str]] | None = None  # for cjk_typo, by length, made when first needed

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """term -> the terms searched in its place (itself among them): with the shipped glossary's
        English<->English alternatives when the archive is of its domain (decided again only when
        the store's list of sections changed: an ingest)."""
        sections = self.store.projects()
        if sections is not self._sections:
            self._sections = sections
            self._groups = self._of_domain if self.of_domain(sections) else self._of_any
        return self._groups

    def of_domain(self, sections) -> bool:
        """Whether an archive with these sections ((name, items) pairs) is of the glossary's
        domain: at least DOMAIN_SECTIONS of them are the domain's projects."""
        return sum(_project_key(name) in self._projects for name, _ in sections) >= DOMAIN_SECTIONS

    def join_stopped(self, rest: str) -> str:
        """A glossary phrase holding stop words ("end of life") joined as `end_of_life`, which
        query.words reads as the phrase "end of life"."""
        if self._stopped_phrases is not None and " " in rest:
            rest = self._stopped_phrases.sub(lambda m: m.group().replace(" ", "_"), rest)
        return rest

    def alternatives(self, term: str) -> tuple[str, ...]:
        """The term and what else the search looks for in its place."""
        key = term.casefold()
        groups = self.groups
        group = groups.get(key)
        if group is None and key.endswith("s"):
            group = groups.get(key[:-1])
        if group is None and "-" in key:
            group = groups.get(key.replace("-", " "))
        if group is None and len(key) > 5 and key.endswith(("ing", "ed")) and key.isascii():
            group = self._inflected(key)  # "deploying", "migrated": the glossary has the word itself
        if group is None and key[-1:] in "123" and len(key) <= 12:
            forms = milestone(key)
            if forms:  # "j-2", "juno2": posts write the milestone juno-2 (or J-2)
                return tuple(dict.fromkeys((term, *forms)))
        alternatives = [term, *(g for g in group if g != key)] if group else [term]
        if " " in key and key.isascii():  # the words of a phrase, anywhere: ranked below the phrase
            alternatives.append(" & ".join(key.split()))
        return tuple(alternatives)

    def _inflected(self, key: str) -> tuple[str, ...] | None:
        """The glossary group of an English -ing or -ed form: deploying -> deploy, migrating ->
        migrate, scaled -> scale, mapped -> map (a few dict lookups)."""
        stem = key[:-3] if key.endswith("ing") else key[:-2]
        for base in (stem, stem + "e", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else ""):
            group = self.groups.get(base) if base else None
            if group is not None:
                return group
        return None

    def compounds(self, terms: list[str]) -> list[str]:
        """Adjacent plain words joined where the archive has them as one word and not apart
        (`suse cloud`: SUSECloud, `file cloud`: FileCloud). Only asked when nothing was found."""
        out: list[str] = []
        i = 0
        while i < len(terms):
            a, b = terms[i], terms[i + 1] if i + 1 < len(terms) else ""
            if (b and a.isascii() and b.isascii() and a.isalnum() and b.isalnum() and a not in self.groups
                    and self.store.search(Query(((a + b,),)), limit=1)[1]):
                out.append(a + b)
                i += 2
            else:
                out.append(a)
                i += 1
        return out

    def word_typo(self, word: str) -> str | None:
        """The English glossary word a word no item holds clearly misspells ("monitering" is
        monitoring): as close as a project's typo (see bot.names.Projects.typo). Only asked when
        nothing was found."""
        if len(word) < 5 or not word.isascii() or not word.isalpha() or word in self.groups:
            return None
        if self._typo_words is None:
            self._typo_words = sorted({w for w in self.groups if w.isascii() and w.isalpha() and len(w) >= 5})
        found = process.extract(word, self._typo_words, scorer=fuzz.ratio, limit=6, score_cutoff=75)
        meant = clear_typo(word, [w for w, _, _ in found])
        if meant is None or self.store.search(Query(((word,),)), limit=1)[1]:
            return None  # none, or a word of the archive after all
        return meant

    def cjk_typo(self, term: str) -> str | None:
        """The Chinese glossary term a run of 3 or more characters that no item holds is one
        character away from, as a pinyin input method's homophone makes it (热迁一 for 热迁移,
        负载均恒 for 负载均衡): of its length, and only one such group. Only asked when nothing was found."""
        if len(term) < 3 or not query._CJK_RUN.match(term) or term in self.groups:
            return None
        if self._cjk_words is None:
            self._cjk_words = {}
            for w in self.groups:
                if len(w) >= 3 and query._CJK_RUN.match(w):
                    self._cjk_words.setdefault(len(w), []).append(w)
        found = [w for w in self._cjk_words.get(len(term), ()) if sum(a != b for a, b in zip(w, term)) == 1]
        if not found or any(self.groups[w] != self.groups[found[0]] for w in found[1:]):
            return None  # none, or terms of two groups as close: not clearly one
        if self.store.search(Query(((term,),)), limit=1)[1]:
            return None  # the archive's own words
        return found[0]

    def prefixed(self, prefix: str) -> list[str]:
        """The English glossary words (the shortest few) that a search wildcard's `prefix*`
        begins: `autoscal*` is also autoscaling (which the items write Auto-Scaling)."""
        if len(prefix) < 3 or not prefix.isascii():
            return []
        if self._prefix_words is None:
            self._prefix_words = sorted({w for w in self.groups if w.isascii() and w.isalpha()})
        return sorted((w for w in self._prefix_words if w.startswith(prefix) and w != prefix), key=len)[:PREFIX_WORDS]


def clear_typo(word: str, candidates) -> str | None:
    """The one candidate `word` clearly misspells, or None: an edit or two between long words;
    between short ones (too often other words: "really" is no typo of rally, "preview" none of
    review) only two letters swapped (docekr, trvoe) or one doubled (manilla) or a double typed
    once (gnochi), or from six letters on one left out (mistal); none when two are as close."""
    edits = sorted((OSA.distance(word, w), w) for w in dict.fromkeys(candidates) if w != word)
    edits = [(d, w) for d, w in edits
             if len(word) >= 7 and len(w) >= 7 and d <= (2 if word[0] == w[0] else 1)
             or d == 1 and (len(w) == len(word) and sorted(w) == sorted(word) or _doubled(word, w) or _doubled(w, word)
                            or len(word) >= 6 and len(w) == len(word) + 1)]  # mistal: a letter left out
    if not edits or len(edits) > 1 and edits[0][0] == edits[1][0]:
        return None
    return edits[0][1]


def _doubled(word: str, meant: str) -> bool:
    """`word` is `meant` with one letter typed twice (manilla for manila)."""
    return len(word) == len(meant) + 1 and any(word[i] == word[i - 1] and word[:i] + word[i + 1:] == meant
                                               for i in range(1, len(word)))


# A release's milestone as people type it: "juno-2", "juno2", "j-2" (the hyphen read as a space by
# then), "J2". A letter glued to its number is often something else ("l3" a network layer, "v2" an
# API version, "s3"): it only adds the release's name, so it finds no "L 3" that is not Liberty-3.
_MILESTONE = re.compile(r"^(?:(?P<name>" + "|".join(n for n, _ in RELEASES) + r") ?|(?P<l>[a-z])(?P<sp> )?)(?P<n>[1-3])$")


# ... and as said in Chinese: "J版第二个里程碑", "juno的第3个里程碑"
_ZH_MILESTONE = re.compile(r"(?<![0-9a-z])(?:(?P<name>" + "|".join(n for n, _ in RELEASES) + r")|(?P<l>[a-z]))\s*(?:版本?)?\s*的?\s*"
                           r"第\s*(?P<n>[一二三123])\s*个?\s*(?:里程碑|milestone)")
_ZH_DIGIT = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}


def milestone(key: str) -> tuple[str, ...]:
    """The ways posts write the milestone a typed word names: ("juno 2", "j 2"); () for no milestone."""
    m = _MILESTONE.match(key)
    name = m and (m.group("name") or RELEASE_BY_LETTER.get(m.group("l")))
    if not name:
        return ()
    forms = [f"{name} {m.group('n')}"]
    if name in RELEASE_BY_LETTER.values() and (m.group("name") or m.group("sp")):
        forms.append(f"{name[0]} {m.group('n')}")
    return tuple(forms)


def zh_milestones(line: str) -> str:
    """A line with its milestones said in Chinese ("J版第二个里程碑") written as typed ("j-2"): a
    word to search, not the Juno cycle."""
    return _ZH_MILESTONE.sub(lambda m: f" {m.group('name') or m.group('l')}-{_ZH_DIGIT[m.group('n')]} ", line)


def issue_number(word: str) -> int | None:
    """The issue number a word says (`24`, `#24`, `no.24`, `第二十四期`, `twenty`), or None."""
    w = _NUMBER_PREFIX.sub("", word.strip(), count=1).lstrip("#")
    if w.startswith("第"):
        w = w[1:]
    w = w.rstrip("期")
    n = (parse_number(w) if w.isdigit() or not w.isascii() else parse_english_number(w)) if w else None
    return n if n is not None and n > 0 else None
