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
  word never seen before), and its length is the index's own %_docsize entry.
Formula, constants and which phrases count for a row are FTS5's (fts5_aux.c): idf = ln((N - n + 0.5)
/ (n + 0.5)) (at least 1e-6), score = sum idf * f (k1 + 1) / (f + k1 (1 - b + b D / avgdl)), f the
column-weighted hits; tests/test_bm25.py checks it against bm25() itself.
"""
from __future__ import annotations

import math
import re
import sqlite3
import threading

K1, B = 1.2, 0.75
HEAVY_ENTRIES = 10_000  # phrase matches bm25() would read, past which this ranker is cheaper
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_LEXEME = re.compile(r'"((?:[^"]|"")*)"|\(|\)|:|[A-Za-z_]+')


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


# --- the match expression as a tree (the subset archive.search_index writes) ---------------

class Phrase:
    __slots__ = ("text", "column", "tokens", "index")

    def __init__(self, text: str, column: str | None):
        self.text, self.column = text, column
        self.tokens: tuple[str, ...] = ()
        self.index = 0

    def key(self) -> str:
        q = '"' + self.text.replace('"', '""') + '"'
        return f"{self.column} : {q}" if self.column else q


def parse(expr: str):
    """A tree of ("and" | "or", [children]), ("not", a, b) and Phrase; precedence NOT, AND, OR."""
    lex = [m.group(0) for m in _LEXEME.finditer(expr)]
    pos = 0

    def peek():
        return lex[pos] if pos < len(lex) else None

    def take():
        nonlocal pos
        pos += 1
        return lex[pos - 1]

    def primary():
        tok = take()
        if tok == "(":
            node = disjunction()
            take()  # ")"
            return node
        if tok.startswith('"'):
            return Phrase(tok[1:-1].replace('""', '"'), None)
        take()  # a column filter: NAME : "phrase"
        node = primary()
        node.column = tok
        return node

    def negation():
        node = primary()
        while peek() == "NOT":
            take()
            node = ("not", node, primary())
        return node

    def conjunction():
        kids = [negation()]
        while peek() == "AND":
            take()
            kids.append(negation())
        return kids[0] if len(kids) == 1 else ("and", kids)

    def disjunction():
        kids = [conjunction()]
        while peek() == "OR":
            take()
            kids.append(conjunction())
        return kids[0] if len(kids) == 1 else ("or", kids)

    return disjunction()


def phrases(node) -> list[Phrase]:
    if isinstance(node, Phrase):
        return [node]
    if node[0] == "not":
        return phrases(node[1]) + phrases(node[2])
    return [p for kid in node[1] for p in phrases(kid)]


# --- the ranker ---------------------------------------------------------------------------

class Ranker:
    """BM25 of candidate rows of `items_grams` (columns grams, section), statistics cached per
    index state. One per connection."""

    def __init__(self, conn: sqlite3.Connection, weights: tuple[float, float]):
        self.conn, self.weights = conn, weights
        self._state: bytes | None = None
        self._rows, self._avgdl = 0, 1.0
        self._df: dict[str, int] = {}

    def _refresh(self) -> None:
        blobs = dict(self.conn.execute("SELECT id, block FROM items_grams_data WHERE id IN (1, 10)"))
        state = blobs.get(10, b"") + b"|" + blobs.get(1, b"")
        if state != self._state:
            counts = _varints(blobs.get(1, b"")) or [0]
            self._rows = counts[0]
            self._avgdl = sum(counts[1:]) / self._rows if self._rows else 1.0
            self._df = {}
            self._state = state

    def heavy(self, expr: str) -> bool:
        """Whether bm25() would cost more than this ranker: it reads every entry of every phrase's
        posting list (~0.2 us each), this costs about the same for any query (~1-2 ms a pool)."""
        self._refresh()
        return sum(map(self._doc_count, phrases(parse(expr)))) > HEAVY_ENTRIES

    def _doc_count(self, p: Phrase) -> int:
        key = p.key()
        n = self._df.get(key)
        if n is None:
            n = self.conn.execute("SELECT count(*) FROM items_grams WHERE items_grams MATCH ?", (key,)).fetchone()[0]
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[key] = n
        return n

    def scores(self, expr: str, ids: list[int]) -> dict[int, float]:
        """FTS5's bm25() of each candidate row (negative: lower is better), as bm25() gives it."""
        self._refresh()
        tree = parse(expr)
        plist = phrases(tree)
        toks = TOKENS.of([p.text for p in plist])
        n_rows = self._rows
        idf = []
        for i, (p, t) in enumerate(zip(plist, toks)):
            p.tokens, p.index = t, i
            n = self._doc_count(p)
            v = math.log((n_rows - n + 0.5) / (n + 0.5)) if n_rows else 0.0
            idf.append(v if v > 0 else 1e-6)
        rows = self.conn.execute(
            "SELECT i.id, i.text, i.section, d.sz FROM items i JOIN items_grams_docsize d ON d.id = i.id"
            f" WHERE i.id IN ({','.join('?' * len(ids))})", ids).fetchall()
        texts = [r[1] for r in rows]
        words = [_ASCII_WORD.findall(t.casefold()) for t in texts]
        TOKENS.stem_all({w for ws in words for w in ws})
        stems = TOKENS.stems
        seqs = [[stems[w] for w in ws] for ws in words]
        sections = TOKENS.of([r[2] for r in rows])
        w_grams, w_section = self.weights
        hits: dict[tuple, list[float]] = {}  # (tokens, column) -> weighted hits per row
        freqs = []
        for p in plist:
            key = (p.tokens, p.column)
            if key not in hits:
                hits[key] = _hits(p, texts, seqs, sections, w_grams, w_section)
            freqs.append(hits[key])
        counted = [set() for _ in plist]
        _active(tree, set(range(len(rows))), freqs, counted, {})
        out = {}
        for d, (rowid, _, _, sz) in enumerate(rows):
            d_len = sum(sz) if max(sz, default=0) < 0x80 else sum(_varints(sz))  # one-byte varints: their sum
            norm = K1 * (1 - B + B * d_len / self._avgdl)
            score = 0.0
            for i, f in enumerate(freqs):
                if d in counted[i]:
                    score += idf[i] * f[d] * (K1 + 1) / (f[d] + norm)
            out[rowid] = -score
        return out


def _count(tokens: tuple[str, ...], seq) -> int:
    first = tokens[0]
    if len(tokens) == 1:
        return seq.count(first)
    if first not in seq:
        return 0
    k = len(tokens)
    return sum(1 for i in range(len(seq) - k + 1) if seq[i] == first and tuple(seq[i:i + k]) == tokens)


def _hits(p: Phrase, texts, seqs, sections, wg: float, ws: float) -> list[float]:
    """The phrase's column-weighted hits in each row."""
    t = p.tokens
    if not t:
        return [0.0] * len(texts)
    if p.column == "section":
        g = [0] * len(texts)
    elif t[0].isascii():
        g = [_count(t, seq) for seq in seqs]
    elif len(t) == 1:  # a Chinese character or pair: present or not (the index holds each once)
        g = [1 if t[0] in text else 0 for text in texts]
    else:
        g = [0] * len(texts)
    if p.column == "grams":
        s = [0] * len(texts)
    else:  # few distinct sections
        per = {sec: _count(t, sec) for sec in set(sections)}
        s = [per[sec] for sec in sections]
    return [wg * a + ws * b for a, b in zip(g, s)]


def _matches(node, freqs, memo: dict) -> set[int]:
    """The rows (by position) the node matches."""
    got = memo.get(id(node))
    if got is None:
        if isinstance(node, Phrase):
            got = {d for d, f in enumerate(freqs[node.index]) if f}
        elif node[0] == "not":
            got = _matches(node[1], freqs, memo) - _matches(node[2], freqs, memo)
        else:
            sets = [_matches(kid, freqs, memo) for kid in node[1]]
            got = set.intersection(*sets) if node[0] == "and" else set.union(*sets)
        memo[id(node)] = got
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
