"""Full-text search over items, for Chinese and English, fast at 100,000s of items.

Two FTS5 indexes over the *visible* items, kept in sync by triggers (so a future-dated post
is not searchable before it is published, and counts need no join):
- `items_fts` (trigram): substrings of 3+ characters, any script.
- `items_grams` (unicode61 over generated tokens): what trigram cannot match (SQLite 3.40 returns
  nothing for 1-2 character terms): every CJK character and CJK character pair; and the ASCII
  words, in order and Porter-stemmed (`migrate` finds "migrations"), because an English word is
  far more selective as a word than as the intersection of common trigrams like "ion" and "ati",
  and because words in order answer phrase queries from the index alone.
Both use the item id as rowid, and item ids sort by issue date (see `item_id`), so
`ORDER BY rowid DESC` is "newest first" straight from the index, with no sort.
Ranking: items containing the whole query as one phrase first, then items containing every
term; newest first within each tier. A query matching thousands of items is too vague to count
to the end: matches are counted up to 1,000 past the page ("1,000+"). English phrases come from
the word index (two streaming FTS5 queries per page); a phrase in other scripts is looked for in
the text of the newest 1,000 matches.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import date

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_WORD = re.compile(r"[0-9a-z]+")
_ONLY_CJK = re.compile(f"^[{_CJK}]+$")
_ONLY_ASCII_WORD = re.compile(r"^[0-9a-z]+$")


def grams(text: str) -> str:
    """The tokens `items_grams` indexes for one item: its ASCII words in order (for phrases),
    then its CJK characters and character pairs."""
    cjk: set[str] = set()
    for run in _CJK_RUN.findall(text):
        cjk.update(run)
        cjk.update(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(_ASCII_WORD.findall(text.casefold())) + " " + " ".join(sorted(cjk))


def item_id(day: date, number: int, position: int) -> int:
    """Ids in "newest first" order: date, then issue number, then (reversed) position."""
    # 24 low bits: 10 for the number (issues sharing a date), 14 for up to 16,384 items an issue
    return (day.toordinal() << 24) | ((number & 0x3FF) << 14) | (0x3FFF - min(position, 0x3FFF))


SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
    text, content='items', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS items_grams USING fts5(
    grams, content='', columnsize=0, tokenize='porter unicode61');
CREATE TRIGGER IF NOT EXISTS items_index_insert AFTER INSERT ON items WHEN new.visible BEGIN
    INSERT INTO items_fts (rowid, text) VALUES (new.id, new.text);
    INSERT INTO items_grams (rowid, grams) VALUES (new.id, digest_grams(new.text));
END;
CREATE TRIGGER IF NOT EXISTS items_index_delete AFTER DELETE ON items WHEN old.visible BEGIN
    INSERT INTO items_fts (items_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO items_grams (items_grams, rowid, grams) VALUES ('delete', old.id, digest_grams(old.text));
END;
CREATE TRIGGER IF NOT EXISTS items_index_show AFTER UPDATE OF visible ON items
WHEN new.visible AND NOT old.visible BEGIN
    INSERT INTO items_fts (rowid, text) VALUES (new.id, new.text);
    INSERT INTO items_grams (rowid, grams) VALUES (new.id, digest_grams(new.text));
END;
CREATE TRIGGER IF NOT EXISTS items_index_hide AFTER UPDATE OF visible ON items
WHEN old.visible AND NOT new.visible BEGIN
    INSERT INTO items_fts (items_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO items_grams (items_grams, rowid, grams) VALUES ('delete', old.id, digest_grams(old.text));
END;
"""


def install(conn: sqlite3.Connection) -> None:
    """Register the tokenising function (every writing connection needs it) and create the indexes."""
    conn.create_function("digest_grams", 1, grams, deterministic=True)
    conn.executescript(SCHEMA)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge each index into one segment (after a big ingest; small ones are left to FTS5's automerge)."""
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO items_grams (items_grams) VALUES ('optimize')")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def match_ids(terms: list[str]) -> tuple[str, list]:
    """A query selecting the ids of visible items that contain every term (no order).

    ASCII words match words with the same stem (`migrate` finds "migration"); CJK terms and
    anything else of 3+ characters match as substrings; the rest falls back to LIKE."""
    words, cjk_short, trigram, odd = [], [], [], []
    for t in terms:
        t = t.casefold()
        if _ONLY_ASCII_WORD.match(t):
            words.append(t)
        elif _ONLY_CJK.match(t) and len(t) <= 2:
            cjk_short.append(t)
        elif len(t) >= 3:
            trigram.append(t)
        else:
            odd.append(t)
    parts, args = [], []
    if trigram:
        parts.append("SELECT rowid FROM items_fts WHERE items_fts MATCH ?")
        args.append(" AND ".join(_quote(t) for t in trigram))
    if words or cjk_short:
        parts.append("SELECT rowid FROM items_grams WHERE items_grams MATCH ?")
        args.append(" AND ".join(_quote(t) for t in words + cjk_short))
    if odd:
        parts.append("SELECT id FROM items WHERE visible = 1 AND "
                     + " AND ".join("text LIKE ? ESCAPE '\\'" for _ in odd))
        args.extend(_like(t) for t in odd)
    return " INTERSECT ".join(parts), args


COUNT_LIMIT = 1000  # count matches exactly up to this many past the page; beyond, say "1,000+"


def search(conn: sqlite3.Connection, terms: list[str], limit: int, offset: int) -> tuple[list[int], int, bool]:
    """Ids of the items matching all `terms`, best first; how many match; and whether that count
    is only a lower bound (a vague query matching thousands is not worth counting to the end)."""
    ids_sql, args = match_ids(terms)
    cap = offset + COUNT_LIMIT
    if len(terms) == 1:
        counted = conn.execute(f"SELECT count(*) FROM ({ids_sql} LIMIT ?)", (*args, cap + 1)).fetchone()[0]
        page = [i for (i,) in conn.execute(f"{ids_sql} ORDER BY 1 DESC LIMIT ? OFFSET ?", (*args, limit, offset))]
        return page, min(counted, cap), counted > cap
    phrase = " ".join(terms).casefold()
    if all(_ONLY_ASCII_WORD.match(t.casefold()) for t in terms):
        return _phrase_first(conn, args[0], _quote(phrase), limit, offset, cap)
    # Other scripts: the phrase is found in the text of the (at most cap + 1) newest matches,
    # which also gives the count; the phrase tier first, newest first within each tier.
    rows = conn.execute(  # LIKE: case-insensitive for ASCII without copying the text
        f"SELECT id, text NOT LIKE ? ESCAPE '\\' FROM items WHERE id IN ({ids_sql} ORDER BY 1 DESC LIMIT ?)",
        (_like(phrase), *args, cap + 1)).fetchall()
    rows.sort(key=lambda r: (r[1], -r[0]))
    return [i for i, _ in rows[offset:offset + limit]], min(len(rows), cap), len(rows) > cap


_GRAMS = "SELECT rowid FROM items_grams WHERE items_grams MATCH ?"


def _phrase_first(conn: sqlite3.Connection, every_word: str, phrase: str, limit: int, offset: int,
                  cap: int) -> tuple[list[int], int, bool]:
    """English words, from the word index alone: the items with the phrase, newest first, then
    the other items with every word (`every_word NOT phrase`, an FTS5 query that also streams
    newest first). Only the page is read; the count runs in SQLite and stops past the cap."""
    counted = conn.execute(f"SELECT count(*) FROM ({_GRAMS} LIMIT ?)", (every_word, cap + 1)).fetchone()[0]
    page = [i for (i,) in conn.execute(f"{_GRAMS} ORDER BY rowid DESC LIMIT ? OFFSET ?", (phrase, limit, offset))]
    if len(page) < limit and counted > offset + len(page):  # the phrase tier ends on this page, or before it
        in_phrase = offset + len(page) if page or not offset else conn.execute(  # an empty page: <= offset
            f"SELECT count(*) FROM ({_GRAMS} LIMIT ?)", (phrase, offset)).fetchone()[0]
        page += [i for (i,) in conn.execute(
            f"{_GRAMS} ORDER BY rowid DESC LIMIT ? OFFSET ?",
            (f"({every_word}) NOT {phrase}", limit - len(page), max(0, offset - in_phrase)))]
    return page, min(counted, cap), counted > cap
