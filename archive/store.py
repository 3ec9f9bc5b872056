"""The SQLite store: the parsed archive, its full-text search, and the archive's metadata.

One file, WAL mode, sqlite-utils for schema and writes, plain SQL for the hot read paths.
Ingest is incremental (files are re-parsed only when their size or mtime changed) and
idempotent, and reports which issues became visible so the announcer can enqueue
deliveries in the same transaction. Lookups return decoded records (`IssueRow`,
`archive.model.Item`, `archive.model.Section`): how they are stored stays in this module.
The bot keeps its own state (subscriptions, paging, key-values) in tables of its own in the
same file (bot/state.py); the store never reads them.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import zlib
import marshal
import os
import sqlite3
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from collections import deque
from itertools import chain
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import sqlite_utils

from archive import bm25, discovery, groups, search_index, series
from archive.dates import from_name
from archive.model import Item, ParsedIssue, Section, Skipped
from archive.projects import misspellings

if TYPE_CHECKING:  # archive.parse (markdown-it) is imported where posts are parsed, not to answer
    from archive.parse import PlainSections

SCHEMA_VERSION = "10"  # 6: one ranked index (grams + section), no trigram index; 7: any layout; 8: items_scoped;
# 9: the words of an item's links indexed (a `links` column in both indexes); 10: without the scheme,
# `www` and the top-level domain (archive/link_words.py)
PARSE_CHUNK = 32  # posts a parse worker is sent at a time
PARALLEL_THRESHOLD = 400  # files to parse before a process pool pays for its start-up
STAGE_ITEMS = 8_000  # items staged before they go into `items` (and the search indexes) in one statement
OPTIMIZE_AFTER = 200  # files changed by one ingest before the search indexes are merged into one


@dataclass(frozen=True, slots=True)
class IssueChange:
    key: str
    number: int
    kind: str  # "published" (first time visible) or "corrected" (visible, content changed). A deleted
    # or unpublished issue raises no event: its pending deliveries render to nothing and are cancelled.


@dataclass
class IngestSummary:
    files: int = 0  # post files seen
    parsed: int = 0  # files (re-)parsed this time
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # this run's newly skipped files
    changes: list[IssueChange] = field(default_factory=list)
    not_taken: list[Skipped] = field(default_factory=list)  # content files that are not posts, and why
    numbering: str = ""  # "stated" (posts state their numbers) or "order" (numbered by date)


@dataclass(frozen=True, slots=True)
class Totals:
    """What the store holds (for summaries: counting reads every item, so not on every scan)."""

    issues: int  # visible issues
    hidden: int  # issues not (yet) published: `published: false` or future-dated
    items: int
    links: int
    skipped: int  # files skipped, with reasons in the `files` table


class IssueRow(NamedTuple):  # built on every lookup: a NamedTuple is the cheapest immutable record
    key: str
    number: int
    title: str
    date: date
    period: tuple[date, date] | None
    path: str
    url: str | None
    sections: tuple[Section, ...]  # in order


# An item's links and an issue's section list are stored as marshal blobs (format 4, readable by
# every Python 3): decoding one is a single C call that yields the very tuples an answer is made
# of, 4x cheaper than JSON. The store is derived from the archive (`digest-bot export --json`
# prints it readably) and is rebuilt from the posts whenever SCHEMA_VERSION changes.
def pack(value: tuple) -> bytes:
    return marshal.dumps(value, 4)


unpack = marshal.loads
_item = functools.partial(tuple.__new__, Item)  # from C: the fields come complete from our rows
_section = functools.partial(tuple.__new__, Section)


def _sections(blob: bytes) -> tuple[Section, ...]:
    return tuple(map(_section, unpack(blob)))


def _items(rows: list[tuple]) -> tuple[Item, ...]:
    """Rows of items across issues (number, section, text, packed links, date) to Items."""
    dates = {d: date.fromisoformat(d) for d in {r[4] for r in rows}}  # a page spans few issues
    return tuple([_item((number, section, text, unpack(links), dates[d]))
                  for number, section, text, links, d in rows])


def _period(start: str | None, end: str | None) -> tuple[date, date] | None:
    if start and end:
        return date.fromisoformat(start), date.fromisoformat(end)
    return None


_UNKNOWN = object()  # a cache not yet filled


def _in_time(lo: date, hi: date, longest: int | None) -> list[tuple[str, tuple[str, ...]]]:
    """The WHEREs of the visible issues dated lo..hi and, given the longest period (days) of any,
    of those whose period overlaps it: two index ranges (one OR of them read every issue). A
    period that starts by hi ends by hi + longest, which bounds the second range."""
    dated = ("visible = 1 AND date BETWEEN ? AND ?", (lo.isoformat(), hi.isoformat()))
    if longest is None:
        return [dated]
    end = hi + timedelta(days=longest) if hi < date.max - timedelta(days=longest) else date.max
    return [dated, ("visible = 1 AND period_end BETWEEN ? AND ? AND period_start <= ?",
                    (lo.isoformat(), end.isoformat(), hi.isoformat()))]


def issue_row(r: sqlite3.Row | tuple) -> IssueRow:
    key, number, title, d, ps, pe, path, url, sections = r
    return IssueRow(key, number, title, date.fromisoformat(d), _period(ps, pe), path, url, _sections(sections))


# The keys of `archive_meta`: schema_version, numbering ("stated"/"order"), archive_root,
# rehash (the first ingest after a rebuild takes the new hashes as no correction), and topics
# (the section names the last look for grouping headings saw, see _unwrap_groups).
_META_KEYS = ("schema_version", "numbering", "archive_root", "rehash", "topics")
# (the preface is stored but no answer shows it: reading it on every lookup would be waste)
ISSUE_COLUMNS = "key, number, title, date, period_start, period_end, path, url, sections"
# The hot statements are built once: sqlite3 finds its prepared statement by the SQL string, and
# a string made per call is hashed per call.
_ISSUE_BY_NUMBER = (f"SELECT {ISSUE_COLUMNS} FROM issues WHERE +visible = 1 AND number = ?"
                    " ORDER BY date DESC LIMIT 1")
_LATEST_ISSUE_WITH = (f"SELECT {ISSUE_COLUMNS} FROM issues WHERE key = (SELECT issue_key FROM items"
                      " WHERE project = ? AND visible = 1 ORDER BY date DESC, number DESC LIMIT 1)")
_ISSUE_ITEMS = "SELECT section, text, links FROM items WHERE issue_key = ? ORDER BY position LIMIT ? OFFSET ?"
_ISSUE_PROJECT_ITEMS = ("SELECT section, text, links FROM items WHERE issue_key = ? AND project = ?"
                        " ORDER BY position LIMIT ? OFFSET ?")


_ITEM_INDEXES = """
            CREATE INDEX IF NOT EXISTS items_project ON items (project, visible, date DESC, number DESC, position);
            CREATE INDEX IF NOT EXISTS items_issue ON items (issue_key, position);"""
_ITEM_COLUMNS = "id, issue_key, number, date, visible, section, project, position, text, links, link_count"
_ROWS_PER_INSERT = 32_766 // 11


@functools.lru_cache(maxsize=8)
def _insert_items(rows: int) -> str:
    return f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES " + ",".join(["(?,?,?,?,?,?,?,?,?,?,?)"] * rows)


class Prepared(NamedTuple):
    """A parsed issue in the shape the store writes it, made where it was parsed (a parse
    worker): plain tuples pickle in C and need no objects rebuilt in the writing process, which
    is the ingest's bottleneck. `issue` keeps no sections; their rows and summary are here."""
    issue: ParsedIssue  # with sections=()
    hash: str
    sections: bytes  # packed ((name, heading, item count), ...)
    rows: list  # (section, project, position, text, packed links, link count) per item
    grams: list[str]  # search_index.grams of each row's text: the search index's tokens, made here too
    scoped: list[str]  # search_index.scoped of each row (items_scoped's tokens), likewise
    links: list[str]  # search_index.link_words of each row's links (the `links` columns), likewise
    scoped_links: list[str]  # search_index.scoped_links of each row


def prepare_plain(result: tuple[ParsedIssue, PlainSections] | Skipped) -> Prepared | Skipped:
    """The rows to write for what Parser.parse_plain returns, and the issue's content hash."""
    if isinstance(result, Skipped):
        return result
    issue, sections = result
    # The content hash: what an announcement shows; a renamed file (path, slug) with the same
    # content hashes the same. repr of plain tuples (dataclasses.asdict and JSON took a fifth of
    # an ingest), made in the pass that makes the rows. Changing its bytes re-announces every
    # issue as corrected unless the schema version changes too.
    h = hashlib.sha1(repr((issue.number, issue.key, issue.title, issue.date, issue.period, issue.categories,
                           issue.published, issue.preface, issue.number_from)).encode())
    rows = []
    position = 0
    for name, heading, items in sections:
        project = name.casefold()
        shown = []
        for text, links, context in items:
            shown.append((text, context, list(links)))
            rows.append((name, project, position, f"{context}: {text}" if context else text,  # shown and searched with it
                         pack(links), len(links)))
            position += 1
        h.update(repr((name, heading, shown)).encode())
    grams = [search_index.grams(row[3]) for row in rows]
    scoped = search_index.scoped
    links = [search_index.link_words(links) if links else "" for _, links, _ in
             (item for _, _, items in sections for item in items)]
    scoped_links = search_index.scoped_links
    return Prepared(issue, h.hexdigest(), pack(tuple((name, heading, len(items)) for name, heading, items in sections)),
                    rows, grams, [scoped(g, row[0]) for g, row in zip(grams, rows)],
                    links, [scoped_links(w, row[0]) for w, row in zip(links, rows)])


# --- parsing in worker processes (full ingests of big archives) --------------------------

_worker_parser = None


def _init_worker(archive_cfg) -> None:
    global _worker_parser
    from archive.parse import Parser

    _worker_parser = Parser(archive_cfg)
    bm25.TOKENS = bm25._Tokens()  # its own stemmer (a forked worker must not use the parent's SQLite connection)


def _parse_in_worker(job: tuple[str, str, date | None, date | None]) -> Prepared | Skipped:
    rel, abspath, mtime_date, git_date = job
    return prepare_plain(_read_and_parse(_worker_parser, rel, Path(abspath), mtime_date, git_date))


def _parse_chunk(jobs: list) -> list:
    return [_parse_in_worker(job) for job in jobs]


def _read_and_parse(parser, rel: str, path: Path, mtime_date: date | None = None,
                    git_date: date | None = None) -> tuple[ParsedIssue, PlainSections] | Skipped:
    try:
        size = path.stat().st_size
        if size > parser.cfg.max_file_bytes:
            return Skipped(rel, f"too large ({size:,} bytes > {parser.cfg.max_file_bytes:,})", False)
        data = path.read_bytes()
    except OSError as e:
        return Skipped(rel, f"cannot read ({e.strerror})", False)
    return parser.parse_plain(rel, data, mtime_date, git_date)


class StoreError(Exception):
    """The database file cannot be used as it is; the message names it and says why."""


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Open with a `mode=ro` URI. A WAL database needs its -shm file: when nobody has it open
    and its folder is not ours, there is none and none can be made, so it is opened immutable."""
    uri = "file:" + urllib.request.pathname2url(str(path.resolve()))
    for flags in ("?mode=ro", "?mode=ro&immutable=1"):
        conn = sqlite3.connect(uri + flags, uri=True, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    raise StoreError(f"database {path}: cannot be opened, even read-only")


class Store:
    def __init__(self, path: Path | str, *, readonly: bool = False):
        """`readonly`: open with a `mode=ro` URI, write nothing."""
        self.path = Path(path)
        self.readonly = readonly
        self._meta_table = "archive_meta"
        if readonly:
            self.conn = _connect_readonly(self.path)
        else:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(self.conn)
        self._projects: list[tuple[str, int]] | None = None  # cached until the next ingest
        self._longest: int | None | object = _UNKNOWN  # likewise (see _longest_period)
        self._titles: list[tuple[int, str]] | None = None  # likewise
        try:
            tables = set(self.db.table_names())
            if tables and not tables & {"archive_meta", "kv"}:  # (kv: schema 7 kept the metadata there)
                raise StoreError(f"database {path}: a SQLite database of some other program, not digest-bot's")
            if readonly:
                self.conn.execute("PRAGMA query_only=ON")
                if "archive_meta" not in tables:  # an older digest-bot's, never opened to write by this one
                    self._meta_table = "kv"
                if self._meta("schema_version") != SCHEMA_VERSION:
                    raise StoreError(f"database {path}: read-only, and written by another version of digest-bot"
                                     " (it needs to be rebuilt, which writes)")
                return
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=5000")
            self._create_schema()
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise StoreError(f"database {path}: not a SQLite database ({e})") from None
        except StoreError:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    # --- schema ------------------------------------------------------------------------

    def _create_schema(self) -> None:
        tables = set(self.db.table_names())
        if "archive_meta" not in tables:
            with self._transaction():
                self.conn.execute("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)")
                if "kv" in tables:  # schema 7 kept these in `kv`, beside the bot's keys (which stay there)
                    keys = ",".join(f"'{k}'" for k in _META_KEYS)
                    self.conn.execute(f"INSERT OR IGNORE INTO archive_meta SELECT key, value FROM kv WHERE key IN ({keys})")
                    self.conn.execute(f"DELETE FROM kv WHERE key IN ({keys})")
        if "issues" in tables and self._meta("schema_version") != SCHEMA_VERSION:
            # An older layout of the parsed archive: drop it, and the next ingest re-reads every
            # post. What was announced (announced_keys) and the bot's state stay.
            self.conn.executescript(
                "DROP TABLE IF EXISTS items_fts; DROP TABLE IF EXISTS items_grams; DROP TABLE IF EXISTS items_scoped;"
                " DROP TABLE IF EXISTS items;"
                " DROP TABLE IF EXISTS sections; DROP TABLE IF EXISTS issues; DROP TABLE IF EXISTS files;"
                " DELETE FROM archive_meta WHERE key = 'archive_root';"  # so `ask` ingests again before answering
                # a new parser reads the same posts a little differently: that is no correction
                " INSERT OR REPLACE INTO archive_meta (key, value) VALUES ('rehash', '1');")
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS files (
                path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                issue_key TEXT, reason TEXT, is_digest INTEGER DEFAULT 0);
            CREATE TABLE IF NOT EXISTS issues (
                key TEXT PRIMARY KEY, number INTEGER NOT NULL, title TEXT NOT NULL,
                date TEXT NOT NULL, period_start TEXT, period_end TEXT, path TEXT NOT NULL,
                url TEXT, preface TEXT, published INTEGER NOT NULL, visible INTEGER NOT NULL,
                hash TEXT NOT NULL,
                number_from TEXT NOT NULL,  -- "" when the post states no number (see _number_issues)
                is_issue INTEGER NOT NULL,  -- 0: a post without a number in a digest that numbers its issues
                sections BLOB NOT NULL);  -- packed ((name, heading, item count), ...): one read for a summary
            CREATE INDEX IF NOT EXISTS issues_visible ON issues (visible, date DESC, number DESC);
            DROP INDEX IF EXISTS issues_number;  -- (number) alone: picking the newest took a sort
            CREATE INDEX IF NOT EXISTS issues_number_date ON issues (number, date);
            -- the issues of a span of dates and those whose period overlaps it, read from the index alone
            CREATE INDEX IF NOT EXISTS issues_periods ON issues (visible, period_end, period_start, date);
            CREATE TABLE IF NOT EXISTS items (
                id INTEGER PRIMARY KEY,
                issue_key TEXT NOT NULL REFERENCES issues(key) ON DELETE CASCADE,
                number INTEGER NOT NULL, date TEXT NOT NULL, visible INTEGER NOT NULL,
                section TEXT NOT NULL, project TEXT NOT NULL, position INTEGER NOT NULL,
                text TEXT NOT NULL,
                links BLOB NOT NULL, link_count INTEGER NOT NULL);  -- packed ((url, label), ...)
            """ + _ITEM_INDEXES + """
            -- keys that were ever visible, and what they looked like: the event source of truth,
            -- so a rename or a delete-then-add never counts as a new publication
            CREATE TABLE IF NOT EXISTS announced_keys (key TEXT PRIMARY KEY, hash TEXT NOT NULL);
            """
        )
        search_index.install(self.conn)
        # the index triggers' tokens of the items an ingest writes, made by the parse workers
        self._grams: dict[str, str] = {}
        self.conn.create_function("digest_grams", 1, self._item_grams, deterministic=True)
        self._scoped: dict[tuple[str, str], str] = {}
        self.conn.create_function("digest_scoped", 2, self._item_scoped, deterministic=True)
        self._links: dict[bytes, str] = {}
        self.conn.create_function("digest_links", 1, self._item_links, deterministic=True)
        self._scoped_links: dict[tuple[bytes, str], str] = {}
        self.conn.create_function("digest_scoped_links", 2, self._item_scoped_links, deterministic=True)
        self._set_meta("schema_version", SCHEMA_VERSION)

    def _item_grams(self, text: str) -> str:
        g = self._grams.get(text)
        return search_index.grams(text) if g is None else g

    def _item_scoped(self, text: str, section: str) -> str:
        g = self._scoped.get((text, section))  # (a section renamed since it was parsed: made here)
        return search_index.scoped(self._item_grams(text), section) if g is None else g

    def _item_links(self, blob: bytes) -> str:
        w = self._links.get(blob)
        return search_index.link_words_packed(blob) if w is None else w

    def _item_scoped_links(self, blob: bytes, section: str) -> str:
        w = self._scoped_links.get((blob, section))
        return search_index.scoped_links(self._item_links(blob), section) if w is None else w

    def forget_archive(self) -> None:
        """Start afresh for another archive: its posts and what counted as published go (the
        caller seeds the new back catalogue, and forgets what its own state said of the old one)."""
        with self._transaction():
            for table in ("items", "issues", "files", "announced_keys"):
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("DELETE FROM archive_meta WHERE key IN ('archive_root', 'numbering')")
        self._projects, self._longest, self._titles = None, _UNKNOWN, None

    # --- the archive's metadata --------------------------------------------------------

    @property
    def archive_root(self) -> str | None:
        """The archive this database was last filled from (None: never, or it was rebuilt)."""
        return self._meta("archive_root")

    def set_archive_root(self, root: str) -> None:
        self._set_meta("archive_root", root)

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute(f"SELECT value FROM {self._meta_table} WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO archive_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- ingest ------------------------------------------------------------------------

    def ingest(self, root: Path, parser, **options) -> IngestSummary:
        """Bring the store in line with the archive at `root` (options: `ingesting`'s); see the
        module docstring. Nothing else is written with it: a caller that must write with the
        changes (the bot queues their announcements) uses `ingesting`."""
        with self.ingesting(root, parser, **options) as summary:
            pass
        return summary

    @contextlib.contextmanager
    def ingesting(
        self,
        root: Path,
        parser,
        *,
        today: date,
        progress: Callable[[int, int], None] | None = None,
        permalink: Callable[[ParsedIssue], str | None] | None = None,
    ) -> Iterator[IngestSummary]:
        """`ingest`, handing its summary (`changes`: what became published, corrected or
        withdrawn) to the body of the `with` while the ingest's transaction is still open: what
        the body writes on this connection commits with the ingest, or neither does (an
        exception rolls both back). Write with plain `conn.execute(...)` there (sqlite-utils'
        table.insert() wraps itself in `with conn:`, which would COMMIT half-way)."""
        root = Path(root)
        summary = IngestSummary()
        self._numbering = self._meta("numbering")
        # a duplicate is parsed again each time: the issue it lost to may have changed or gone
        recorded = self.conn.execute("SELECT path, mtime_ns, size, reason FROM files").fetchall()
        known = {p: (m, s) for p, m, s, r in recorded if not (r or "").startswith("duplicate of")}
        seen: dict[str, tuple[int, int]] = {}
        todo: list[tuple[str, Path]] = []
        found = discovery.find(root, parser.cfg.posts)
        summary.not_taken = [Skipped(rel, reason) for rel, reason in found.not_taken]
        for rel, path in found.posts:
            try:
                st = path.stat()
            except OSError:
                continue
            seen[rel] = (st.st_mtime_ns, st.st_size)
            if known.get(rel) != seen[rel]:
                todo.append((rel, path))
        dated: dict[str, tuple[date | None, date | None]] = {}
        if found.layout != "jekyll":  # posts may state no date: git's, else the file's
            undated = {rel for rel, _ in todo if from_name(rel.rsplit("/", 1)[-1]) is None}
            git = discovery.git_first_dates(root, undated)
            dated = {rel: (date.fromtimestamp(seen[rel][0] / 1e9), git.get(rel)) for rel in undated}
        summary.files = len(seen)
        summary.unchanged = summary.files - len(todo)
        gone = [p for p, *_ in recorded if p not in seen]

        # parsing streams into the transaction, so parse workers and SQLite writes overlap
        self._stage()
        big = len(todo) + len(gone) >= OPTIMIZE_AFTER
        if big:  # merged once at the end: FTS5 need not merge its segments as they come (a third less)
            self._automerge(0)
            cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
            self.conn.execute("PRAGMA cache_size = -8000")  # 8 MB while the indexes grow: faster, and RSS stays low
        try:
            with self._transaction():
                # a first ingest builds the items' indexes once at the end (sorting, not one
                # B-tree insert a row into each): nothing is deleted meanwhile that would need them
                fresh = big and not self.conn.execute("SELECT 1 FROM items LIMIT 1").fetchone()
                if fresh:
                    self.conn.execute("DROP INDEX items_project")
                    self.conn.execute("DROP INDEX items_issue")
                for rel in gone:
                    self._forget_file(rel)
                summary.removed = len(gone)
                written: set[str] = set()
                for (rel, _), result in zip(todo, self._parse_all(parser, todo, dated, progress)):
                    summary.parsed += 1
                    if isinstance(result, Prepared):
                        written.add(result.issue.key)
                    for skip in self._apply(rel, seen, result, today, permalink):
                        summary.skipped.append(skip)
                    if self._staged >= STAGE_ITEMS:  # index while the workers parse on
                        self._unstage()
                self._unstage()
                if fresh:
                    for statement in filter(str.strip, _ITEM_INDEXES.split(";")):
                        self.conn.execute(statement)
                if summary.parsed:
                    if not parser.cfg.topic_level:
                        self._unwrap_groups(written, parser.projects.canonical)
                    self._merge_misspellings(parser.cfg.fuzzy_threshold)
                summary.numbering = self._number_issues(parser.cfg.number_from)
                summary.changes = self._refresh_visibility(today)
                yield summary
            if big:
                # A big ingest leaves each index in many segments, and every search reads them all
                # (newest-first paging 4x slower at 10,000 issues). Merging costs 0.2 ms an issue.
                with self._transaction():
                    search_index.optimize(self.conn)
        finally:
            if big:
                self._automerge(4)  # FTS5's default, for the small ingests that follow
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        self._projects, self._longest, self._titles = None, _UNKNOWN, None

    def _apply(self, rel: str, seen: dict, result, today: date, permalink) -> list[Skipped]:
        """Replace what the store holds for file `rel` with its parse result; the files this
        made skipped (it, or the later post it took an issue number from)."""
        mtime, size = seen[rel]
        self._forget_file(rel)
        evicted: list[Skipped] = []
        if isinstance(result, Prepared):
            issue = result.issue
            owner = self.conn.execute("SELECT path, date FROM issues WHERE key = ?", (issue.key,)).fetchone()
            if owner and owner[0] != rel and owner[0] in seen:
                if (issue.date.isoformat(), rel) < (owner[1], owner[0]):  # the earliest keeps the number
                    lost = Skipped(owner[0], f"duplicate of issue {issue.number} ({rel})", True)
                    self.conn.execute("UPDATE files SET issue_key = NULL, reason = ?, is_digest = 1 WHERE path = ?",
                                      (lost.reason, owner[0]))
                    evicted.append(lost)
                else:
                    result = Skipped(rel, f"duplicate of issue {issue.number} ({owner[0]})", True)
        if isinstance(result, Prepared):
            try:
                self.conn.execute("SAVEPOINT issue")
                self._write_issue(result, today, permalink(result.issue) if permalink else None)
                self.conn.execute("RELEASE issue")
            except sqlite3.IntegrityError as e:  # e.g. two issues with one number on one date
                self.conn.execute("ROLLBACK TO issue")
                self.conn.execute("RELEASE issue")
                result = Skipped(rel, f"conflicts with another issue ({e})", True)
        if isinstance(result, Skipped):
            self._record_file(rel, mtime, size, None, result.reason, result.is_digest)
            return [result, *evicted]
        self._record_file(rel, mtime, size, result.issue.key, None, True)
        return evicted

    def _automerge(self, level: int) -> None:
        for index in search_index.INDEXES:
            self.conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('automerge', ?)", (level,))

    def _stage(self) -> None:
        """New items wait here (by issue key) and go into `items` in one statement per
        STAGE_ITEMS, in id order: FTS5 writes its pending terms out whenever a rowid is lower
        than the last one, and an issue's own ids run downwards (5x slower one issue at a time).
        In Python lists, not a temporary table: a seventh of the writing process went to filling
        and indexing one."""
        self._staged_rows: dict[str, list[tuple]] = {}
        self._staged_slots: set[int] = set()  # id >> 14 of the staged items: see _free_id_number
        self._staged = 0

    def _unstage_issue(self, key: str) -> None:
        rows = self._staged_rows.pop(key, None)
        if rows:
            self._staged -= len(rows)
            self._staged_slots.discard(rows[0][0] >> 14)

    def _unstage(self) -> None:
        rows = [row for batch in self._staged_rows.values() for row in batch]
        rows.sort()
        self._stage()
        # Each statement flushes FTS5's pending terms (a statement is a savepoint), so not one
        # INSERT per row (executemany: 2.5x slower), but as many rows per statement as SQLite's
        # 32,766 parameters allow.
        for k in range(0, len(rows), _ROWS_PER_INSERT):
            batch = rows[k:k + _ROWS_PER_INSERT]
            self.conn.execute(_insert_items(len(batch)), list(chain.from_iterable(batch)))
        self._grams.clear()
        self._scoped.clear()
        self._links.clear()
        self._scoped_links.clear()

    def _unwrap_groups(self, written: set[str], canonical: Callable[[str], str]) -> None:
        """Sections that only group the archive's topics (see archive.groups) hand their items
        to those topics. Every issue is looked at when the archive's section names changed (a
        new name may reveal groups in old issues), else only the issues just written."""
        c = self.conn
        topics, mark = self._topics()
        query = "SELECT id, issue_key, section, text FROM items WHERE instr(text, ': ') > 1"
        order = " ORDER BY id DESC"  # an issue's items in their order (ids run down an issue)
        if mark != self._meta("topics") or len(written) > 500:
            rows = c.execute(query + order).fetchall()
        elif written:
            rows = c.execute(query + f" AND issue_key IN ({','.join('?' * len(written))})" + order,
                             tuple(written)).fetchall()
        else:
            return
        found = groups.groups(rows, topics)
        for (key, section), moves in found.items():
            names: dict[str, str] = {}  # a subheading's section name, as other issues write it
            for _, sub, _ in moves:
                if sub not in names:
                    name = canonical(sub)
                    used = c.execute("SELECT section FROM items WHERE project = ? AND section != ? LIMIT 1",
                                     (name.casefold(), section)).fetchone()
                    names[sub] = used[0] if used else name
            ids = [i for i, _, _ in moves]
            with self._reindexing(f"id IN ({','.join('?' * len(ids))})", ids):
                c.executemany("UPDATE items SET section = ?, project = ?, text = ? WHERE id = ?",
                              [(names[sub], names[sub].casefold(), text, i) for i, sub, text in moves])
            counts: dict[str, list] = {}
            for _, sub, _ in moves:
                counts.setdefault(names[sub], [sub, 0])[1] += 1
            summary: dict[str, list] = {}
            for name, heading, n in unpack(c.execute("SELECT sections FROM issues WHERE key = ?", (key,)).fetchone()[0]):
                if name == section:
                    if n - len(moves):
                        summary[name] = [heading, n - len(moves)]
                    for new, (sub, k) in counts.items():
                        summary.setdefault(new, [sub, 0])[1] += k
                else:
                    summary.setdefault(name, [heading, 0])[1] += n
            c.execute("UPDATE issues SET sections = ? WHERE key = ?",
                      (pack(tuple((name, h, n) for name, (h, n) in summary.items())), key))
        if found:
            topics, mark = self._topics()
        self._set_meta("topics", mark)

    def _topics(self) -> tuple[set[str], str]:
        """The archive's section names (casefolded), and a mark that changes when they do."""
        topics = {p for (p,) in self.conn.execute("SELECT DISTINCT project FROM items")}
        return topics, hashlib.sha1("\n".join(sorted(topics)).encode()).hexdigest()

    @contextlib.contextmanager
    def _reindexing(self, where: str, args) -> Iterator[None]:
        """For a block that changes the section or text of the items `where` picks: the search
        indexes hold both, so the visible ones leave them as they were and come back as they are."""
        shown = [(i,) for (i,) in self.conn.execute(f"SELECT id FROM items WHERE visible AND {where}", args)]
        self.conn.executemany("UPDATE items SET visible = 0 WHERE id = ?", shown)
        yield
        self.conn.executemany("UPDATE items SET visible = 1 WHERE id = ?", shown)

    def _merge_misspellings(self, threshold: int) -> None:
        """A section name of one issue that misspells one of many issues becomes that name."""
        c = self.conn
        counts = dict(c.execute("SELECT section, count(DISTINCT issue_key) FROM items GROUP BY section"))
        for wrong, right in misspellings(counts, threshold).items():
            keys = [k for (k,) in c.execute("SELECT DISTINCT issue_key FROM items WHERE section = ?", (wrong,))]
            with self._reindexing("section = ?", (wrong,)):
                c.execute("UPDATE items SET section = ?, project = ? WHERE section = ?", (right, right.casefold(), wrong))
            for key in keys:
                merged: dict[str, list] = {}
                for name, heading, n in unpack(c.execute("SELECT sections FROM issues WHERE key = ?", (key,)).fetchone()[0]):
                    name = right if name == wrong else name
                    if name in merged:
                        merged[name][1] += n
                    else:
                        merged[name] = [heading, n]
                c.execute("UPDATE issues SET sections = ? WHERE key = ?",
                          (pack(tuple((name, h, n) for name, (h, n) in merged.items())), key))

    def _number_issues(self, number_from: str) -> str:
        """Decide, for the whole archive, what posts that state no number are. In a digest that
        numbers its issues, they are other posts (a guide, an announcement) and skipped; in a
        digest that states none (or one to three posts in a hundred, whose titles happen to look
        numbered), every post is an issue, numbered 1, 2, ... in date order, unless the digest is
        one series of posts in a blog (archive.series). `number_from` "stated" or "order" forces
        either (with "order", every post)."""
        c = self.conn
        stated, total = c.execute("SELECT count(*) FILTER (WHERE number_from != ''), count(*) FROM issues").fetchone()
        by_date = stated == 0 or (stated <= 3 and stated * 100 <= total)
        order = number_from == "order" or (number_from == "auto" and by_date)
        if order:
            rows = c.execute("SELECT key, number, title FROM issues ORDER BY date, path").fetchall()
            # in a blog that holds the digest beside other posts, only the digest's are issues
            digest = series.digest_series([t for _, _, t in rows]) if number_from == "auto" else None
            members = [(k, n) for k, n, t in rows if digest is None or series.series_key(t) == digest]
            moved = [(n, key) for n, (key, old) in enumerate(members, 1) if old != n]
            c.executemany("UPDATE issues SET number = ? WHERE key = ?", moved)
            c.executemany("UPDATE items SET number = ? WHERE issue_key = ?", moved)
            c.execute("UPDATE issues SET is_issue = 1 WHERE NOT is_issue")
            c.execute("UPDATE files SET reason = NULL, is_digest = 1 WHERE reason LIKE 'not a digest issue (no number%'"
                      " OR reason LIKE 'not a digest issue (not a post of%'")
            if digest is not None:
                others = [(k,) for k, _, t in rows if series.series_key(t) != digest]
                c.executemany("UPDATE issues SET is_issue = 0, number = 0 WHERE key = ?", others)
                c.executemany("UPDATE items SET number = 0 WHERE issue_key = ?", others)
                reason = f"not a digest issue (not a post of the digest's series, titled {digest!r}...)"
                c.executemany("UPDATE files SET reason = ?, is_digest = 0 WHERE reason IS NULL AND issue_key = ?",
                              [(reason, k) for (k,) in others])
            self._set_meta("numbering", "order")
            return "order"
        c.execute("UPDATE issues SET is_issue = (number_from != '') WHERE is_issue != (number_from != '')")
        c.execute("UPDATE files SET reason = 'not a digest issue (no number in its title, front matter or file name)',"
                  " is_digest = 0 WHERE reason IS NULL AND issue_key IN (SELECT key FROM issues WHERE NOT is_issue)")
        c.execute("UPDATE files SET reason = NULL, is_digest = 1 WHERE reason LIKE 'not a digest issue (no number%'"
                  " AND issue_key IN (SELECT key FROM issues WHERE is_issue)")
        self._set_meta("numbering", "stated")
        return "stated"

    def _parse_all(self, parser, todo: list[tuple[str, Path]], dated: dict, progress) -> Iterator:
        """Parse results in `todo` order: in worker processes when there are many files."""
        total = len(todo)
        if total >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            jobs = [(rel, str(p), *dated.get(rel, (None, None))) for rel, p in todo]
            chunks = [jobs[k:k + PARSE_CHUNK] for k in range(0, total, PARSE_CHUNK)]
            workers = os.cpu_count() or 2
            with ProcessPoolExecutor(
                max_workers=workers, initializer=_init_worker, initargs=(parser.cfg,)
            ) as pool:
                # a few chunks in flight, not all: parsing outruns the writes, and the parsed
                # posts waiting for them would hold the whole archive in memory
                pending = deque(pool.submit(_parse_chunk, c) for c in chunks[:2 * workers])
                ahead = iter(chunks[2 * workers:])
                n = 0
                while pending:
                    results = pending.popleft().result()
                    nxt = next(ahead, None)
                    if nxt is not None:
                        pending.append(pool.submit(_parse_chunk, nxt))
                    for result in results:
                        n += 1
                        yield result
                        if progress and (n % 100 == 0 or n == total):
                            progress(n, total)
            return
        for n, (rel, path) in enumerate(todo, 1):
            yield prepare_plain(_read_and_parse(parser, rel, path, *dated.get(rel, (None, None))))
            if progress and (n % 50 == 0 or n == total):
                progress(n, total)

    class _Tx:
        def __init__(self, conn):
            self.conn = conn

        def __enter__(self):
            self.conn.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type, *_):
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def _transaction(self) -> "Store._Tx":
        return Store._Tx(self.conn)

    def _record_file(self, rel, mtime, size, key, reason, is_digest) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO files (path, mtime_ns, size, issue_key, reason, is_digest) VALUES (?,?,?,?,?,?)",
            (rel, mtime, size, key, reason, int(is_digest)),
        )

    def _forget_file(self, rel: str) -> None:
        row = self.conn.execute("SELECT issue_key FROM files WHERE path = ?", (rel,)).fetchone()
        if row and row[0]:
            if self.conn.execute("DELETE FROM issues WHERE key = ? AND path = ?", (row[0], rel)).rowcount:
                self._unstage_issue(row[0])
        self.conn.execute("DELETE FROM files WHERE path = ?", (rel,))

    def _write_issue(self, prepared: Prepared, today: date, url: str | None) -> None:
        c = self.conn
        issue = prepared.issue
        c.execute("DELETE FROM issues WHERE key = ?", (issue.key,))  # cascades to sections, items
        # a post without a number starts as an issue if the archive was last numbered by date
        is_issue = bool(issue.number_from) or self._numbering != "stated"
        visible = int(issue.published and issue.date <= today and is_issue)
        day = issue.date.isoformat()
        c.execute(
            "INSERT INTO issues (key, number, title, date, period_start, period_end, path, url, preface,"
            " published, visible, hash, sections, number_from, is_issue) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                issue.key, issue.number, issue.title, day,
                issue.period[0].isoformat() if issue.period else None,
                issue.period[1].isoformat() if issue.period else None,
                issue.path, url, issue.preface, int(issue.published), visible, prepared.hash,
                prepared.sections, issue.number_from, int(is_issue),
            ),
        )
        self._unstage_issue(issue.key)  # after the INSERT: a failed one rolls back to what was
        id_number = issue.number if issue.number_from else self._free_id_number(issue)
        key, number = issue.key, issue.number
        # search_index.item_id(date, id_number, position): the first item's id, counting down
        first = search_index.item_id(issue.date, id_number, 0)
        rows = [(first - min(row[2], 0x3FFF), key, number, day, visible, *row) for row in prepared.rows]
        if rows:
            self._staged_rows[key] = rows
            self._staged_slots.add(rows[0][0] >> 14)
            self._staged += len(rows)
            self._grams.update(zip([row[3] for row in prepared.rows], prepared.grams))
            self._scoped.update(zip([(row[3], row[0]) for row in prepared.rows], prepared.scoped))
            self._links.update(zip([row[4] for row in prepared.rows], prepared.links))
            self._scoped_links.update(zip([(row[4], row[0]) for row in prepared.rows], prepared.scoped_links))

    def _free_id_number(self, issue: ParsedIssue) -> int:
        """Item ids order items by date, then number (see search_index.item_id); a post without
        a number (numbered later, by date) takes a stand-in from its path that no other issue of
        that date uses."""
        day = issue.date.toordinal() << 24
        n = zlib.crc32(issue.path.encode())
        for k in range(1024):
            low = day | (((n + k) & 0x3FF) << 14)
            if (low >> 14) not in self._staged_slots and not self.conn.execute(
                    "SELECT 1 FROM items WHERE id BETWEEN ? AND ?", (low, low | 0x3FFF)).fetchone():
                return n + k
        return n

    def _refresh_visibility(self, today: date) -> list[IssueChange]:
        """Re-evaluate Jekyll's date rule and diff against what was ever visible."""
        c = self.conn
        t = today.isoformat()
        flips = c.execute(
            "SELECT key, (published AND is_issue AND date <= ?) FROM issues"
            " WHERE visible != (published AND is_issue AND date <= ?)", (t, t)
        ).fetchall()
        for key, visible in flips:  # the index triggers follow items.visible
            c.execute("UPDATE issues SET visible = ? WHERE key = ?", (visible, key))
            c.execute("UPDATE items SET visible = ? WHERE issue_key = ?", (visible, key))
        if self._meta("rehash"):  # the first ingest after a schema change: new hashes, no edits
            c.execute("UPDATE announced_keys SET hash = (SELECT hash FROM issues i WHERE i.key = announced_keys.key"
                      " AND i.visible = 1) WHERE key IN (SELECT key FROM issues WHERE visible = 1)")
            c.execute("DELETE FROM archive_meta WHERE key = 'rehash'")
        changes = []
        rows = c.execute(
            "SELECT i.key, i.number, i.hash, a.hash FROM issues i LEFT JOIN announced_keys a ON a.key = i.key"
            " WHERE i.visible = 1 AND (a.hash IS NULL OR a.hash != i.hash) ORDER BY i.date, i.number"
        ).fetchall()
        for key, number, new_hash, old_hash in rows:
            changes.append(IssueChange(key, number, "published" if old_hash is None else "corrected"))
            c.execute(
                "INSERT INTO announced_keys (key, hash) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET hash = excluded.hash",
                (key, new_hash),
            )
        return changes

    def totals(self) -> Totals:
        c = self.conn
        return Totals(
            issues=c.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0],
            hidden=c.execute("SELECT count(*) FROM issues WHERE NOT visible AND is_issue").fetchone()[0],
            items=c.execute("SELECT count(*) FROM items WHERE visible = 1").fetchone()[0],
            links=c.execute("SELECT coalesce(sum(link_count), 0) FROM items WHERE visible = 1").fetchone()[0],
            skipped=c.execute("SELECT count(*) FROM files WHERE reason IS NOT NULL").fetchone()[0],
        )

    def skipped_files(self) -> list[Skipped]:
        return [
            Skipped(p, r, bool(d))
            for p, r, d in self.conn.execute(
                "SELECT path, reason, is_digest FROM files WHERE reason IS NOT NULL ORDER BY path"
            )
        ]

    # --- reads -------------------------------------------------------------------------

    def latest_issue(self) -> IssueRow | None:
        r = self.conn.execute(
            f"SELECT {ISSUE_COLUMNS} FROM issues WHERE visible = 1 ORDER BY date DESC, number DESC LIMIT 1"
        ).fetchone()
        return issue_row(r) if r else None

    def issue_by_number(self, number: int) -> IssueRow | None:
        r = self.conn.execute(_ISSUE_BY_NUMBER, (number,)).fetchone()
        return issue_row(r) if r else None

    def issues(self, limit: int, offset: int = 0) -> tuple[list[IssueRow], int]:
        total = self.conn.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {ISSUE_COLUMNS} FROM issues WHERE visible = 1 ORDER BY date DESC, number DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [issue_row(r) for r in rows], total

    def issues_in(self, lo: date, hi: date, limit: int, offset: int = 0, covering: bool = False
                  ) -> tuple[list[IssueRow], int]:
        """The published issues dated lo..hi, newest first, and how many; with `covering`, also
        those whose period overlaps lo..hi (an issue of 09-16 covering 0826-0916 has August's news)."""
        ranges = _in_time(lo, hi, self._longest_period() if covering else None)
        where, args = ranges[0] if len(ranges) == 1 else (
            "key IN (" + " UNION ".join(f"SELECT key FROM issues WHERE {w}" for w, _ in ranges) + ")",
            tuple(a for _, r in ranges for a in r))
        total = self.conn.execute(f"SELECT count(*) FROM issues WHERE {where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {ISSUE_COLUMNS} FROM issues WHERE {where} ORDER BY date DESC, number DESC"
            " LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()
        return [issue_row(r) for r in rows], total

    def dates_covering(self, lo: date, hi: date) -> tuple[date, date] | None:
        """The first and last date of the published issues dated in lo..hi or covering part of it."""
        ranges = _in_time(lo, hi, self._longest_period())
        first, last = self.conn.execute(
            "SELECT min(a), max(b) FROM (" + " UNION ALL ".join(
                f"SELECT min(date) AS a, max(date) AS b FROM issues WHERE {w}" for w, _ in ranges) + ")",
            tuple(a for _, r in ranges for a in r)).fetchone()
        return (date.fromisoformat(first), date.fromisoformat(last)) if first else None

    def _longest_period(self) -> int | None:
        """The most days any published issue's period spans (None: no issue states one)."""
        if self._longest is _UNKNOWN:
            n = self.conn.execute("SELECT max(julianday(period_end) - julianday(period_start)) FROM issues"
                                  " WHERE visible = 1 AND period_start IS NOT NULL").fetchone()[0]
            self._longest = None if n is None else int(n) + 1
        return self._longest

    def visible_issues(self) -> list[tuple[str, int]]:
        """(key, number) of the published issues, newest first."""
        return self.conn.execute(
            "SELECT key, number FROM issues WHERE visible = 1 ORDER BY date DESC, number DESC").fetchall()

    def titles(self) -> list[tuple[int, str]]:
        """(number, title) of the published issues, newest first; the same list until the next
        ingest (a few hundred short rows: callers derive from it once per list)."""
        if self._titles is None:
            self._titles = self.conn.execute(
                "SELECT number, title FROM issues WHERE visible = 1 ORDER BY date DESC, number DESC").fetchall()
        return self._titles

    def sections(self, key: str) -> list[Section]:
        """An issue's sections, in order."""
        row = self.conn.execute("SELECT sections FROM issues WHERE key = ?", (key,)).fetchone()
        return list(_sections(row[0])) if row else []

    def projects(self) -> list[tuple[str, int]]:
        """Every section name with its number of visible items, most first."""
        if self._projects is None:
            self._projects = self.conn.execute(
                "SELECT section, count(*) AS n FROM items WHERE visible = 1 GROUP BY project ORDER BY n DESC, section"
            ).fetchall()
        return self._projects

    def issue_items(self, issue: IssueRow, project: str | None = None, limit: int = -1, offset: int = 0,
                    total: int | None = None) -> tuple[tuple[Item, ...], int]:
        """An issue's items (of one project) in order, and how many there are in all (pass
        `total` when the caller knows it from the section counts). The number and date come
        from `issue`: not reading them per row saves a fifth."""
        key = issue.key
        sql, args = (_ISSUE_PROJECT_ITEMS, (key, project.casefold())) if project else (_ISSUE_ITEMS, (key,))
        if total is None:
            rows = self.conn.execute(sql, (*args, limit + 1 if limit >= 0 else -1, offset)).fetchall()
            if limit < 0 or len(rows) <= limit:  # the last page: the count is known without counting
                total = offset + len(rows) if rows or not offset else self._count_items(key, project)
            else:
                rows, total = rows[:limit], self._count_items(key, project)
        else:
            rows = self.conn.execute(sql, (*args, limit, offset)).fetchall()
        number, day = issue.number, issue.date
        return tuple([_item((number, section, text, unpack(links), day)) for section, text, links in rows]), total

    def _count_items(self, key: str, project: str | None) -> int:
        if project:
            return self.conn.execute("SELECT count(*) FROM items WHERE issue_key = ? AND project = ?",
                                     (key, project.casefold())).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM items WHERE issue_key = ?", (key,)).fetchone()[0]

    def latest_issue_with(self, project: str) -> IssueRow | None:
        r = self.conn.execute(_LATEST_ISSUE_WITH, (project.casefold(),)).fetchone()
        return issue_row(r) if r else None

    def project_items(
        self, project: str | tuple[str, ...], *, since: date | None = None, until: date | None = None,
        numbers: Iterable[int] | None = None, limit: int, offset: int = 0,
    ) -> tuple[tuple[Item, ...], int]:
        """A project's (or several projects') items across issues (dated since..until), newest issue first."""
        keys = [p.casefold() for p in ((project,) if isinstance(project, str) else project)]
        where = ("project = ?" if len(keys) == 1 else f"project IN ({','.join('?' * len(keys))})") + " AND visible = 1"
        args: list = list(keys)
        if since:
            where += " AND date >= ?"
            args.append(since.isoformat())
        if until:
            where += " AND date <= ?"
            args.append(until.isoformat())
        if numbers is not None:
            numbers = list(numbers)
            where += f" AND number IN ({','.join('?' * len(numbers))})"
            args.extend(numbers)
        if since is None and until is None and numbers is None:  # the cached per-project counts save a range scan
            total = sum(n for name, n in self.projects() if name.casefold() in keys)
        else:
            total = self.conn.execute(f"SELECT count(*) FROM items WHERE {where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT number, section, text, links, date FROM items WHERE {where}"
            " ORDER BY date DESC, number DESC, position LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return _items(rows), total

    def last_numbers_with(self, project: str, n: int) -> list[int]:
        """The numbers of the newest `n` issues that have a section for `project`."""
        return [
            num for (num,) in self.conn.execute(
                "SELECT DISTINCT number FROM items WHERE project = ? AND visible = 1 ORDER BY date DESC, number DESC LIMIT ?",
                (project.casefold(), n),
            )
        ]

    _ranker: bm25.Ranker | None = None

    def search(self, query: search_index.Query | list[str], *, limit: int, offset: int = 0
               ) -> tuple[tuple[Item, ...], int, bool]:
        """Items matching the query (or containing every one of a list of terms), best first, the
        number of matches, and whether that number is a lower bound; see archive.search_index."""
        if not isinstance(query, search_index.Query):
            query = search_index.Query(tuple((t,) for t in query))
        if self._ranker is None:  # BM25 statistics, cached until the index changes
            self._ranker = search_index.new_ranker(self.conn)
        ids, total, capped = search_index.search(self.conn, query, limit, offset, self._ranker)
        if not ids:
            return (), total, capped
        return self._found_items(ids), total, capped

    def held_by_most(self, query: search_index.Query) -> bool:
        """Whether more than half of the indexed items match the query (the index's own count of
        rows, and the matches read only as far as that half)."""
        if self._ranker is None:
            self._ranker = search_index.new_ranker(self.conn)
        ranker = self._ranker

        def read() -> bool:
            rows = ranker.rows()
            return rows > 0 and search_index.matches_at_least(self.conn, query, rows // 2 + 1, ranker)
        return ranker.memo("most\0" + repr(query), read)  # once per word and index state

    def opens_most_issues(self, query: search_index.Query) -> bool:
        """Whether the first item of more than half of the visible issues matches the query (the
        words a digest greets its readers with: "Welcome to another issue of Knot Weekly")."""
        if self._ranker is None:
            self._ranker = search_index.new_ranker(self.conn)
        ranker = self._ranker

        def read() -> bool:
            issues = self.conn.execute("SELECT count(*) FROM issues WHERE visible = 1").fetchone()[0]
            return issues > 0 and search_index.openings_matching(self.conn, query, ranker) * 2 > issues
        return ranker.memo("opens\0" + repr(query), read)  # once per word and index state

    _found: dict[int, Item] = {}  # a found item by id, as of one write mark of the database
    _found_mark: object = None

    def _found_items(self, ids: list[int]) -> tuple[Item, ...]:
        """The items of a page of search hits. They are kept until anything is written to the
        database (the ranker's mark of the search just made: its write counters): the same items
        come back for page after page and question after question."""
        if self._found_mark != self._ranker.mark or len(self._found) > 2_000:
            self._found, self._found_mark = {}, self._ranker.mark
        found = self._found
        missing = [i for i in ids if i not in found]
        if missing:
            rows = self.conn.execute(f"SELECT id, number, section, text, links, date FROM items"
                                     f" WHERE id IN ({','.join('?' * len(missing))})", missing).fetchall()
            found.update(zip([r[0] for r in rows], _items([r[1:] for r in rows])))
        return tuple([found[i] for i in ids if i in found])

    def index_words(self, prefix: str) -> list[tuple[str, int]]:
        """The search index's ASCII tokens (porter stems: `translat`) that begin with `prefix`, with
        the number of items holding each: a range read of the index's terms, for spelling (asked
        only when a search found nothing)."""
        if not prefix or not prefix.isascii():
            return []
        self._vocabulary()
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return self.conn.execute("SELECT term, doc FROM temp.items_terms WHERE term >= ? AND term < ?",
                                 (prefix, after)).fetchall()

    def written_as(self, stem: str) -> list[str]:
        """The words one item writes for an index token (`translat`: translator), read from the
        text or the link words of an item that holds it; [] when none does."""
        self._vocabulary()
        row = self.conn.execute("SELECT doc, col FROM temp.items_term_rows WHERE term = ? LIMIT 1", (stem,)).fetchone()
        if row is None:
            return []
        item = self.conn.execute("SELECT text, links, section FROM items WHERE id = ?", (row[0],)).fetchone()
        if item is None:
            return []
        text = {"grams": item[0], "links": search_index.link_words_packed(item[1])}.get(row[1], item[2])
        words = set(search_index.ascii_words(text))
        bm25.TOKENS.stem_all(words)
        return sorted(w for w in words if bm25.TOKENS.stems.get(w) == stem)

    _has_vocabulary = False  # the temp fts5vocab tables made (per connection: per Store)

    def _vocabulary(self) -> None:
        """The index's terms as tables of this connection's own (temp: also on a read-only database)."""
        if not self._has_vocabulary:
            if self.readonly:  # query_only forbids the temp tables too; mode=ro still keeps the file unwritten
                self.conn.execute("PRAGMA query_only=OFF")
            try:
                self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.items_terms USING fts5vocab(main, items_grams, row)")
                self.conn.execute(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.items_term_rows USING fts5vocab(main, items_grams, instance)")
            finally:
                if self.readonly:
                    self.conn.execute("PRAGMA query_only=ON")
            self._has_vocabulary = True

    def issue_project_names(self, key: str) -> list[str]:
        return [s.name for s in self.sections(key)]

    def export(self) -> Iterator[tuple[IssueRow, list[tuple[Section, list[Item]]]]]:
        """Every visible issue, oldest first, with its sections and their items."""
        for r in self.conn.execute(
            f"SELECT {ISSUE_COLUMNS} FROM issues WHERE visible = 1 ORDER BY date, number"
        ).fetchall():
            issue = issue_row(r)
            items, _ = self.issue_items(issue)
            by_section: dict[str, list[Item]] = {}
            for item in items:
                by_section.setdefault(item.section, []).append(item)
            yield issue, [(s, by_section.get(s.name, [])) for s in issue.sections]
