"""Full-text search over items, for Chinese and English, ranked, fast at 100,000s of items.

Two FTS5 indexes over the *visible* items, kept in sync by the same triggers (so a future-dated
post is not searchable before it is published, and counts need no join):
- `items_grams` (unicode61 over generated tokens), two columns:
  - `grams`: the item's ASCII words in order and Porter-stemmed (`migrate` finds "migrations";
    words in order answer phrase queries from the index alone), then every CJK character and CJK
    character pair, so 1-2 character Chinese terms match (SQLite 3.40's trigram tokenizer returns
    nothing for them) and a longer Chinese term matches as all of its pairs;
  - `section`: the item's project, so a project's name finds its items, ranks them higher, and a
    column filter keeps a search inside one project;
  - `links`: the words of the item's link URLs and of their kinds (`link_words`: a gerrit review,
    a blueprint, a mailing-list thread...), so that a word only in a URL (`+spec/declarative-filters`,
    a change number) finds its item; it weighs LINK_WEIGHT, and counts in no item's length
    (archive.bm25), so the text's matches rank first and links change no text's score.
- `items_scoped` (unicode61, no stemmer of its own), two columns: the same tokens as `grams` (and
  as `links`), stemmed as items_grams stems them and in the same order, each prefixed with a tag
  of the item's section (`section_tag`), so that "term t in project p" is one posting list
  holding only p's matches.
  A project's question (`nova scheduler`) reads it instead of the AND of `section : "Nova"` (every
  Nova item: ~14,000 entries at 10,000 issues) with the term's list, walked newest first until the
  pool is found (see `find`); the scores are still those of items_grams.
The item id is the rowid, and item ids sort by issue date (see `item_id`): "newest first" and a
date or issue range are rowid order and rowid ranges, straight from the index.

A query is a `Query`: groups of alternatives (every group must match one of its alternatives, or
in a relaxed query any group; synonyms are alternatives; a term always matches whole), words that
must not occur, an optional project and rowid range. `compile` turns it into FTS5 MATCH text and
the same as a tree, which archive.bm25 scores without parsing anything back.
Ranking: BM25 (the `section` column weighs more, `links` less), items holding an English query as one phrase
boosted, a mild recency prior, newest first on ties. A relaxed query is ranked by each group's best
alternative, times the share of groups an item holds (archive.bm25._best: deliberately not bm25()). Only the newest RANK_POOL matches are read and
ranked (newest first is rowid DESC, which stops at the pool), and matches are counted only that far:
the pool's read takes one more, which says whether there are others ("100+ items"). Counting on
(to 1,000) walked every posting list of the query to its end, which cost as much as reading the
pool and ranking it together. The rows are found with `find`: the query's tree without the
branches no row of the index can match (a glossary synonym the archive never uses; cached per
index state by the ranker, which scores the same tree) and without the alternatives that another
alternative already finds (a phrase beside the AND of its words: the phrase's positions are the
dearest part of a read). Neither changes a score: the left-out branches add nothing to one. The scores
are FTS5's bm25() formula from archive.bm25, whose statistics are cached per index state: bm25()
itself would read every phrase's whole posting list on every query.
"""
from __future__ import annotations

import hashlib
import marshal
import re
import sqlite3
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from archive import bm25
from archive.link_words import LINK_KINDS, link_words  # noqa: F401 (the index's own words)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_TOKEN = re.compile(f"[0-9a-z]+|[{_CJK}]+")


def ascii_words(text: str) -> list[str]:
    """A text's ASCII words as the index reads them (before stemming)."""
    return _ASCII_WORD.findall(text.casefold())


def grams(text: str) -> str:
    """The tokens `items_grams.grams` holds for one item: its ASCII words in order (for
    phrases), then its CJK characters and character pairs."""
    cjk: set[str] = set()
    for run in _CJK_RUN.findall(text):
        cjk.update(run)
        cjk.update(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(_ASCII_WORD.findall(text.casefold())) + " " + " ".join(sorted(cjk))


# --- the words of an item's links (the `links` column): archive/link_words.py ----------------

def link_words_packed(blob: bytes) -> str:
    """link_words of an item's links as the store packs them (marshal)."""
    return link_words(marshal.loads(blob)) if blob else ""


def new_ranker(conn: sqlite3.Connection) -> bm25.Ranker:
    """The BM25 ranker of this index on `conn`: its column weights, and its candidates' link words
    as the `links` column holds them."""
    return bm25.Ranker(conn, WEIGHTS, link_words_packed)


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def section_tag(section: str) -> str:
    """Six base-36 characters naming a section's tokens (as the `section` column holds them: a
    section matches a `section : "…"` phrase by its tokens alone), the prefix of its items' tokens
    in `items_scoped`."""
    tokens = " ".join(bm25.TOKENS.of([section])[0])
    n = int.from_bytes(hashlib.sha1(tokens.encode()).digest()[:8], "big")
    out = []
    for _ in range(6):
        n, r = divmod(n, 36)
        out.append(_BASE36[r])
    return "".join(out)


def scoped(grams_text: str, section: str) -> str:
    """The tokens `items_scoped` holds for one item: its `grams` tokens as `items_grams` stems
    them (FTS5's porter, through archive.bm25.TOKENS; it leaves CJK tokens as they are), in
    the same order (phrases), each prefixed with its section's tag."""
    words = grams_text.split()
    stems = bm25.TOKENS.stems
    todo = {w for w in words if w not in stems and w.isascii()}
    if todo:
        bm25.TOKENS.stem_all(todo)
        stems = bm25.TOKENS.stems
    tag = section_tag(section)
    return tag + f" {tag}".join(map(stems.get, words, words))  # (a CJK token: itself)


def scoped_links(words: str, section: str) -> str:
    """The tokens `items_scoped.links` holds for one item: its `links` tokens (link_words) as
    `scoped` makes them ("" for none)."""
    return scoped(words, section) if words else ""


def item_id(day: date, number: int, position: int) -> int:
    """Ids in "newest first" order: date, then issue number, then (reversed) position."""
    # 24 low bits: 10 for the number (issues sharing a date), 14 for up to 16,384 items an issue
    return (day.toordinal() << 24) | ((number & 0x3FF) << 14) | (0x3FFF - min(position, 0x3FFF))


def day_range(first: date | None, last: date | None) -> tuple[int, int]:
    """The item ids of the issues dated first..last (either end open)."""
    lo = first.toordinal() << 24 if first else 0
    hi = ((last.toordinal() + 1) << 24) - 1 if last else (1 << 62)
    return lo, hi


def issue_range(day: date, number: int) -> tuple[int, int]:
    """The item ids of one issue."""
    base = (day.toordinal() << 24) | ((number & 0x3FF) << 14)
    return base, base | 0x3FFF


SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS items_grams USING fts5(
    grams, section, links, content='', tokenize='porter unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS items_scoped USING fts5(
    tokens, links, content='', columnsize=0, tokenize='unicode61');
CREATE TRIGGER IF NOT EXISTS items_index_insert AFTER INSERT ON items WHEN new.visible BEGIN
    INSERT INTO items_grams (rowid, grams, section, links)
    VALUES (new.id, digest_grams(new.text), new.section, digest_links(new.links));
    INSERT INTO items_scoped (rowid, tokens, links)
    VALUES (new.id, digest_scoped(new.text, new.section), digest_scoped_links(new.links, new.section));
END;
CREATE TRIGGER IF NOT EXISTS items_index_delete AFTER DELETE ON items WHEN old.visible BEGIN
    INSERT INTO items_grams (items_grams, rowid, grams, section, links)
    VALUES ('delete', old.id, digest_grams(old.text), old.section, digest_links(old.links));
    INSERT INTO items_scoped (items_scoped, rowid, tokens, links)
    VALUES ('delete', old.id, digest_scoped(old.text, old.section), digest_scoped_links(old.links, old.section));
END;
CREATE TRIGGER IF NOT EXISTS items_index_show AFTER UPDATE OF visible ON items
WHEN new.visible AND NOT old.visible BEGIN
    INSERT INTO items_grams (rowid, grams, section, links)
    VALUES (new.id, digest_grams(new.text), new.section, digest_links(new.links));
    INSERT INTO items_scoped (rowid, tokens, links)
    VALUES (new.id, digest_scoped(new.text, new.section), digest_scoped_links(new.links, new.section));
END;
CREATE TRIGGER IF NOT EXISTS items_index_hide AFTER UPDATE OF visible ON items
WHEN old.visible AND NOT new.visible BEGIN
    INSERT INTO items_grams (items_grams, rowid, grams, section, links)
    VALUES ('delete', old.id, digest_grams(old.text), old.section, digest_links(old.links));
    INSERT INTO items_scoped (items_scoped, rowid, tokens, links)
    VALUES ('delete', old.id, digest_scoped(old.text, old.section), digest_scoped_links(old.links, old.section));
END;
"""
INDEXES = ("items_grams", "items_scoped")


def install(conn: sqlite3.Connection) -> None:
    """Register the tokenising function (every writing connection needs it) and create the index."""
    conn.create_function("digest_grams", 1, grams, deterministic=True)
    conn.create_function("digest_scoped", 2, lambda text, section: scoped(grams(text), section), deterministic=True)
    conn.create_function("digest_links", 1, link_words_packed, deterministic=True)
    conn.create_function("digest_scoped_links", 2, lambda blob, section: scoped_links(link_words_packed(blob), section),
                         deterministic=True)
    conn.executescript(SCHEMA)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index into one segment (after a big ingest; small ones are left to FTS5's automerge)."""
    for index in INDEXES:
        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('optimize')")


class Query(NamedTuple):
    groups: tuple[tuple[str, ...], ...]  # every group matches one of its alternatives
    exclude: tuple[str, ...] = ()  # `-word`
    project: str | None = None  # only this section's items
    # only item ids in this range (dates, an issue), or in any of several ((lo, hi), ...): issues named together
    ids: tuple[int, int] | tuple[tuple[int, int], ...] | None = None
    any_group: bool = False  # relaxed: items holding a whole term of any group, ranked by how well
    links: tuple[str, ...] = ()  # phrases every item holds in its links' words (a pasted host or URL)


def term_node(term: str):
    """One term (a word, a phrase, a Chinese run, or a mix; `a & b` for both anywhere) as a
    match tree (see archive.bm25); None when nothing in it is indexed (punctuation, other
    scripts). A longer Chinese run matches as all of its character pairs: the whole term, also in
    a relaxed query (one pair of 块存储 is 存储, which is not the term)."""
    if "&" in term:
        parts = [e for e in (term_node(t) for t in term.split("&")) if e]
        return None if not parts else parts[0] if len(parts) == 1 else ("and", parts)
    parts: list = []
    words: list[str] = []
    for tok in _TOKEN.findall(term.casefold()):
        if tok[0] < "\u0080":
            words.append(tok)
            continue
        if words:
            parts.append(bm25.Phrase(" ".join(words)))
            words = []
        if len(tok) <= 2:
            parts.append(bm25.Phrase(tok))
        else:  # a longer Chinese term: all of its character pairs
            parts.extend(bm25.Phrase(tok[i:i + 2]) for i in range(len(tok) - 1))
    if words:
        parts.append(bm25.Phrase(" ".join(words)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ("and", parts)


def term_expr(term: str) -> str | None:
    """`term_node` as FTS5 MATCH text."""
    node = term_node(term)
    return None if node is None else bm25.render(node)


def _same(node) -> str:
    """What a node matches, as text: phrases by their tokens (`scheduler` and `scheduling` are
    both `schedul` to the index: one phrase, read once and counted once)."""
    if isinstance(node, bm25.Phrase):
        return f"{node.column}:{' '.join(bm25.TOKENS.of([node.text])[0])}"
    if node[0] == "not":
        return f"({_same(node[1])} NOT {_same(node[2])})"
    return "(" + f" {node[0]} ".join(map(_same, node[1])) + ")"


def _any(nodes: list):
    """The distinct nodes (by what they match) as one OR node, or the one node."""
    unique = list({_same(n): n for n in nodes}.values())
    return unique[0] if len(unique) == 1 else ("or", unique)


def _tree_and_groups(query: Query):
    """The query as a match tree: every group (or, relaxed, any group) matches one of its
    alternatives, in the project's section, without the excluded words; and for a relaxed query
    its groups' nodes (nodes of the tree; the project's section phrase a group of its own), which
    the ranker scores by their best alternative (archive.bm25._best)."""
    groups = []
    for alternatives in query.groups:
        nodes = [n for n in (term_node(a) for a in alternatives) if n is not None]  # whole terms, relaxed too
        if nodes:
            groups.append(_any(nodes))
    groups.extend(bm25.Phrase(words, "links") for words in query.links if _ASCII_WORD.search(words))
    if not groups:
        return None, None
    tree = groups[0] if len(groups) == 1 else ("or" if query.any_group else "and", groups)
    if query.project:
        section = bm25.Phrase(query.project, "section")
        tree = ("and", [section, tree])
        groups = [section, *groups]
    excluded = [n for n in map(term_node, query.exclude) if n is not None]
    if excluded:
        tree = ("not", tree, _any(excluded))
    return tree, (tuple(groups) if query.any_group else None)


def _phrase(query: Query) -> tuple[str, ...] | None:
    """The English words of a multi-group query as one phrase (its tokens), for the phrase boost."""
    words = []
    for alternatives in query.groups:
        w = alternatives[0].casefold()
        if not re.fullmatch(r"[0-9a-z][0-9a-z \-]*", w):
            return None
        words.extend(_ASCII_WORD.findall(w))
    if len(query.groups) > 1 and len(words) > 1:
        return bm25.TOKENS.of([" ".join(words)])[0]
    return None


def _holds(seq: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """Whether `tokens` stand together, in order, in `seq`."""
    k = len(tokens)
    return k > 0 and any(seq[i:i + k] == tokens for i in range(len(seq) - k + 1))


def _implies(a, b) -> bool:
    """Whether every row node `a` matches is surely matched by `b` too (the sure cases: a phrase
    holds each of its parts, in its column; an AND holds each of its branches)."""
    if isinstance(b, bm25.Phrase):
        if isinstance(a, bm25.Phrase):
            if b.column is not None and b.column != a.column:
                return False
            return _holds(a.tokens, b.tokens)
        return a[0] == "and" and any(_implies(kid, b) for kid in a[1])
    if b[0] == "and":
        return all(_implies(a, kid) for kid in b[1])
    if b[0] == "or":
        return any(_implies(a, kid) for kid in b[1])
    return False


def _finder(node):
    """The tree without the alternatives of an OR that another of its alternatives finds anyway:
    the same rows, from fewer posting lists (`"live migration" OR (live AND migration)` reads only
    the two words, not the phrase's positions)."""
    if isinstance(node, bm25.Phrase):
        return node
    if node[0] == "not":
        return ("not", _finder(node[1]), _finder(node[2]))
    kids = [_finder(kid) for kid in node[1]]
    if node[0] == "or":
        kept = list(kids)
        for kid in kids:
            if any(other is not kid and _implies(kid, other) for other in kept):
                kept.remove(kid)
        kids = kept
    return kids[0] if len(kids) == 1 else (node[0], kids)


class Compiled(NamedTuple):
    expr: str  # the FTS5 MATCH text (what the ranking is defined over: FTS5's bm25() of it)
    tree: object  # the same as a tree of archive.bm25 nodes, for the ranker
    phrase: tuple[str, ...] | None  # tokens of the phrase boost
    find: str  # MATCH text for the same rows from fewer posting lists (see _finder)
    groups: tuple | None = None  # a relaxed query's groups (nodes of `tree`): scored by their best alternative


@lru_cache(maxsize=512)
def compile(query: Query) -> Compiled | None:
    """The MATCH text and match tree of a query (None when nothing in it is indexed); built
    once per distinct query (a query is plain data, independent of the database)."""
    tree, groups = _tree_and_groups(query)
    if tree is None:
        return None
    tree = bm25.prepare(tree)  # (gives the groups' phrases, the same objects, their tokens too)
    if groups is not None:
        groups = tuple(map(_nested, groups))
    return Compiled(bm25.render(tree), tree, _phrase(query), bm25.render(_finder(tree)), groups)


def _nested(group):
    """A relaxed group for the ranker's best alternative: an alternative that surely holds another
    (a phrase holds its words anywhere: `"nova specs"` holds `nova & specs`) counts with it, as
    bm25() counts both, so that the phrase still ranks above its words apart; other alternatives
    (glossary forms) are each on their own."""
    if isinstance(group, bm25.Phrase) or group[0] != "or":
        return group
    kids = group[1]
    out = []
    for a in kids:
        held = [b for b in kids if b is not a and _implies(a, b)]
        out.append(("and", [a, *held]) if held else a)
    return ("or", out)


def match_expr(query: Query) -> str | None:
    """The FTS5 MATCH text that finds a query's rows; None when no group has anything indexed."""
    c = compile(query)
    return None if c is None else c.find


RANK_POOL = 100  # the newest matches that are ranked by relevance, and how far matches are counted
RELAXED_POOL = 400  # for a relaxed query (any word): matching most words matters more than age
SECTION_WEIGHT = 3.0  # bm25 weight of the section column against the text's 1.0
LINK_WEIGHT = 0.3  # and of the links column (a word in a URL counts a third of one in the text)
WEIGHTS = (1.0, SECTION_WEIGHT, LINK_WEIGHT)
PHRASE_BOOST = 2.0
RECENCY_PRIOR = 0.1  # the newest match of the pool scores up to 10 % more than the oldest

# Newest first is rowid DESC: FTS5 walks the posting lists backwards and stops at the LIMIT.
_NEWEST = "SELECT rowid FROM items_grams WHERE items_grams MATCH ? ORDER BY rowid DESC LIMIT ?"
_NEWEST_IN = "SELECT rowid FROM items_grams WHERE items_grams MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?"


_SCOPED_NEWEST = "SELECT rowid FROM items_scoped WHERE items_scoped MATCH ? ORDER BY rowid DESC LIMIT ?"
_SCOPED_NEWEST_IN = ("SELECT rowid FROM items_scoped WHERE items_scoped MATCH ? AND rowid BETWEEN ? AND ?"
                     " ORDER BY rowid DESC LIMIT ?")
SCOPED_SECTIONS = 8  # a project phrase in more sections than this reads items_grams (an OR of as many lists)


class Find(NamedTuple):
    """Where and how the rows of a query are found: `text` is MATCH text for `table`."""
    table: str  # "items_grams" or "items_scoped"
    text: str

    def newest(self, ranges: int) -> str:
        """The SQL of the newest matches (parameters: the text, [each id range's ends,] the limit)."""
        if ranges > 1:  # issues named together: any of their ranges
            either = " OR ".join(["rowid BETWEEN ? AND ?"] * ranges)
            return (f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH ? AND ({either})"
                    " ORDER BY rowid DESC LIMIT ?")
        if self.table == "items_scoped":
            return _SCOPED_NEWEST_IN if ranges else _SCOPED_NEWEST
        return _NEWEST_IN if ranges else _NEWEST


_FINDS: dict[int, tuple[object, Find]] = {}  # id(live tree) -> (that tree, its Find)


class _Unscoped(Exception):
    """A query part items_scoped cannot say (every row of a section but some)."""


_TRUE, _FALSE = "true", "false"  # a node that every / no row of the section matches


def _qualify(node, section: tuple[str, ...], tag: str):
    """The node for the rows of one section (its tokens), in items_scoped's terms: a phrase of
    the text as its tagged tokens; a phrase the section's own name holds (or not) as _TRUE (or
    _FALSE), folded into its parents."""
    if isinstance(node, bm25.Phrase):
        if node.column == "section" or node.column is None and _holds(section, node.tokens):
            return _TRUE if _holds(section, node.tokens) else _FALSE
        if not node.tokens:
            return _FALSE
        q = bm25.Phrase(" ".join(tag + t for t in node.tokens), "links" if node.column == "links" else None)
        q.tokens = tuple(tag + t for t in node.tokens)
        return q
    if node[0] == "not":
        left = _qualify(node[1], section, tag)
        if left is _FALSE:
            return _FALSE
        right = _qualify(node[2], section, tag)
        if right is _TRUE:
            return _FALSE
        if right is _FALSE:
            return left
        if left is _TRUE:
            raise _Unscoped
        return ("not", left, right)
    kids = [_qualify(kid, section, tag) for kid in node[1]]
    if node[0] == "and":
        if _FALSE in kids:
            return _FALSE
        kids = [k for k in kids if k is not _TRUE]
        if not kids:
            return _TRUE
    else:
        if _TRUE in kids:
            return _TRUE
        kids = [k for k in kids if k is not _FALSE]
        if not kids:
            return _FALSE
    return kids[0] if len(kids) == 1 else (node[0], kids)


def _sections(ranker: "bm25.Ranker") -> dict[tuple[str, ...], str] | None:
    """The tokens of every section of the visible items with their tag; None when two share a
    tag (items_scoped could not tell their items apart). Once per index state."""
    def read():
        names = [s for (s,) in ranker.conn.execute("SELECT DISTINCT section FROM items WHERE visible")]
        tags = {bm25.TOKENS.of([s])[0]: section_tag(s) for s in names}
        return tags if len(set(tags.values())) == len(tags) else None
    return ranker.memo("sections", read)


def _scoped_find(tree, project: str, ranker: "bm25.Ranker") -> Find | None | bool:
    """A project's query as MATCH text for items_scoped: the rows of `section : "project" AND …`
    are those of each section holding the project's name, where the section phrase is true and the
    rest reads one tagged posting list per term (only that section's matches) instead of the AND of
    the section's whole list with the term's. False when it cannot be said there; None: no row."""
    sections = _sections(ranker)
    if sections is None:
        return False
    wanted = bm25.TOKENS.of([project])[0]
    hit = [(tokens, tag) for tokens, tag in sections.items() if _holds(tokens, wanted)]
    if not hit or len(hit) > SCOPED_SECTIONS:
        return False if hit else None
    parts = []
    try:
        for tokens, tag in hit:
            q = _qualify(tree, tokens, tag)
            if q is _TRUE:  # every row of the section: its whole list, which items_grams reads as well
                return False
            if q is not _FALSE:
                parts.append(q)
    except _Unscoped:
        return False
    if not parts:
        return None
    return Find("items_scoped", bm25.render(parts[0] if len(parts) == 1 else ("or", parts)))


def find(c: Compiled, ranker: "bm25.Ranker", project: str | None = None) -> Find | None:
    """Where and with what MATCH text to find the compiled query's rows in the index as it is: its
    live tree (without the branches no row can match, see bm25.Ranker.live) less the alternatives
    another one finds; with a project, in items_scoped when it can say it (see _scoped_find);
    None when no row can match. Made once per live tree, i.e. per index state."""
    live = ranker.live(c.tree)
    if live is None:
        return None
    got = _FINDS.get(id(live))
    if got is None or got[0] is not live:
        if len(_FINDS) > 1024:
            _FINDS.clear()
        finder = _finder(live)
        f = _scoped_find(finder, project, ranker) if project else False
        if f is False:
            f = Find("items_grams", bm25.render(finder))
        got = _FINDS[id(live)] = (live, f)
    return got[1]


def find_text(c: Compiled, ranker: "bm25.Ranker") -> str | None:
    """The MATCH text that finds the compiled query's rows in items_grams (see `find`)."""
    live = ranker.live(c.tree)
    return None if live is None else bm25.render(_finder(live))


@lru_cache(maxsize=64)
def _prior(n: int) -> tuple[float, ...]:
    """The recency prior of each place in a pool of n, newest first."""
    return tuple(1 + RECENCY_PRIOR * (n - k) / n for k in range(n))


def matches_at_least(conn: sqlite3.Connection, query: Query, n: int, ranker: "bm25.Ranker") -> bool:
    """Whether n items or more match the query (its matches read as far as the n-th, unranked)."""
    c = compile(query)
    where = find(c, ranker, query.project) if c is not None else None
    if where is None or n <= 0:
        return where is not None
    try:
        return len(conn.execute(where.newest(0), (where.text, n)).fetchall()) >= n
    except sqlite3.OperationalError:  # an expression FTS5 refuses: nothing matches it
        return False


def openings_matching(conn: sqlite3.Connection, query: Query, ranker: "bm25.Ranker") -> int:
    """How many visible issues open with an item matching the query (their first item)."""
    c = compile(query)
    where = find(c, ranker, None) if c is not None else None
    if where is None:
        return 0
    try:
        return conn.execute(f"SELECT count(*) FROM items WHERE position = 0 AND visible = 1 AND id IN"
                            f" (SELECT rowid FROM {where.table} WHERE {where.table} MATCH ?)", (where.text,)).fetchone()[0]
    except sqlite3.OperationalError:  # an expression FTS5 refuses: nothing matches it
        return 0


def search(conn: sqlite3.Connection, query: Query, limit: int, offset: int,
           ranker: "bm25.Ranker | None" = None) -> tuple[list[int], int, bool]:
    """Ids of the items matching the query, best first; how many match; and whether that count
    is only a lower bound (matches are counted as far as the pool: "100+").
    `ranker`: the connection's BM25 statistics cache (see archive.bm25); one is made if not given."""
    c = compile(query)
    if c is None:
        return [], 0, False
    ranker = ranker or new_ranker(conn)
    where = find(c, ranker, query.project)
    if where is None:  # no row holds what it needs
        return [], 0, False
    pool = max(RELAXED_POOL if query.any_group else RANK_POOL, offset + limit)
    try:  # the pool: the newest matches, and one more, which says whether there are others
        ranges = query.ids if query.ids and isinstance(query.ids[0], tuple) else (query.ids,) if query.ids else ()
        sql = where.newest(len(ranges))
        if ranges:
            newest = [rowid for (rowid,) in conn.execute(sql, (where.text, *(e for r in ranges for e in r), pool + 1))]
        else:
            newest = [rowid for (rowid,) in conn.execute(sql, (where.text, pool + 1))]
    except sqlite3.OperationalError:  # an expression FTS5 refuses: nothing matches it
        return [], 0, False
    if not newest:
        return [], 0, False
    others = len(newest) > pool
    if others:
        newest.pop()
    rank, boosted = ranker.scores(c.tree, newest, c.phrase, c.groups, looked=True)
    n = len(newest)
    prior = _prior(n)  # newest first: k = 0 is the newest
    if boosted:
        scored = [(-rank.get(rowid, 0.0) * prior[k] * (PHRASE_BOOST if rowid in boosted else 1.0), rowid)
                  for k, rowid in enumerate(newest)]
    else:
        scored = [(-rank.get(rowid, 0.0) * f, rowid) for rowid, f in zip(newest, prior)]
    scored.sort(reverse=True)
    # past the pool, a lower bound; one more than the pool when this page ends it, so that the
    # reply still says there is more
    total = n + (others and offset + limit >= n)
    return [rowid for _, rowid in scored[offset:offset + limit]], total, others
