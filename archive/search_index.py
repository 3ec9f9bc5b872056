"""Full-text search over items, for Chinese and English, ranked, fast at 100,000s of items.

One FTS5 index over the *visible* items, kept in sync by triggers (so a future-dated post is not
searchable before it is published, and counts need no join):
- `items_grams` (unicode61 over generated tokens), two columns:
  - `grams`: the item's ASCII words in order and Porter-stemmed (`migrate` finds "migrations";
    words in order answer phrase queries from the index alone), then every CJK character and CJK
    character pair, so 1-2 character Chinese terms match (SQLite 3.40's trigram tokenizer returns
    nothing for them) and a longer Chinese term matches as all of its pairs;
  - `section`: the item's project, so a project's name finds its items, ranks them higher, and a
    column filter keeps a search inside one project.
The item id is the rowid, and item ids sort by issue date (see `item_id`): "newest first" and a
date or issue range are rowid order and rowid ranges, straight from the index.

A query is a `Query`: groups of alternatives (every group must match one of its alternatives;
synonyms are alternatives), words that must not occur, an optional project and rowid range.
Ranking: FTS5's bm25() (the `section` column weighs more), items holding an English query as one
phrase boosted, a mild recency prior, newest first on ties. Only the newest RANK_POOL matches are
ranked; matches are counted up to COUNT_LIMIT past the page ("1,000+"), and a query matching more
than that is too vague to rank (bm25 reads every match of every term): newest first, phrases first.
"""
from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple
from datetime import date

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_TOKEN = re.compile(f"[0-9a-z]+|[{_CJK}]+")


def grams(text: str) -> str:
    """The tokens `items_grams.grams` holds for one item: its ASCII words in order (for
    phrases), then its CJK characters and character pairs."""
    cjk: set[str] = set()
    for run in _CJK_RUN.findall(text):
        cjk.update(run)
        cjk.update(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(_ASCII_WORD.findall(text.casefold())) + " " + " ".join(sorted(cjk))


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
    grams, section, content='', tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS items_index_insert AFTER INSERT ON items WHEN new.visible BEGIN
    INSERT INTO items_grams (rowid, grams, section) VALUES (new.id, digest_grams(new.text), new.section);
END;
CREATE TRIGGER IF NOT EXISTS items_index_delete AFTER DELETE ON items WHEN old.visible BEGIN
    INSERT INTO items_grams (items_grams, rowid, grams, section)
    VALUES ('delete', old.id, digest_grams(old.text), old.section);
END;
CREATE TRIGGER IF NOT EXISTS items_index_show AFTER UPDATE OF visible ON items
WHEN new.visible AND NOT old.visible BEGIN
    INSERT INTO items_grams (rowid, grams, section) VALUES (new.id, digest_grams(new.text), new.section);
END;
CREATE TRIGGER IF NOT EXISTS items_index_hide AFTER UPDATE OF visible ON items
WHEN old.visible AND NOT new.visible BEGIN
    INSERT INTO items_grams (items_grams, rowid, grams, section)
    VALUES ('delete', old.id, digest_grams(old.text), old.section);
END;
"""


def install(conn: sqlite3.Connection) -> None:
    """Register the tokenising function (every writing connection needs it) and create the index."""
    conn.create_function("digest_grams", 1, grams, deterministic=True)
    conn.executescript(SCHEMA)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index into one segment (after a big ingest; small ones are left to FTS5's automerge)."""
    conn.execute("INSERT INTO items_grams (items_grams) VALUES ('optimize')")


class Query(NamedTuple):
    groups: tuple[tuple[str, ...], ...]  # every group matches one of its alternatives
    exclude: tuple[str, ...] = ()  # `-word`
    project: str | None = None  # only this section's items
    ids: tuple[int, int] | None = None  # only item ids in this range (dates, issues)
    any_group: bool = False  # relaxed: items matching any group, ranked by how well


def _quote(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def term_expr(term: str, loose: bool = False) -> str | None:
    """One term (a word, a phrase, a Chinese run, or a mix; `a & b` for both anywhere) as an FTS5
    expression; None when nothing in it is indexed (punctuation, other scripts). `loose`: a long
    Chinese run matches any of its character pairs (ranked by how many), not all of them."""
    if "&" in term:
        parts = [e for e in (term_expr(t, loose) for t in term.split("&")) if e]
        return None if not parts else parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    parts: list[str] = []
    words: list[str] = []
    for tok in _TOKEN.findall(term.casefold()):
        if tok[0] < "\u0080":
            words.append(tok)
            continue
        if words:
            parts.append(_quote(" ".join(words)))
            words = []
        if len(tok) <= 2:
            parts.append(_quote(tok))
        elif loose:
            parts.append("(" + " OR ".join(_quote(tok[i:i + 2]) for i in range(len(tok) - 1)) + ")")
        else:  # a longer Chinese term: all of its character pairs
            parts.extend(_quote(tok[i:i + 2]) for i in range(len(tok) - 1))
    if words:
        parts.append(_quote(" ".join(words)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def match_expr(query: Query) -> str | None:
    """The FTS5 MATCH text for a query; None when no group has anything indexed."""
    groups = []
    for alternatives in query.groups:
        exprs = list(dict.fromkeys(e for e in (term_expr(a, query.any_group) for a in alternatives) if e))
        if exprs:
            groups.append(exprs[0] if len(exprs) == 1 else "(" + " OR ".join(exprs) + ")")
    if not groups:
        return None
    expr = " OR ".join(groups) if query.any_group else " AND ".join(groups)
    if query.project:
        expr = f"section : {_quote(query.project)} AND ({expr})"
    excluded = [e for e in map(term_expr, query.exclude) if e]
    if excluded:
        expr = f"({expr}) NOT ({' OR '.join(excluded)})"
    return expr


def _phrase(query: Query) -> str | None:
    """The English words of a multi-group query as one phrase, for the phrase boost."""
    words = []
    for alternatives in query.groups:
        w = alternatives[0].casefold()
        if not re.fullmatch(r"[0-9a-z][0-9a-z \-]*", w):
            return None
        words.extend(_ASCII_WORD.findall(w))
    return _quote(" ".join(words)) if len(query.groups) > 1 and len(words) > 1 else None


COUNT_LIMIT = 1000  # count matches exactly up to this many past the page; beyond, say "1,000+"
RANK_POOL = 100  # the newest matches that are ranked by relevance (bm25 costs ~2.5 us a row)
RELAXED_POOL = 400  # for a relaxed query (any word): matching most words matters more than age
SECTION_WEIGHT = 3.0  # bm25 weight of the section column against the text's 1.0
PHRASE_BOOST = 2.0
RECENCY_PRIOR = 0.1  # the newest match of the pool scores up to 10 % more than the oldest

_RANKED = ("SELECT rowid, bm25(items_grams, 1.0, {w}) FROM items_grams WHERE items_grams MATCH ?{range}"
           " ORDER BY rowid DESC LIMIT ?")
_IDS = "SELECT rowid FROM items_grams WHERE items_grams MATCH ?{range} ORDER BY rowid DESC LIMIT ?"


def search(conn: sqlite3.Connection, query: Query, limit: int, offset: int) -> tuple[list[int], int, bool]:
    """Ids of the items matching the query, best first; how many match; and whether that count
    is only a lower bound (a vague query matching thousands is not worth counting to the end)."""
    expr = match_expr(query)
    if expr is None:
        return [], 0, False
    where, args = "", [expr]
    if query.ids:
        where, args = " AND rowid BETWEEN ? AND ?", [expr, *query.ids]
    pool = max(RELAXED_POOL if query.any_group else RANK_POOL, offset + limit)
    cap = offset + COUNT_LIMIT
    try:  # counted first, streaming and stopping past the cap: cheap, and it decides how to rank
        counted = conn.execute(f"SELECT count(*) FROM ({_IDS.format(range=where)})", (*args, cap + 1)).fetchone()[0]
    except sqlite3.OperationalError:  # an expression FTS5 refuses: nothing matches it
        return [], 0, False
    if counted == 0:
        return [], 0, False
    total, capped = min(counted, cap), counted > cap
    if counted > COUNT_LIMIT:  # too vague to rank: bm25 would read every match; newest first
        rows = [(rowid, -1.0) for (rowid,) in conn.execute(_IDS.format(range=where), (*args, pool))]
    else:
        rows = conn.execute(_RANKED.format(w=SECTION_WEIGHT, range=where), (*args, pool)).fetchall()
    boosted: set[int] = set()
    phrase = _phrase(query)
    if phrase and len(rows) > 1:
        p_expr = f"section : {_quote(query.project)} AND {phrase}" if query.project else phrase
        boosted = {i for (i,) in conn.execute(_IDS.format(range=where), (p_expr, *args[1:], pool))}
    n = len(rows)
    scored = []
    for k, (rowid, rank) in enumerate(rows):  # newest first: k = 0 is the newest
        score = -rank * (1 + RECENCY_PRIOR * (n - k) / n)
        if rowid in boosted:
            score *= PHRASE_BOOST
        scored.append((score, rowid))
    scored.sort(reverse=True)
    return [rowid for _, rowid in scored[offset:offset + limit]], total, capped
