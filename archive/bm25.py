"""BM25 over a bounded set of candidate items, with FTS5's own formula and tokens but without its
per-query cost.

FTS5's bm25() counts each phrase's documents by reading the phrase's whole posting list on every
query, so a ranked search cost as much as its most common term (a big project's section: ~14,000
entries). Here the same score is computed for the newest matches only:
- a phrase's document count, the row count and the average row length come from the index once and
  are cached until the index changes (its structure record is rewritten by every write, in any
  process, so its bytes are the cache key);
- a candidate's term frequencies are counted from its text, tokenised exactly as the index does it:
  the stems come from FTS5's own porter tokenizer (a private in-memory FTS5 table, one call per
  word never seen before), and its length is the index's own %_docsize entry; a row's tokens are
  kept with the statistics (up to DOC_CACHE rows), since the newest items recur in most pools, as
  a count per stem (a word's hits: one dict look-up) and one line of stems (a phrase's hits: one
  `str.count`);
- a query's branches that no row of the index can match (a phrase in no row) are left out, once
  per tree and index state (`Ranker.live`): they add nothing to any score.
Formula, constants and which phrases count for a row are FTS5's (fts5_aux.c): idf = ln((N - n + 0.5)
/ (n + 0.5)) (at least 1e-6), score = sum idf * f (k1 + 1) / (f + k1 (1 - b + b D / avgdl)), f the
column-weighted hits; tests/test_bm25.py checks it against bm25() itself.
Two deliberate differences: a row's length is that of its text and section, not of its links
(the third column: a row's long URLs make its text weigh no less; over an archive without links
the scores are bm25()'s, tests/test_link_words.py); and a relaxed query (no item has every word) sums each group's best
alternative only, times the share of groups the row holds (`_best`; checked against bm25() of each
alternative alone).
"""
from __future__ import annotations

import functools
import math
import re
import sqlite3
import threading
from collections.abc import Callable

K1, B = 1.2, 0.75
DOC_CACHE = 20_000  # candidate rows whose tokens are kept (per index state): the newest recur in most pools
_ASCII_WORD = re.compile(r"[0-9a-z]+")


def _varints(blob: bytes) -> list[int]:
    """SQLite's big-endian varints (as FTS5 writes %_docsize and its averages record)."""
    out, i = [], 0
    while i < len(blob):
        v = 0
        for k in range(9):
            c = blob[i]
            i += 1
            if k == 8:
                v = (v << 8) | c
                break
            v = (v << 7) | (c & 0x7F)
            if c < 0x80:
                break
        out.append(v)
    return out


class _Tokens:
    """FTS5's `porter unicode61` tokens of a text, from FTS5 itself; words are cached."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript("CREATE VIRTUAL TABLE p USING fts5(t, tokenize='porter unicode61');"
                               "CREATE VIRTUAL TABLE v USING fts5vocab(p, instance);")
        self._lock = threading.Lock()
        self.stems: dict[str, str] = {}
        self._texts: dict[str, tuple[str, ...]] = {}

    def of(self, texts: list[str]) -> list[tuple[str, ...]]:
        """Each text's token list (for phrases and section names: few, cached)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._texts]
        if todo:
            with self._lock:
                self._db.executemany("INSERT INTO p (rowid, t) VALUES (?, ?)", enumerate(todo, 1))
                got: dict[int, list[tuple[int, str]]] = {}
                for doc, term, off in self._db.execute("SELECT doc, term, offset FROM v"):
                    got.setdefault(doc, []).append((off, term))
                self._db.execute("DELETE FROM p")
            if len(self._texts) > 50_000:
                self._texts.clear()
            for i, t in enumerate(todo, 1):
                self._texts[t] = tuple(term for _, term in sorted(got.get(i, ())))
        return [self._texts[t] for t in texts]

    def stem_all(self, words: set[str]) -> None:
        """Make sure every ASCII word (one token each) has its stem cached."""
        todo = [w for w in words if w not in self.stems]
        if not todo:
            return
        if len(self.stems) > 500_000:
            self.stems.clear()
        with self._lock:
            self._db.execute("INSERT INTO p (rowid, t) VALUES (1, ?)", (" ".join(todo),))
            for off, term in self._db.execute("SELECT offset, term FROM v"):
                self.stems[todo[off]] = term
            self._db.execute("DELETE FROM p")


TOKENS = _Tokens()


# --- the match expression as a tree (archive.search_index builds it) ----------------------
# A node is a Phrase, ("and", [nodes]), ("or", [nodes]) or ("not", node, node).

class Phrase:
    __slots__ = ("text", "column", "tokens", "index")

    def __init__(self, text: str, column: str | None = None):
        self.text, self.column = text, column
        self.tokens: tuple[str, ...] = ()  # FTS5's tokens of the text (set by `prepare`)
        self.index = 0  # position among the tree's phrases (set by `prepare`)

    def key(self) -> str:
        q = '"' + self.text.replace('"', '""') + '"'
        return f"{self.column} : {q}" if self.column else q


def render(node) -> str:
    """The FTS5 MATCH text of a tree."""
    if isinstance(node, Phrase):
        return node.key()
    if node[0] == "not":
        return f"({render(node[1])}) NOT ({render(node[2])})"
    return "(" + f" {node[0].upper()} ".join(map(render, node[1])) + ")"


def phrases(node) -> list[Phrase]:
    if isinstance(node, Phrase):
        return [node]
    if node[0] == "not":
        return phrases(node[1]) + phrases(node[2])
    return [p for kid in node[1] for p in phrases(kid)]


def prune(node, holds):
    """The node without the branches that can match no row, given which phrases some row
    `holds`; None when nothing can match."""
    if isinstance(node, Phrase):
        return node if holds(node) else None
    if node[0] == "not":
        left = prune(node[1], holds)
        right = None if left is None else prune(node[2], holds)
        return left if right is None else ("not", left, right)
    kids = [k for k in (prune(kid, holds) for kid in node[1]) if k is not None]
    if node[0] == "and" and len(kids) < len(node[1]) or not kids:
        return None
    return kids[0] if len(kids) == 1 else (node[0], kids)


def _renumbered(node):
    """A prepared copy of a node (its phrases numbered afresh; the original keeps its numbers)."""
    if node is None:
        return None
    if isinstance(node, Phrase):
        copy = Phrase(node.text, node.column)
        copy.tokens = node.tokens
        return copy
    if node[0] == "not":
        node = ("not", _renumbered(node[1]), _renumbered(node[2]))
    else:
        node = (node[0], [_renumbered(kid) for kid in node[1]])
    for i, p in enumerate(phrases(node)):
        p.index = i
    return node


def prepare(tree):
    """Number the tree's phrases and give them their tokens (once: a prepared tree is reused)."""
    plist = phrases(tree)
    for i, (p, t) in enumerate(zip(plist, TOKENS.of([p.text for p in plist]))):
        p.tokens, p.index = t, i
    return tree


# --- the ranker ---------------------------------------------------------------------------

class Ranker:
    """BM25 of candidate rows of `items_grams` (columns grams, section, links), statistics cached
    per index state. One per connection. `weights`: of grams and section, and of links (0 when
    not given); `link_words`: a row's packed links -> the tokens its `links` column holds, as text
    (archive.search_index.new_ranker gives both)."""

    def __init__(self, conn: sqlite3.Connection, weights: tuple[float, ...],
                 link_words: Callable[[bytes], str] = lambda blob: ""):
        self.conn, self.weights, self._link_words = conn, weights, link_words
        self._state: bytes | None = None
        self._mark: tuple[int, int] | None = None  # (data_version, total_changes) at the last look
        self._rows, self._avgdl = 0, 1.0
        self._df: dict[str, int] = {}
        self._docs: dict[int, tuple] = {}  # rowid -> (text, stems line, stem counts, section tokens, length norm,
        #                                            links' stems line, both columns' weighted stem counts)
        self._plans: dict[int, tuple] = {}  # id(tree) -> (tree, its phrases, their idf): per index state
        self._memo: dict[str, object] = {}  # other facts of the index state (see `memo`)

    def _refresh(self) -> None:
        # Nothing written since the last look, by this connection (total_changes) or another
        # (data_version): the index is as it was, without reading its records (half the cost).
        mark = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
        if mark == self._mark:
            return
        self._mark = mark
        blobs = dict(self.conn.execute("SELECT id, block FROM items_grams_data WHERE id IN (1, 10)"))
        state = blobs.get(10, b"") + b"|" + blobs.get(1, b"")
        if state != self._state:
            counts = _varints(blobs.get(1, b"")) or [0]
            self._rows = counts[0]
            self._avgdl = sum(counts[1:3]) / self._rows if self._rows else 1.0  # (grams, section: see _load)
            self._df = {}
            self._docs = {}
            self._plans = {}
            self._memo = {}
            self._state = state

    def _doc_count(self, p: Phrase) -> int:
        key = p.key()
        n = self._df.get(key)
        if n is None:
            n = self.conn.execute("SELECT count(*) FROM items_grams WHERE items_grams MATCH ?", (key,)).fetchone()[0]
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[key] = n
        return n

    def _plan(self, tree) -> tuple:
        """(tree, the live tree, its phrases, their idf), once per tree and index state: the live
        tree is the tree without the branches no row can match as the index is (a phrase no row
        holds, an AND with one), None when nothing is left. Those branches add nothing to any
        score, so the scores are the same from fewer phrases (a glossary's synonyms are often
        words an archive never uses). The compiled trees are kept by search_index.compile, so a
        tree's id names it while its plan holds it."""
        plan = self._plans.get(id(tree))
        if plan is None or plan[0] is not tree:
            live = _renumbered(prune(tree, lambda p: self._doc_count(p) > 0))
            plist = phrases(live) if live is not None else []
            n_rows = self._rows
            idf = []
            for p in plist:
                n = self._doc_count(p)
                v = math.log((n_rows - n + 0.5) / (n + 0.5)) if n_rows else 0.0
                idf.append(v if v > 0 else 1e-6)
            if len(self._plans) > 1024:
                self._plans.clear()
            plan = self._plans[id(tree)] = (tree, live, plist, idf, _beside(live))
        return plan

    @property
    def mark(self) -> tuple[int, int] | None:
        """The database's write counters at the last look: another mark, something was written."""
        return self._mark

    def rows(self) -> int:
        """How many rows the index holds (read from its own statistics, as ranking reads them)."""
        self._refresh()
        return self._rows

    def live(self, tree):
        """The tree without the branches that match no row of the index as it is (see _plan);
        None when no row can match it."""
        self._refresh()
        return self._plan(tree)[1]

    def memo(self, key: str, make):
        """`make()`, once per index state (e.g. archive.search_index's list of sections)."""
        self._refresh()
        if key not in self._memo:
            if len(self._memo) > 10_000:  # facts of many words asked (see archive.store): bounded
                self._memo.clear()
            self._memo[key] = make()
        return self._memo[key]

    def scores(self, tree, ids: list[int], phrase: tuple[str, ...] | None = None, groups=None,
               looked: bool = False) -> tuple[dict[int, float], set[int]]:
        """FTS5's bm25() of each candidate row of a prepared tree (negative: lower is better),
        and the rows holding `phrase` (tokens) as FTS5's phrase query would find them.
        `groups` (a relaxed query's groups of alternatives, nodes of the tree): each group counts
        its best alternative instead (see `_best`); this deliberately differs from bm25().
        `looked`: the caller has just asked `live` for the tree (the index state is looked at once
        per search: a look is a query)."""
        if not looked:
            self._refresh()
        _, tree, plist, idf, beside = self._plan(tree)
        if tree is None:
            return {i: -0.0 for i in ids}, set()
        docs = self._docs
        try:  # (warm: every candidate's tokens are kept)
            rows = [docs[i] for i in ids]
        except KeyError:
            self._load([i for i in ids if i not in docs])
            ids = [i for i in ids if i in docs]  # (a row gone since the match: not scored)
            rows = [docs[i] for i in ids]
        texts, lines, tfs, sections, norms, link_lines, boths = zip(*rows) if rows else ((),) * 7
        w_grams, w_section, w_links = (*self.weights, 0.0)[:3]
        links = (link_lines, w_links, boths) if w_links and any(link_lines) else None
        in_sections = {tok for sec in set(sections) for tok in sec}
        hits: dict[tuple, dict] = {}  # (tokens, column) -> {row: weighted hits}
        rows_with = _Finder(texts)
        freqs = []
        for p in plist:
            key = (p.tokens, p.column)
            f = hits.get(key)
            if f is None:
                f = hits[key] = _hits(p, rows_with, lines, tfs, sections, in_sections, w_grams, w_section, links)
            freqs.append(f)
        n = len(rows)
        if groups is not None:
            total = _best(groups, plist, idf, freqs, norms, n)
        else:
            total = _fts5(tree, plist, idf, freqs, norms, n, beside)
        out = {rowid: -s for rowid, s in zip(ids, total)}
        boosted = set()
        if phrase:  # the rows holding it in either column: a phrase's hits (the query's own, mostly)
            f = hits.get((phrase, None))
            if f is None:
                boost = Phrase(" ".join(phrase))
                boost.tokens = phrase
                f = _hits(boost, rows_with, lines, tfs, sections, in_sections, w_grams, w_section, links)
            boosted = {ids[d] for d in f}
        return out, boosted

    def _load(self, ids: list[int]) -> None:
        """The rows' text, FTS5 tokens of its ASCII words, section tokens and BM25 length norm,
        and the tokens of their links (the `links` column: archive.search_index.link_words)."""
        if len(self._docs) + len(ids) > DOC_CACHE:
            self._docs.clear()
        rows = self.conn.execute(_POOL_ROWS.format(",".join("?" * len(ids))), ids).fetchall()
        words = [_ASCII_WORD.findall(r[1].casefold()) for r in rows]
        link_words = [_ASCII_WORD.findall(self._link_words(r[4])) if r[5] else () for r in rows]
        stems = TOKENS.stems
        w_grams, _, w_links = (*self.weights, 0.0)[:3]
        todo = {w for ws in (*words, *link_words) for w in ws if w not in stems}
        if todo:
            TOKENS.stem_all(todo)
        for (rowid, text, section, sz, _, _), ws, lws in zip(rows, words, link_words):
            # a %_docsize row is one varint per column: one-byte varints (< 128 tokens) are their
            # sum. The length is the text's and the section's: a row's links (its third column)
            # make its text weigh no less (deliberately not bm25(), which counts every column)
            length = sz[0] + sz[1] if sz.isascii() else sum(_varints(sz)[:2])
            norm = K1 * (1 - B + B * length / self._avgdl)  # the statistics are this cache's own state
            seq = [stems[w] for w in ws]
            tf: dict[str, int] = {}
            for stem in seq:
                tf[stem] = tf.get(stem, 0) + 1
            # the stems as one line, " a  b  c ": a phrase's hits are a count of " a  b " in it, in C
            # (two spaces between tokens: one for each, so that occurrences side by side all count)
            link_tf: dict[str, int] = {}
            link_line = ""
            both = tf if w_grams == 1.0 else {stem: w_grams * c for stem, c in tf.items()}
            if lws:
                link_seq = [stems[w] for w in lws]
                for stem in link_seq:
                    link_tf[stem] = link_tf.get(stem, 0) + 1
                link_line = f" {'  '.join(link_seq)} "
                if w_links:  # a word's weighted hits in text and links, as _hits adds them: one look-up
                    both = dict(both)
                    for stem, c in link_tf.items():
                        both[stem] = both.get(stem, 0) + w_links * c
            self._docs[rowid] = (text, f" {'  '.join(seq)} ", tf, _section_tokens(section), norm, link_line, both)


def _beside(tree) -> list[tuple] | None:
    """For a tree without NOT (nearly every question's), the nodes each phrase needs beside it
    to count for a row, as FTS5 reports its hits: the other branches of every AND above it (a
    phrase in an OR's branch counts wherever it is, if the ANDs above hold). None for a tree with
    a NOT, whose rows `_active` works out."""
    out: list[tuple] = []

    def walk(node, needs: tuple) -> bool:
        if isinstance(node, Phrase):
            out.append(needs)  # (phrases are numbered in this order)
            return True
        if node[0] == "not":
            return False
        kids = node[1]
        return all(walk(kid, needs + tuple(o for o in kids if o is not kid) if node[0] == "and" else needs)
                   for kid in kids)

    return out if tree is not None and walk(tree, ()) else None


def _fts5(tree, plist, idf, freqs, norms, n: int, beside=None) -> list[float]:
    """bm25() of each row (by position), as FTS5 sums it: every phrase that counts for the row
    (`beside`: see _beside; without it, `_active` works the rows out)."""
    kp1 = K1 + 1
    total = [0.0] * n
    if beside is not None:
        memo: dict = {}
        for i, f in enumerate(freqs):
            v = idf[i] * kp1
            need = [freqs[o.index] if isinstance(o, Phrase) else _matches(o, freqs, memo) for o in beside[i]]
            if not need:
                for d, x in f.items():
                    total[d] += v * x / (x + norms[d])
            elif len(need) == 1:
                other = need[0]
                for d, x in f.items():
                    if d in other:
                        total[d] += v * x / (x + norms[d])
            else:
                for d, x in f.items():
                    if all(d in o for o in need):
                        total[d] += v * x / (x + norms[d])
        return total
    counted = [set() for _ in plist]
    _active(tree, set(range(n)), freqs, counted, {})
    for i, f in enumerate(freqs):
        v = idf[i] * kp1
        rows_counted = counted[i]
        if len(rows_counted) == len(f):  # (mostly) every row that holds it counts
            for d, x in f.items():
                total[d] += v * x / (x + norms[d])
        else:
            for d in rows_counted:
                total[d] += v * f[d] / (f[d] + norms[d])
    return total


def _best(groups, plist, idf, freqs, norms, n: int) -> list[float]:
    """A relaxed query's score of each row (by position): the sum over its groups of the group's
    best alternative (an alternative: the sum of its phrases' BM25 terms, when it matches), times
    the share of the groups the row holds (Lucene's classic "coord": an item with more of the
    question's words first, unless the others are much rarer).
    Deliberately not FTS5's bm25(), which adds up every alternative of an OR that matches: there
    a common word with several glossary forms (cloud: 云, 云计算, cloud computing) outweighed a
    rare word of another group when no item had every word; and a long Chinese item holding more
    of the words lost to a short one holding fewer (its terms are small: every character and pair
    is a token). search_index._nested keeps a phrase with its words anywhere (it holds them), as
    bm25() counts both. A phrase no row holds (left out of the live tree) adds nothing."""
    kp1 = K1 + 1
    live: dict[tuple, int] = {}  # (tokens, column) -> the phrase's place among the live ones
    for i, p in enumerate(plist):
        live.setdefault((p.tokens, p.column), i)
    terms: dict[tuple, dict[int, float]] = {}  # (tokens, column) -> {row: the phrase's BM25 term}, as needed
    total = [0.0] * n
    covered = [0] * n  # how many groups the row holds
    for group in groups:
        if isinstance(group, Phrase):  # (mostly: a word with no glossary forms) its terms, straight in
            i = live.get((group.tokens, group.column))
            if i is not None:
                v = idf[i] * kp1
                for d, x in freqs[i].items():
                    total[d] += v * x / (x + norms[d])
                    covered[d] += 1
            continue
        for d, v in _value(group, terms, live, idf, freqs, norms).items():
            total[d] += v
            covered[d] += 1
    k = len(groups)
    return [t * c / k for t, c in zip(total, covered)]


def _value(node, terms, live, idf, freqs, norms) -> dict[int, float]:
    """The rows (by position) a node matches and its value there: a phrase its BM25 term, an AND
    the sum of its branches (all of them matching), an OR its best branch, a NOT its left."""
    if isinstance(node, Phrase):
        key = (node.tokens, node.column)
        got = terms.get(key)
        if got is None:
            i = live.get(key)
            if i is None:  # no row holds it
                got = {}
            else:
                v = idf[i] * (K1 + 1)
                got = {d: v * x / (x + norms[d]) for d, x in freqs[i].items()}
            terms[key] = got
        return got
    args = terms, live, idf, freqs, norms
    if node[0] == "not":
        right = _value(node[2], *args)
        return {d: v for d, v in _value(node[1], *args).items() if d not in right}
    kids = [_value(kid, *args) for kid in node[1]]
    if node[0] == "and":
        common = set(kids[0]).intersection(*kids[1:]) if all(kids) else ()
        return {d: sum(k[d] for k in kids) for d in common}
    kids = [k for k in kids if k]
    if not kids:
        return {}
    out = dict(kids[0])
    for k in kids[1:]:
        for d, v in k.items():
            if v > out.get(d, 0.0):
                out[d] = v
    return out


_POOL_ROWS = ("SELECT i.id, i.text, i.section, d.sz, i.links, i.link_count FROM items i"
              " JOIN items_grams_docsize d ON d.id = i.id WHERE i.id IN ({})")


@functools.lru_cache(maxsize=4096)
def _section_tokens(section: str) -> tuple[str, ...]:
    return TOKENS.of([section])[0]


def _count(tokens: tuple[str, ...], seq: tuple[str, ...]) -> int:
    """How often the tokens stand in `seq` one after another (overlapping too, as FTS5 counts)."""
    first = tokens[0]
    if len(tokens) == 1:
        return seq.count(first)
    k, n, i = len(tokens), 0, -1
    try:
        while True:
            i = seq.index(first, i + 1)  # from one occurrence of the first token to the next, in C
            if seq[i:i + k] == tokens:
                n += 1
    except ValueError:
        return n


class _Finder:
    """The candidates (by position) whose text holds a string. One search through all of their
    texts joined says at once that a rare Chinese pair is in none of them."""

    def __init__(self, texts) -> None:
        self.texts = texts
        self.joined: str | None = None

    def __call__(self, sub: str) -> dict[int, int]:
        if self.joined is None:
            self.joined = "\x00".join(self.texts)
        if sub not in self.joined:
            return {}
        return {d: 1 for d, text in enumerate(self.texts) if sub in text}


def _overlaps(tokens: tuple[str, ...]) -> bool:
    """Whether two occurrences of the phrase can overlap ("a a", "a b a"), which str.count misses."""
    return any(tokens[:j] == tokens[-j:] for j in range(1, len(tokens)))


def _ascii_hits(t: tuple[str, ...], lines, tfs) -> dict[int, int]:
    """How often the ASCII phrase `t` stands in each row (by position) of one column (its stems
    line and stem counts), for the rows that hold it."""
    first = t[0]
    if len(t) == 1:
        return {d: c for d, tf in enumerate(tfs) if (c := tf.get(first))}
    second = t[1]  # counted only in the rows that hold its first two words
    if _overlaps(t):
        return {d: c for d, tf in enumerate(tfs)
                if first in tf and second in tf and (c := _count(t, tuple(lines[d].split())))}
    needle = f" {'  '.join(t)} "
    return {d: c for d, tf in enumerate(tfs) if first in tf and second in tf and (c := lines[d].count(needle))}


def _line_hits(t: tuple[str, ...], lines) -> dict[int, int]:
    """How often the ASCII phrase `t` stands in each row's stems line (a column's, without its
    stem counts: the links column, whose words are counted with the text's in Ranker._load)."""
    if _overlaps(t):
        return {d: c for d, line in enumerate(lines) if line and (c := _count(t, tuple(line.split())))}
    needle = f" {'  '.join(t)} "
    return {d: c for d, line in enumerate(lines) if (c := line.count(needle))}


def _both_hits(t: tuple[str, ...], lines, links, wg: float) -> dict[int, float]:
    """An ASCII phrase's weighted hits in the text and the links of each row (by position) that
    holds it: the same sums as the two columns' hits added up (`_hits`), in one pass. A word's are
    the row's weighted counts of both columns (Ranker._load); a phrase (whose occurrences cannot
    overlap) is counted in each stems line of the rows holding its first two words in either."""
    link_lines, wl, boths = links
    first = t[0]
    if len(t) == 1:
        return {d: c for d, both in enumerate(boths) if (c := both.get(first))}
    second = t[1]
    needle = f" {'  '.join(t)} "
    out: dict[int, float] = {}
    for d, both in enumerate(boths):
        if first in both and second in both:
            c = lines[d].count(needle)
            if wg != 1.0:
                c = wg * c
            n = link_lines[d].count(needle)
            if n:
                c = c + wl * n
            if c:
                out[d] = c
    return out


def _hits(p: Phrase, rows_with: _Finder, lines, tfs, sections, in_sections: set[str], wg: float, ws: float,
          links=None) -> dict[int, float]:
    """The phrase's column-weighted hits in the rows (by position) that hold it. `links`: the
    rows' links column (stems lines, weight) and both columns' weighted stem counts, None when no
    row has links."""
    t = p.tokens
    if not t:
        return {}
    first = t[0]
    g: dict[int, float] = {}
    if p.column is None and links is not None and first.isascii() and (len(t) == 1 or not _overlaps(t)):
        g = _both_hits(t, lines, links, wg)  # (the common case: text and links in one pass)
    else:
        if p.column is None or p.column == "grams":
            if first.isascii():
                g = _ascii_hits(t, lines, tfs)
            elif len(t) == 1:  # a Chinese character or pair: present or not (the index holds each once)
                g = rows_with(first)
            if wg != 1.0:
                g = {d: wg * f for d, f in g.items()}
        if links is not None and (p.column is None or p.column == "links") and first.isascii():
            link_lines, wl, _ = links
            for d, c in _line_hits(t, link_lines).items():
                g[d] = g.get(d, 0) + wl * c
    if p.column not in (None, "section") or first not in in_sections:  # the section column holds none of it
        return g
    per = {sec: _count(t, sec) for sec in set(sections)}  # few distinct sections
    if not g:
        return {d: ws * c for d, sec in enumerate(sections) if (c := per[sec])}
    for d, sec in enumerate(sections):
        if per[sec]:
            g[d] = g.get(d, 0) + ws * per[sec]
    return g


def _matches(node, freqs, memo: dict) -> set[int]:
    """The rows (by position) the node matches."""
    key = (node.tokens, node.column) if isinstance(node, Phrase) else id(node)  # a phrase repeated: once
    got = memo.get(key)
    if got is None:
        if isinstance(node, Phrase):
            got = set(freqs[node.index])
        elif node[0] == "not":
            got = _matches(node[1], freqs, memo) - _matches(node[2], freqs, memo)
        else:
            sets = [_matches(kid, freqs, memo) for kid in node[1]]
            got = set.intersection(*sets) if node[0] == "and" else set.union(*sets)
        memo[key] = got
    return got


def _active(node, rows: set[int], freqs, counted, memo: dict) -> None:
    """Which rows each phrase counts for, as FTS5 reports its hits: the phrases of the branches
    that match the row (every branch of an AND, the matching ones of an OR, not a NOT's right)."""
    if isinstance(node, Phrase):
        counted[node.index] |= rows & _matches(node, freqs, memo)
    elif node[0] == "not":
        _active(node[1], rows & _matches(node, freqs, memo), freqs, counted, memo)
    elif node[0] == "and":
        here = rows & _matches(node, freqs, memo)
        for kid in node[1]:
            _active(kid, here, freqs, counted, memo)
    else:
        for kid in node[1]:
            _active(kid, rows & _matches(kid, freqs, memo), freqs, counted, memo)
