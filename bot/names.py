"""Project names as people type them: a section of the archive or a configured alias (`image`
is Glance), the preface by its name in either language, a glossary term that names a section,
a clear typo of a name, the names a "did you mean" offers; and the Chinese words a question
keeps whole when it is segmented (glossary terms and project names).

`Projects` answers all of these from the store's list of sections, the config's aliases and the
glossary; what it derives is rebuilt when an ingest changes the list.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from archive.projects import ProjectNames
from archive.store import Store
from bot import query
from bot.i18n import N_, tr
from bot.terms import Glossary, clear_typo

PREFACE = N_("Introduction")  # archive.parse.PREFACE: what comes before the first heading, named in the reply's language
_PREFACE_NAMES = frozenset(tr(lang).gettext(PREFACE).casefold() for lang in ("en", "zh"))
# A word is taken for a misspelt project only when it matches nothing itself and is this close
# (rapidfuzz ratio, 0-100) to exactly one project name or alias: "glnace" -> Glance is 83, "hete"
# -> Heat 75; ordinary words score far lower (tests/test_questions.py::test_typo_threshold).
TYPO_THRESHOLD = 75


class Misspelt(NamedTuple):
    """A name of several words typed with a typo: the project, the words as typed, the line
    without them, and each misspelt word with the name's word it misspells."""
    project: str
    typed: str
    rest: str
    wrong: tuple[tuple[str, str], ...]


class Projects:
    """The archive's projects by the names people use. `archive`: the config's [archive]."""

    def __init__(self, store: Store, archive, glossary: Glossary):
        self.store = store
        self.glossary = glossary
        self.names = ProjectNames(archive.aliases, archive.group_headings, archive.fuzzy_threshold)
        self._made: dict[str, tuple[object, object]] = {}  # what per_sections made: key -> (sections, value)

    def per_sections(self, key: str, make):
        """`make()`, once per list of the archive's sections: rebuilt when an ingest changed them
        (the store keeps the same list object until then)."""
        projects = self.store.projects()
        got = self._made.get(key)
        if got is None or got[0] is not projects:
            got = self._made[key] = (projects, make())
        return got[1]

    def known(self) -> dict[str, str]:
        """casefolded -> name of every project in the archive (rebuilt when an ingest changed it)."""
        return self.per_sections("known", lambda: {name.casefold(): name for name, _ in self.store.projects()})

    def name(self, phrase: str) -> str | None:
        """The project a phrase names (an alias, a section, the preface), or None."""
        name = self.names.resolve(phrase)
        if name is None and phrase.casefold() in _PREFACE_NAMES:  # 前言: the preface, as replies name it
            phrase = PREFACE
        return name if name is not None else self.known().get(phrase.casefold())

    def resolve(self, words: tuple[str, ...]) -> tuple[str | None, int]:
        """The project named by the first words (as many as a section name has: "crate of the
        week"), and how many words it took; the longest name wins."""
        for n in range(len(words), 0, -1):
            name = self.name(" ".join(words[:n]).strip("?!.,:;。？！，：；"))
            if name is not None:
                return name, n
        return None, 0

    def of_glossary(self, term: str) -> str | None:
        """The section a glossary term is another name of, when the archive has that section under
        it: "industry news" is 业界动态 (a Chinese section name, which the index cannot match in the
        section column the way it matches `nova`), and a project's Chinese program name is the
        project (编排 is Heat, 块存储 Cinder: "编排项目最近的新闻" asks for Heat's news). An English
        name of an English section is left to the search, which matches the section column."""
        known = self.known()
        cjk = query._HAS_CJK.search(term)
        for alternative in self.glossary.groups.get(term, ()):
            if alternative != term and alternative in known and (cjk or query._HAS_CJK.search(alternative)):
                return known[alternative]
        return None

    def same(self, project: str) -> tuple[str, ...]:
        """The other sections of the archive that the glossary names as this project: its program
        name or former name written as a heading in some issues ("Compute" beside "Nova",
        "Marconi" beside "Zaqar")."""
        known = self.known()
        key = project.casefold()
        same = [known[a] for a in self.glossary.groups.get(key, ()) if a != key and a in known]
        return tuple(dict.fromkeys(same + self._renamed().get(key, [])))

    def _renamed(self) -> dict[str, list[str]]:
        """casefolded name -> the sections that are the same section under a longer name in other
        issues: the name with a qualifier after a sign ("Call for Participation; projects and
        speakers"), or with one word before it ("Rust Jobs" beside "Jobs"); both ways. Rebuilt when
        an ingest changed the sections."""
        return self.per_sections("renamed", self._make_renamed)

    def _make_renamed(self) -> dict[str, list[str]]:
        known = self.known()
        out: dict[str, list[str]] = {}
        for key, name in known.items():
            head = _QUALIFIED.match(key)
            shorter = head.group(1).strip() if head else None
            if shorter not in known and " " in key:
                first, _, rest = key.partition(" ")
                shorter = rest if len(rest) >= 4 and rest in known else None
            if shorter in known and shorter != key:
                out.setdefault(shorter, []).append(name)
                out.setdefault(key, []).append(known[shorter])
        return out

    def spoken(self, line: str) -> tuple[str, str] | None:
        """A name of several words that holds stop words or signs ("crate of the week", "call for
        participation", "in brief", "show & tell"), found whole in a normalised line: (the project,
        the line without it). The question's words lose those words, so this is read first; None
        when the line names none (most lines: a set lookup of its words decides)."""
        firsts, table = self._stopped_names()
        if not table or firsts.isdisjoint(line.split()):
            return None
        padded = f" {_spoken_key(line)} "
        for key, name in table:  # longest first: "call for participation" before "call for"
            if f" {key} " in padded:
                return name, _spoken_pattern(key).sub(" ", line, count=1)
        return None

    def _stopped_names(self) -> tuple[frozenset[str], list[tuple[str, str]]]:
        """(the first words of those names, [(name as typed, project)] longest first), rebuilt when
        an ingest changed the sections."""
        return self.per_sections("stopped", self._make_stopped_names)

    def _make_stopped_names(self) -> tuple[frozenset[str], list[tuple[str, str]]]:
        table: dict[str, str] = {}
        for typed, name in self.candidates().items():
            key = _spoken_key(typed)
            tokens = key.split()
            if typed.isascii() and len(tokens) >= 2 and query.words(key).terms != tokens:
                table.setdefault(key, name)
        for key, name in list(table.items()):  # "call for testing" is "Calls for Testing", "crates of
            first, rest = key.split(" ", 1)  # the week" "Crate of the Week" (unless another name is)
            other = first[:-1] if first.endswith("s") and not first.endswith("ss") and len(first) > 3 else first + "s"
            table.setdefault(f"{other} {rest}", name)
        ordered = sorted(table.items(), key=lambda kv: -len(kv[0]))
        return frozenset(k.split()[0] for k, _ in ordered), ordered

    def misspelt(self, line: str) -> Misspelt | None:
        """A name of several words typed with a typo in a normalised line ("crate of the wek",
        "upcomming events", "call for particpation"): at most one word in three of the name
        misspelt (one in a name of two to five words), each a clear typo of the name's word
        (terms.clear_typo), the others as the name writes them; the longest such name, when it is
        of one project. The caller asks whether a misspelt word is another word of the archive.
        A few dict lookups on a line without a word of such a name."""
        index, names = self._spelt_names()
        words = _KEY_WORDS.findall(line.replace("&", " and ").replace("'", "")) if index else ()
        starts = {(k, j - at) for j, w in enumerate(words) if w in index for k, at in index[w] if j >= at}
        found: list[tuple[int, str, tuple[str, ...], tuple[tuple[str, str], ...]]] = []
        for k, start in starts:
            tokens, project = names[k]
            typed = tuple(words[start:start + len(tokens)])
            wrong = tuple((w, m) for w, m in zip(typed, tokens) if w != m)
            if (len(typed) == len(tokens) and 1 <= len(wrong) <= max(1, len(tokens) // 3)
                    and all(clear_typo(w, (m,)) == m for w, m in wrong)):
                found.append((len(tokens), project, typed, wrong))
        if not found:
            return None
        longest = max(n for n, *_ in found)
        best = [f for f in found if f[0] == longest]
        if len({project for _, project, _, _ in best}) != 1:
            return None  # as close to two projects: not clearly one
        _, project, typed, wrong = best[0]
        return Misspelt(project, " ".join(typed), _spoken_pattern(" ".join(typed)).sub(" ", line, count=1), wrong)

    def _spelt_names(self) -> tuple[dict[str, list[tuple[int, int]]], list[tuple[tuple[str, ...], str]]]:
        """({word: [(name, its position in the name)]}, [(the words of a name, project)]) of the
        names of several words (sections and aliases, as typed), rebuilt when an ingest changed the
        sections."""
        return self.per_sections("spelt", self._make_spelt_names)

    def _make_spelt_names(self):
        names = list({tuple(_spoken_key(typed).split()): name for typed, name in self.candidates().items()
                      if typed.isascii() and len(_spoken_key(typed).split()) >= 2}.items())
        index: dict[str, list[tuple[int, int]]] = {}
        for k, (tokens, _project) in enumerate(names):
            for at, w in enumerate(tokens):
                index.setdefault(w, []).append((k, at))
        return index, names

    def candidates(self) -> dict[str, str]:
        """Every name and alias a user may type for a project -> the project."""
        out = {alias: self.names.resolve(alias) or alias for alias in self.names._exact}
        out.update(self.known())
        return out

    def typo(self, word: str) -> str | None:
        """The one project a misspelt word clearly means, or None."""
        if len(word) < 4 or not word.isascii() or not word.isalpha():
            return None
        # the ratio only preselects; the edits decide. Two letters swapped apart in a word of seven
        # ("hoziron": horizon) are two edits but 71 % alike, so long words are preselected at 70 %
        found = process.extract(word, list(self.candidates()), scorer=fuzz.ratio, limit=8,
                                score_cutoff=min(TYPO_THRESHOLD, 70) if len(word) >= 7 else TYPO_THRESHOLD)
        # a slip of the fingers is an edit or two (a swap is one), not a different word that shares
        # most letters ("production" is 82 % like "introduction", three edits away); two only when
        # the first letter is right ("hete" is Heat, "threat" and "havana" are no Heat or Sahara)
        w = word.casefold()
        found = [f for f in found if OSA.distance(w, f[0].casefold()) <= (2 if w[0] == f[0][0].casefold() else 1)]
        owners = {self.candidates()[text] for text, _, _ in found}
        return owners.pop() if len(owners) == 1 else None

    def did_you_mean(self, word: str) -> list[str]:
        """Up to three projects a word no project has is like, for "did you mean"."""
        if len(word) < 3:
            return []
        found = process.extract(word.casefold(), list(self.candidates()), scorer=fuzz.ratio, limit=6,
                                score_cutoff=TYPO_THRESHOLD)
        return list(dict.fromkeys(self.candidates()[text] for text, _, _ in found))[:3]

    def dictionary(self) -> frozenset[str]:
        """Chinese words kept whole when a question is segmented: glossary terms and project names."""
        return self.per_sections("dictionary", lambda: frozenset(
            {w for w in self.glossary.groups if query._HAS_CJK.search(w)}
            | {w for w in self.candidates() if query._HAS_CJK.search(w)}))


# A name, then a qualifier after a sign: "call for participation; projects and speakers", "jobs (remote)"
_QUALIFIED = re.compile(r"^([^;:(\[|–—]+?)\s*(?:[;:(\[|–—]|\s-\s)")
_KEY_WORDS = re.compile(r"[0-9a-z]+")


def _spoken_key(text: str) -> str:
    """A name or a line as its words: case, signs and apostrophes dropped, "&" read as "and"."""
    return " ".join(_KEY_WORDS.findall(query.normalize(text).casefold().replace("&", " and ").replace("'", "")))


def _spoken_pattern(key: str) -> re.Pattern:
    """The words of a key as a line writes them: signs between them, "and" or "&", "what's"."""
    parts = ["(?:and|&)" if w == "and" else "'?".join(map(re.escape, w)) for w in key.split()]
    return re.compile(r"(?<![0-9a-z])" + r"[^0-9a-z]*".join(parts) + r"(?![0-9a-z])")
