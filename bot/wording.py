"""How the replies name what an archive is made of. The messages and the examples of `help` are
written for the embedded default, an OpenStack weekly whose sections are projects (`heat`,
`subscribe neutron`, `search live migration`). A digest configured without project names
(`[archive] aliases`) is read by its sections: its replies say "section" (栏目) and their
examples use its own section names, a word of its items and its issue numbers.
"""
from __future__ import annotations

import re
from collections import Counter

from archive.numerals import format_number
from archive.search_index import Query
from archive.store import Store
from bot import query
from bot.names import PREFACE

_WORD = re.compile(r"[a-z][a-z'-]{3,}[a-z]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def section_words(store: Store) -> tuple[tuple[str, str], ...]:
    """(word of the messages, this archive's word): "project" as "section", the examples' projects
    as its largest sections of one or two words, their topics as a common word of its newest
    items, their issue numbers as its newest. Empty while the archive has no issue."""
    newest = store.latest_issue()
    if newest is None:
        return ()
    named = [name for name, _count in store.projects() if name != PREFACE]
    # ASCII names first (the English examples type them); a digest whose sections are all named
    # in Chinese (烘焙, 火锅) is shown with those, never with its Introduction
    names = [n for n in named if n.isascii()] or named
    short = [n for n in names if len(n.split()) <= 2] or names or [PREFACE]
    single = [n.casefold() for n in names if " " not in n]
    first, second = short[0].casefold(), (short[1] if len(short) > 1 else short[0]).casefold()
    word = _common_word(store, short[0], names) or first
    inside = f"{first} {word}" if word != first else (  # "links links" for a section named Links
        f"{first} {_link_word(first)}" if _link_word(first) != first else f"{first} last 3")
    exclude = next((f"-{n}" for n in single if n != first), "")
    oldest = store.issues(1, max(store.issues(1, 0)[1] - 1, 0))[0]
    year = (oldest[0] if oldest else newest).date.year
    n = newest.number
    return (
        ("projects", "sections"), ("project", "section"), ("Projects", "Sections"), ("Project", "Section"),
        ("PROJECT", "SECTION"), ("PROJECT section", "SECTION"), ("项目", "栏目"),
        (", `最近有什么关于nova的文章`", ""),  # a Chinese question among the English examples: the OpenStack weekly's
        ("monitoring -ceilometer", f"{word} {exclude}".strip()), ("-ceilometer", exclude), ("项目的栏目", "栏目"),
        ("heat", first), ("nova", second), ("neutron", second), ("ceilometer", second),
        ("关于nova的", f"关于{second}的"), ("heat autoscaling", inside), ("heat 自动伸缩", inside),
        ("live migration", word), ("热迁移", word), ("monitoring", word),
        ("2014-10-01", f"{year}-01-01"), ("issue 24", f"issue {n}"), ("#24", f"#{n}"), ("in 25", f"in {n}"),
        ("第二十四期", f"第{format_number(n)}期"),
    )


def _link_word(section: str) -> str:
    """A section's name and this word ask for its links: `heat links`, `烘焙 链接`."""
    return "链接" if _CJK_RUN.search(section) else "links"


def _words(text: str) -> set[str]:
    """An item's English words, and the two-character words of its Chinese (which the search
    index holds as character pairs)."""
    text = text.casefold()
    return set(_WORD.findall(text)) | {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


def _common_word(store: Store, section: str, names: list[str]) -> str | None:
    """The word most items of the section's newest issue hold (not a stop word, nor a word of a
    section name or of the issue's title)."""
    row = store.latest_issue_with(section)
    if row is None:
        return None
    items, _total = store.issue_items(row, section, limit=200)
    en, zh = query.stopwords()
    skip = set(en) | _words(" ".join(names + [row.title]))
    counts = Counter(w for item in items for w in _words(item.text)
                     if w not in skip and (w.isascii() or not any(p in w or w in p for p in zh)))
    best = [w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n > 1]
    return next((w for w in best if not _digest_subject(store, w, section)), best[0] if best else None)


def _digest_subject(store: Store, word: str, section: str) -> bool:
    """Whether the word is the digest's own subject ("haskell" in Haskell Weekly), no example of a
    search: most items hold it, in other sections too (a small archive's one topic, 锅底 of its
    火锅 section, is held by most of its few items, but in that section only)."""
    q = Query(((word,),))
    if not store.held_by_most(q):
        return False
    return store.search(q, limit=1)[1] > store.search(q._replace(project=section), limit=1)[1]
