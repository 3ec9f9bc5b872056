"""Words the archive writes, misspelt or run together in a question: `gnochi` is gnocchi,
`heat-transltor` Heat-Translator, `l3ha` "l3 ha". Read from the search index's own terms (see
Store.index_words), so any word of any item counts, not only the glossary's (bot/terms.py).
Only asked when a search found nothing: each look-up reads a few index terms.
"""
from __future__ import annotations

from rapidfuzz import fuzz, process

from archive import bm25
from archive.search_index import Query
from archive.store import Store
from bot.terms import Glossary, clear_typo

CANDIDATES = 5  # index terms (stems) whose words are read and weighed against a typed word


def _stem(word: str) -> str:
    bm25.TOKENS.stem_all({word})
    return bm25.TOKENS.stems.get(word, word)


class ArchiveSpelling:
    """`glossary`: what the archive writes for a phrase (`l3 ha`: Layer 3 High Availability)."""

    def __init__(self, store: Store, glossary: Glossary):
        self.store = store
        self.glossary = glossary

    def word(self, word: str) -> str | None:
        """The archive's word that `word`, which no item holds, clearly misspells (see
        terms.clear_typo), as an item writes it; None when there is none or `word` is the archive's."""
        if len(word) < 5 or not word.isascii() or not word.isalpha():
            return None
        terms = self.store.index_words(word[:2])  # a first two letters mistyped too is no clear typo
        stem = _stem(word)
        if any(t == stem for t, _ in terms):
            return None
        close = process.extract(stem, [t for t, _ in terms], scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=60)
        return clear_typo(word, [w for t, _, _ in close for w in self.store.written_as(t)])

    def unglued(self, word: str) -> str | None:
        """Two words of the archive typed as one (`l3ha`: the phrase "l3 ha" that items write),
        when `word` is none of its own; the first split (each side two or more characters) some
        item holds as a phrase (or as the glossary writes the phrase)."""
        if not 4 <= len(word) <= 24 or not word.isascii() or not word.isalnum():
            return None
        if self.held(word):
            return None
        for i in range(2, len(word) - 1):
            phrase = f"{word[:i]} {word[i:]}"
            if (phrase in self.glossary.groups or self.held(word[:i]) and self.held(word[i:])) and self.store.search(
                    Query((self.glossary.alternatives(phrase),)), limit=1)[1]:
                return phrase
        return None

    def other_word(self, word: str, meant: str) -> bool:
        """Some item holds `word` as a word of its own, not as a form of `meant` (`weak` beside
        week; `upcomming` is read as upcoming by the index, so it is none)."""
        return _stem(word) != _stem(meant) and self.held(word)

    def held(self, word: str) -> bool:
        """Some item holds the word (its stem is one of the index's terms)."""
        stem = _stem(word)
        return any(t == stem for t, _ in self.store.index_words(stem))

    def respelled(self, term: str) -> str | None:
        """`term` (a word, or a phrase of words) with its misspelt or run-together words as the
        archive writes them; None when nothing in it changes."""
        words = term.split()
        fixed = [self.word(w) or (self.unglued(w) if len(words) == 1 else None) or w for w in words]
        return " ".join(fixed) if fixed != words else None
