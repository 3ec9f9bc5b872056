"""The platform-free core: a line of text and a Context in, a Reply out.

Synchronous and fast (a few SQLite queries per command); adapters call it from their loop.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from archive.numerals import parse_number
from archive.projects import ProjectNames
from archive.store import IssueRow, Store, unpack
from bot import commands as cmd
from bot.config import Config
from bot.reply import Context, IssueRef, Item, Reply, SectionCount

MAX_SEARCH_TERMS = 8
MAX_TERM_CHARS = 64
MAX_MIRRORED_PAGES = 10_000


def issue_ref(row: IssueRow) -> IssueRef:
    return IssueRef(row.number, row.title, row.date, row.period, row.url)


# tuple.__new__ straight from C: the fields come complete from our own rows, and going through
# a NamedTuple's Python __new__ doubles the cost of a page's items and sections.
_item = partial(tuple.__new__, Item)
_section_count = partial(tuple.__new__, SectionCount)


def section_counts(issue: IssueRow) -> tuple[SectionCount, ...]:
    return tuple([_section_count((name, n)) for name, _, n in issue.sections])


def to_items(rows: list[tuple]) -> tuple[Item, ...]:
    """Rows of items across issues (number, section, text, packed links, date) to Items."""
    dates = {d: date.fromisoformat(d) for d in {r[4] for r in rows}}  # a page spans few issues
    return tuple([_item((number, section, text, unpack(links), dates[d])) for number, section, text, links, d in rows])


def issue_items(issue: IssueRow, rows: list[tuple]) -> tuple[Item, ...]:
    """Rows of one issue's items (section, text, packed links) to Items."""
    number, day = issue.number, issue.date
    return tuple([_item((number, section, text, unpack(links), day)) for section, text, links in rows])


def _items_reply(title: str, items: tuple[Item, ...], total: int, offset: int, **extra) -> Reply:
    return Reply(title=title, kind="items", items=items, more=max(0, total - offset - len(items)), **extra)


def error(title: str, *text: str, notice: str | None = None) -> Reply:
    return Reply(title=title, kind="error", text=text, notice=notice, ok=False)


class Core:
    def __init__(self, store: Store, config: Config):
        self.store = store
        self.config = config
        self.page_size = config.page_size
        a = config.archive
        self.names = ProjectNames(a.aliases, a.group_headings, a.fuzzy_threshold)
        self._known: tuple[object, dict[str, str]] = (None, {})
        self._pages: dict[str, tuple[str, int] | None] = {}  # conversation -> what `more` continues
        self._handlers: dict[str, Callable[[tuple[str, ...], Context, int], Reply]] = {
            "latest": self._latest,
            "issue": self._issue,
            "issues": self._issues,
            "projects": self._projects,
            "search": self._search,
            "more": self._more,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "subscriptions": self._subscriptions,
            "help": self._help,
        }
        missing = {c.name for c in cmd.COMMANDS} ^ set(self._handlers)
        assert not missing, f"commands without handlers (or handlers without commands): {missing}"

    # --- entry point -----------------------------------------------------------------

    def handle(self, text: str, ctx: Context) -> Reply:
        return self._run(cmd.parse(text), ctx, offset=0)

    def _run(self, parsed: cmd.Parsed, ctx: Context, offset: int) -> Reply:
        if parsed.command is None:
            return self._project_or_search(parsed, ctx, offset)
        reply = self._handlers[parsed.command.name](parsed.args, ctx, offset)
        if parsed.command.pages:
            self._remember(ctx, parsed.text, offset, reply)
        return reply

    def _remember(self, ctx: Context, text: str, offset: int, reply: Reply) -> None:
        """Keep what `more` continues: the command and offset of an answer with more to show, or
        nothing. The store holds it (an `ask` is a process of its own); this process's last write
        per conversation is mirrored, so a command that changes nothing touches no SQL. That is
        safe because a conversation lives in one process: the bot's, or one `chat` session."""
        key = ctx.conversation
        page = (text, offset) if reply.more > 0 else None
        last = self._pages[key] if key in self._pages else self.store.last_page(key)
        if page != last:
            if page is None:
                self.store.forget_page(key)
            else:
                self.store.remember_page(key, text, offset)
        if len(self._pages) >= MAX_MIRRORED_PAGES:
            self._pages.clear()
        self._pages[key] = page

    # --- projects --------------------------------------------------------------------

    def _known_projects(self) -> dict[str, str]:
        """casefolded -> name of every project in the archive (rebuilt when an ingest changed it)."""
        projects = self.store.projects()  # the same list object until the next ingest
        if self._known[0] is not projects:
            self._known = (projects, {name.casefold(): name for name, _ in projects})
        return self._known[1]

    def resolve_project(self, words: tuple[str, ...]) -> tuple[str | None, int]:
        """The project named by the first one to three words, and how many words it took."""
        known = self._known_projects()
        for n in (3, 2, 1):
            if len(words) < n:
                continue
            phrase = " ".join(words[:n])
            name = self.names.resolve(phrase)
            if name is None:
                name = known.get(phrase.casefold())
            if name is not None:
                return name, n
        return None, 0

    def _did_you_mean(self, word: str) -> list[str]:
        candidates = set(self._known_projects().values()) | {name for name, _ in self.config.archive.aliases}
        return self.names.suggest(word, candidates, limit=3)

    def _unknown_project(self, word: str) -> Reply:
        suggestions = self._did_you_mean(word)
        hint = f"Did you mean {' or '.join(suggestions)}?" if suggestions else "Try `projects` for the list."
        return error(f"I don't know a project called “{word[:40]}”.", hint)

    def _project_or_search(self, parsed: cmd.Parsed, ctx: Context, offset: int) -> Reply:
        project, used = self.resolve_project(parsed.args)
        if project:
            reply = self._project_query(project, parsed.args[used:], ctx, offset)
            self._remember(ctx, parsed.text, offset, reply)
            return reply
        rest = {w.casefold() for w in parsed.args[1:]}
        query_words = cmd.FILLER | cmd.LATEST_WORDS | cmd.LAST_WORDS | cmd.SINCE_WORDS | cmd.IN_WORDS
        if rest and rest <= query_words | {w for w in rest if w[:1].isdigit()}:
            # `hete links`, `nvoa since 2014-06-01`: clearly a project query with a typo
            return self._unknown_project(parsed.args[0])
        reply = self._search(parsed.args, ctx, offset)
        self._remember(ctx, "search " + parsed.text, offset, reply)
        notice = f"“{cmd.clean(parsed.args[0])[:40]}” is not a command, so I searched for it."
        suggestions = self._did_you_mean(parsed.args[0]) if not reply.items else []
        if suggestions:
            notice += f" Did you mean the project {' or '.join(suggestions)}?"
        return _with_notice(reply, notice)

    def _project_query(self, project: str, words: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        since: date | None = None
        last: int | None = None
        number: int | None = None
        latest = False
        i = 0
        while i < len(words):
            w = words[i].casefold()
            nxt = words[i + 1] if i + 1 < len(words) else None
            if w in cmd.FILLER:
                i += 1
            elif w in cmd.LATEST_WORDS:
                latest, i = True, i + 1
            elif w in cmd.LAST_WORDS and nxt and parse_number(nxt.rstrip("期")):
                last, i = parse_number(nxt.rstrip("期")), i + 2
            elif w in cmd.SINCE_WORDS and nxt and cmd.parse_date(nxt):
                since, i = cmd.parse_date(nxt), i + 2
            elif w in cmd.IN_WORDS and nxt and _issue_number(nxt):
                number, i = _issue_number(nxt), i + 2
            elif _issue_number(w) and w.startswith(("#", "第")):
                number, i = _issue_number(w), i + 1
            else:
                return error(
                    f"I didn't understand “{words[i][:40]}” after {project}.",
                    f"Usage: {cmd.PROJECT_QUERY_USAGE}",
                    "Examples: " + " · ".join(cmd.PROJECT_QUERY_EXAMPLES),
                )
        if latest:
            return self._latest_project(project, offset)
        if number is not None:
            row = self.store.issue_by_number(number)
            if row is None:
                return self._no_issue(number)
            return self._issue_section(row, project, offset)
        numbers = self.store.last_numbers_with(project, last) if last else None
        rows, total = self.store.project_items(
            project, since=since, numbers=numbers, limit=self.page_size, offset=offset
        )
        scope = (f"in the last {last} issues with {project}" if last > 1 else f"in the last issue with {project}") if last else (
            f"since {since.isoformat()}" if since else "across all issues")
        if total == 0:
            return Reply(title=f"No {project} items {scope}.", kind="items")
        return _items_reply(f"{project}: {total} item{'s' if total != 1 else ''} {scope}, newest first",
                            to_items(rows), total, offset)

    def _latest_project(self, project: str, offset: int) -> Reply:
        row = self.store.latest_issue_with(project)
        if row is None:
            return Reply(title=f"No issue has a {project} section yet.", kind="items")
        return self._issue_section(row, project, offset)

    def _issue_section(self, row: IssueRow, project: str, offset: int) -> Reply:
        total = sum(n for name, _, n in row.sections if name.casefold() == project.casefold())
        rows, total = self.store.issue_items(row.key, project, limit=self.page_size, offset=offset, total=total)
        if total == 0:
            return Reply(title=f"Issue {row.number} has no {project} section.", kind="items",
                         issue=issue_ref(row), url=row.url)
        return _items_reply(f"{project} in issue {row.number} ({_when(row)})", issue_items(row, rows), total,
                            offset, issue=issue_ref(row), url=row.url)

    # --- commands ----------------------------------------------------------------------

    def _latest(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        if args:
            project, used = self.resolve_project(args)
            if project is None:
                return self._unknown_project(args[0])
            words = tuple(w for w in args[used:] if w.casefold() not in cmd.FILLER)
            if words:
                return error(f"I didn't understand “{words[0][:40]}”.", "Usage: latest [PROJECT]")
            return self._latest_project(project, offset)
        row = self.store.latest_issue()
        if row is None:
            return Reply(title="The archive has no published issues yet.", kind="issue")
        return self._issue_summary(row)

    def _issue_summary(self, row: IssueRow, items: bool = False, offset: int = 0) -> Reply:
        sections = section_counts(row)
        title = f"Issue {row.number}: {row.title}"
        if items:
            rows, total = self.store.issue_items(row.key, limit=self.page_size, offset=offset,
                                                 total=sum(s.count for s in sections))
            shown = issue_items(row, rows)
            return Reply(title=title, kind="issue", issue=issue_ref(row), sections=sections, url=row.url,
                         items=shown, more=max(0, total - offset - len(shown)))
        return Reply(title=title, kind="issue", issue=issue_ref(row), sections=sections, url=row.url)

    def _no_issue(self, number: int) -> Reply:
        latest = self.store.latest_issue()
        hint = f"The newest is issue {latest.number}; `issues` lists them all." if latest else "The archive is empty."
        return error(f"There is no issue {number}.", hint)

    def _issue(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        number = _issue_number(args[0]) if args else None
        if number is None:
            return error("Which issue?", "Usage: issue N [PROJECT] — for example `issue 19`, `#19` or `第十九期`.")
        row = self.store.issue_by_number(number)
        if row is None:
            return self._no_issue(number)
        if len(args) > 1:
            project, used = self.resolve_project(args[1:])
            if project is None:
                return self._unknown_project(args[1])
            return self._issue_section(row, project, offset)
        return self._issue_summary(row, items=True, offset=offset)

    def _issues(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        rows, total = self.store.issues(self.page_size, offset)
        if total == 0:
            return Reply(title="The archive has no published issues yet.", kind="issues")
        refs = tuple(issue_ref(r) for r in rows)
        return Reply(title=f"{total} issue{'s' if total != 1 else ''}, newest first", kind="issues",
                     issues=refs, more=max(0, total - offset - len(refs)))

    def _projects(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        counts = tuple(SectionCount(name, n) for name, n in self.store.projects())
        return Reply(title=f"{len(counts)} projects", kind="projects", sections=counts)

    def _search(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        terms = [t[:MAX_TERM_CHARS] for t in (_strip_quotes(a) for a in args) if t][:MAX_SEARCH_TERMS]
        if not terms:
            return error("Search for what?", "Usage: search WORDS — for example `search live migration` or `搜索 热迁移`.")
        rows, total, capped = self.store.search(terms, limit=self.page_size, offset=offset)
        shown = " ".join(terms)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        if total == 0:
            return Reply(title=f"Nothing in the archive mentions “{shown}”.", kind="items")
        count = f"{total:,}+ items" if capped else f"{total} item{'s' if total != 1 else ''}"
        return _items_reply(f"“{shown}”: {count}, best first", to_items(rows), total, offset, more_at_least=capped)

    def _more(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        last = self.store.last_page(ctx.conversation)
        if last is None:
            return Reply(title="Nothing more to show.", kind="text")
        text, last_offset = last
        reply = self._run(cmd.parse(text), ctx, last_offset + self.page_size)
        if reply.ok and not (reply.items or reply.issues):  # the archive changed under us
            return Reply(title="Nothing more to show.", kind="text")
        return reply

    def _subscribe(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        if not args:
            return error("Subscribe to which project?", "Usage: subscribe PROJECT — for example `subscribe heat`.")
        project, _ = self.resolve_project(args)
        if project is None:
            return self._unknown_project(args[0])
        terminal = ctx.platform == "console"
        if terminal and not self.config.terminal_only():  # `run` talks in Slack / Matrix, not here
            return error("Subscriptions reach people in Slack or Matrix, where this bot runs.",
                         f"Send `subscribe {project}` to the bot there (`/digest subscribe {project}` in Slack,"
                         f" `!digest subscribe {project}` in Matrix).")
        new = self.store.subscribe(ctx.platform, ctx.user, project)
        first = "You are subscribed" if new else "You were already subscribed"
        where = ("will be printed in this terminal while `digest-bot run` runs here" if terminal
                 else "will reach you in a direct message")
        return Reply(title=f"{first} to {project}.", kind="text",
                     text=(f"Each new issue with {project} items {where}. `unsubscribe {project}` stops it.",))

    def _unsubscribe(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        if not args:
            return error("Unsubscribe from which project?", "Usage: unsubscribe PROJECT, or `unsubscribe all`.")
        if args[0].casefold() in ("all", "全部"):
            n = self.store.unsubscribe(ctx.platform, ctx.user, None)
            return Reply(title=f"Unsubscribed from {n} project{'s' if n != 1 else ''}.", kind="text")
        project, _ = self.resolve_project(args)
        if project is None:
            return self._unknown_project(args[0])
        n = self.store.unsubscribe(ctx.platform, ctx.user, project)
        return Reply(title=f"Unsubscribed from {project}." if n else f"You were not subscribed to {project}.",
                     kind="text")

    def _subscriptions(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        projects = self.store.subscriptions_of(ctx.platform, ctx.user)
        if not projects:
            return Reply(title="You have no subscriptions.", kind="text", text=("Try `subscribe heat`.",))
        return Reply(title="Your subscriptions", kind="text", text=(", ".join(projects),))

    def _help(self, args: tuple[str, ...], ctx: Context, offset: int) -> Reply:
        return Reply(title="What I can do", kind="help", text=tuple(cmd.help_lines()))

    # --- announcements -----------------------------------------------------------------

    def announcement(self, number: int, items_per_section: int | None = None) -> Reply | None:
        """A new issue, for the channels: title, number, period, link, sections with counts and first items."""
        row = self.store.issue_by_number(number)
        if row is None:
            return None
        k = self.config.announce.items_per_section if items_per_section is None else items_per_section
        rows, _ = self.store.issue_items(row.key)
        seen: dict[str, int] = {}
        first = []
        for r in rows:
            seen[r[0]] = seen.get(r[0], 0) + 1
            if seen[r[0]] <= k:
                first.append(r)
        sections = section_counts(row)
        return Reply(title=f"New issue {row.number}: {row.title}", kind="announcement", issue=issue_ref(row),
                     sections=sections, items=issue_items(row, first), url=row.url)

    def subscription_digest(self, number: int, project: str) -> Reply | None:
        """A subscriber's DM: PROJECT's items in a new issue (None when it has none)."""
        row = self.store.issue_by_number(number)
        if row is None:
            return None
        rows, total = self.store.issue_items(row.key, project)
        if total == 0:
            return None
        return Reply(title=f"{project} in the new issue {row.number} ({_when(row)})", kind="items",
                     items=issue_items(row, rows), issue=issue_ref(row), url=row.url)


def _when(row: IssueRow) -> str:
    if row.period:
        return f"{row.period[0].isoformat()} – {row.period[1].isoformat()}"
    return row.date.isoformat()


def _issue_number(word: str) -> int | None:
    w = word.strip().lstrip("#")
    if w.startswith("第"):
        w = w[1:]
    w = w.rstrip("期")
    n = parse_number(w) if w else None
    return n if n is not None and 0 < n < 10**9 else None


def _strip_quotes(word: str) -> str:
    return word.strip("\"'“”‘’「」()（）*")


def _with_notice(reply: Reply, notice: str) -> Reply:
    return reply._replace(notice=notice)
