"""The platform-free core: a line of text and a Context in, a Reply out, in the asker's language.

Synchronous and fast (a few SQLite queries per command); adapters call it from their loop.
`Core` is the one place commands are declared, each beside its handler (`@command`, see
bot/commands.py); a line that starts with no command word is a question (`Core._question`), read
by bot/query.py and answered as a project query or a ranked search (`Core._search_answer`).

What it leans on: bot/names.py (`Projects`: project names as typed, typos, "did you mean"),
bot/terms.py (`Glossary`: what the archive writes for a term), bot/conversation.py
(`ConversationMemory`: what each conversation asked before, for its follow-ups) and
bot/announcements.py (`Announcements`: new issues for the channels and the subscribers).
"""
from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
from datetime import date, timedelta
from typing import NamedTuple

from archive.link_words import pasted_links
from archive.search_index import Query, ascii_words, day_range, issue_range
from archive.store import IssueRow, Store
from bot import commands as cmd
from bot import conversation, query
from bot.announcements import Announcements
from bot.commands import command
from bot.config import Config
from bot.conversation import ConversationMemory
from bot.i18n import N_, Tr, reworded, tr
from bot.names import Misspelt, Projects
from bot.names import TYPO_THRESHOLD  # noqa: F401 (tests/test_questions.py)
from bot.replies import issue_ref, localized, when
from bot.reply import Context, Item, Reply, SectionCount
from bot.spelling import ArchiveSpelling
from bot.state import BotState
from bot.terms import Glossary, issue_number, zh_milestones
from bot.terms import milestone as _milestone  # noqa: F401 (tests/test_release_words.py)
from bot.time_words import Scope, misspelt_time_words, take_scope
from bot.titles import IssueTitles
from bot.wording import section_words

log = logging.getLogger(__name__)

_LINK_WORDS = frozenset(("links", "link", "items", "news", "链接", "条目"))
# what joins names in a list: "heat and nova", "heat, nova", "heat; nova", "heat | nova", "heat vs nova", "heat和nova"
_JOINED = re.compile(r"\b(?:and|or|plus|vs|versus)\b|[,;|&、，；+/]|和|与|及|跟|或")
_LETTERS = re.compile(r"[a-z]+")  # a line's English words, for the slips of its time words
_UNDO = re.compile(r"取消|不要|不想|不再|不用|别|停止")  # a subscription undone
# the words of (un)subscribing in a Chinese line, longest first, and what makes the line a question instead
_SUBSCRIBING = re.compile(r"不再订阅|不想订阅|不要订阅|取消订阅|退订|订阅|取消|不要|不想|不再|不用|别|停止|一下|都|掉")
_ASKED = re.compile(r"吗|么|\?|？|什么|哪些|有没有")
# (un)subscribing said with the verbs of being sent things, beside a project ("notify me about neutron",
# "keep me posted on heat", "stop sending me heat", "mute nova", "no more nova updates", "有新的heat就通知我",
# "推送neutron给我", "别再给我发heat的消息了", "停止推送nova"): one search a line; `undo` marks stopping
_NOTIFYING = re.compile(r"\b(?:notify|ping|message|dm|email|send)\s+me\b|\bkeep\s+me\s+(?:posted|updated|informed)\b"
                        r"|\bsign\s+me\s+up\b|推送|通知我|提醒我|发给我|给我发|私信|收到"
                        r"|(?P<undo>\b(?:stop|quit|mute|no\s+more)\b|不想|不要|不再|不用|别|停止|取消)")
# what may stand beside the project in such a line (besides the stop words)
_NOTIFY_WORDS = frozenset({"notify", "notifying", "notified", "ping", "pinging", "message", "messages", "messaging",
                           "dm", "dms", "email", "emails", "emailing", "send", "sending", "keep", "posted", "updated",
                           "informed", "sign", "stop", "quit", "mute", "notifications", "notification", "anymore",
                           "don't", "dont", "alerts"})
_HINTS_EN = (" me", "stop", "quit", "mute", "no more")
_HINTS_ZH = frozenset("推通提发私收不别停取")


def _notifying_hint(line: str) -> bool:
    """Whether _NOTIFYING may match at all: a few substring tests, not the regex, on most lines."""
    return any(h in line for h in _HINTS_EN) or not line.isascii() and not _HINTS_ZH.isdisjoint(line)


_NOTIFY_ZH = re.compile(r"不想|不要|不再|不用|别|停止|取消|再|给我|推送|通知|提醒|发送|发|收到|收|接收|私信|就|有新|新的|消息|更新|我|的|了|请|一下|吧")
_NEWS = re.compile(r"\b(?:news|updates?|new|openstack|digest|newsletter|happening|happened)\b|新闻|动态|消息|新的|最新|更新"
                   r"|周报|周刊|月报|简报"
                   # an issue as a whole ("highlights", "what's trending", "热点"): the newest
                   r"|\b(?:highlights|summary|overview|recap|rundown|tldr)\b|重点|亮点|看点|要点|热点|热门|"
                   + query.HOT_FRAME.pattern)
MAX_ISSUE_NUMBER = 10**9
# What is said to the bot and is no question: thanks and greetings (only when nothing else was understood)
_SMALL_TALK = re.compile(r"(?P<thanks>\b(?:thanks?|thank\s+you|thx|tks|ty|cheers|appreciated?)\b|谢谢|多谢|感谢|谢啦|谢了|辛苦了)"
                         r"|\b(?:hi|hello|hey|yo|good\s+(?:morning|afternoon|evening))\b|你好|您好|在吗|哈喽|嗨"
                         # an answer taken in ("ok", "got it", "好的", "知道了"), alone
                         r"|(?P<ack>^(?:ok|okay|k|got\s+it|i\s+see|cool|great|nice|perfect|awesome|好的|好吧|好|知道了|明白了|明白|"
                         r"了解|收到|嗯|嗯嗯|哦|噢)[\s!.。！~]*$)", re.IGNORECASE)
_SHORT_HELP = frozenset({"h", "?", "？"})  # help's one-letter words, which begin other questions too


def _items_reply(title: str, items: tuple[Item, ...], total: int, offset: int, **extra) -> Reply:
    return Reply(title=title, kind="items", items=items, more=max(0, total - offset - len(items)), **extra)


def _project_page(project: str, items: tuple[Item, ...], total: int, scope_text: str, t: Tr, offset: int) -> Reply:
    """A page of a project's (or projects') items, newest first, or that there are none."""
    if total == 0:
        return Reply(title=t.gettext("No {project} items {scope}.").format(project=project, scope=scope_text),
                     kind="items")
    count = t.ngettext("{n} item", "{n} items", total).format(n=total)
    return _items_reply(t.gettext("{project}: {count} {scope}, newest first").format(
        project=project, count=count, scope=scope_text), items, total, offset)


def error(title: str, *text: str, notice: str | None = None) -> Reply:
    return Reply(title=title, kind="error", text=text, notice=notice, ok=False)


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class Request(NamedTuple):
    args: tuple[str, ...]
    ctx: Context
    offset: int
    t: Tr
    text: str  # the cleaned line


# A line that names the digest or its issues, not only a time (a time alone after a question is a follow-up)
_NAMES_ISSUES = re.compile(r"(?<!\bin )(?<!\bfrom )\b(?:issues?|editions?|digests?|newsletters?)\b|期刊|一期|这期|那期|"
                           + _NEWS.pattern)
_ANY_WORD = re.compile(r"\w")


class Core:
    def __init__(self, store: Store, config: Config, state: BotState | None = None):
        """`state`: subscriptions and paging (default: the bot's state in `store`'s database)."""
        self.store = store
        self.state = state if state is not None else BotState.of(store)
        self.config = config
        self.page_size = config.page_size
        self._rooms = dict(config.language_overrides)
        self.glossary = Glossary(config.search, store)
        self.spelling = ArchiveSpelling(store, self.glossary)
        self.projects = Projects(store, config.archive, self.glossary)
        self.titles = IssueTitles(store)
        self.memory = ConversationMemory(self.state, store, self.projects)
        self.announcements = Announcements(store, config, self._rooms)

    # --- entry point -----------------------------------------------------------------

    def language(self, text: str, ctx: Context) -> str:
        """The reply's language: the room's or the config's, or with "auto" the line's; a line with
        no English words of its own (`DVR`, `neutron gbp`, `2014.1.1`: names, terms, numbers) keeps
        the language of the conversation's last line, so a Chinese asker stays answered in Chinese."""
        lang = self._rooms.get(ctx.where) or self.config.language
        if lang != "auto":
            return lang
        return self.memory.language(ctx.conversation, text)

    def _tr(self, lang: str) -> Tr:
        """The messages of a language, in this archive's words: a digest configured without project
        names is read by its sections (bot/wording.py); rebuilt when an ingest changed them."""
        if self.config.archive.aliases:
            return tr(lang)
        cache = self.projects.per_sections("reworded", dict)  # lang -> Tr
        t = cache.get(lang)
        if t is None:
            t = cache[lang] = reworded(tr(lang), section_words(self.store))
        return t

    def handle(self, text: str, ctx: Context) -> Reply:
        parsed = cmd.parse(text)
        key = ctx.conversation
        memory = self.memory
        t = self._tr(self.language(parsed.text, ctx))
        if memory.suggested or memory.asked:
            parsed, lang = memory.answering(parsed, key)
            if lang is not None:
                t = self._tr(self.language(parsed.text, ctx))
        try:
            if memory.shown and key in memory.shown:
                parsed = memory.follow(parsed, key)
            reply = self._run(parsed, ctx, 0, t)
            memory.showed(key, reply)
        except sqlite3.OperationalError as e:
            if "readonly" in str(e):  # a read-only database: the caller says which command needs to write
                raise
            log.exception("answering %r", parsed.text[:200])
            reply = error(t.gettext("Something went wrong answering that."),
                          t.gettext("Try `help` for what I understand."))
        except Exception:  # a bug must not leave a user without an answer; the log has it
            log.exception("answering %r", parsed.text[:200])
            reply = error(t.gettext("Something went wrong answering that."),
                          t.gettext("Try `help` for what I understand."))
        return reply if t.lang == "en" else localized(reply, t)  # "en" is the default: no copy

    def failure(self, text: str, ctx: Context) -> Reply:
        """What an adapter answers when `handle` itself failed: the same apology, in the asker's language."""
        try:
            t = self._tr(self.language(text, ctx))
        except Exception:  # noqa: BLE001 (the apology must not fail too)
            t = tr("en")
        return error(t.gettext("Something went wrong answering that."),
                     t.gettext("Try `help` for what I understand."))._replace(lang=t.lang)

    def _run(self, parsed: cmd.Parsed, ctx: Context, offset: int, t: Tr) -> Reply:
        req = Request(parsed.args, ctx, offset, t, parsed.text)
        if parsed.command is None:
            reply = self._question(parsed.text, req)
            self.memory.remember(ctx, parsed.text, offset, reply)
            return reply
        reply = getattr(self, parsed.command.handler)(req)
        if parsed.command.pages:
            self.memory.remember(ctx, parsed.text, offset, reply)
        elif parsed.command.name != "more":  # `help`, `subscribe heat`: no list, and none to page
            self.memory.unlisted(ctx)
        return reply

    # --- projects --------------------------------------------------------------------

    def _named(self, args: tuple[str, ...]) -> tuple[list[str], str | None]:
        """The projects a subscribe or unsubscribe names (`heat`, `heat nova`, `heat和nova`, `heat了`,
        a clear typo), and the first word that names none (None: every word did)."""
        project, used = self.projects.resolve(args)
        if project is not None and used == len(args):  # the common case, and names of several words
            return [project], None
        line = query.normalize(" ".join(args)).casefold()
        names, unknown = [], None
        spoken = self.projects.spoken(line)  # "subscribe show and tell": a name its stop words would break
        if spoken is None and (misspelt := self._misspelt_name(line)) is not None:  # "subscribe crate of the wek"
            spoken = misspelt.project, misspelt.rest
        if spoken is not None:
            names.append(spoken[0])
            line = spoken[1]
        w = query.words(line, self.projects.dictionary())
        for term in self._join_phrases(w.terms, w.phrases):
            name = self.projects.name(term) or self.projects.typo(term)
            if name:
                names.append(name)
            elif unknown is None and term not in cmd.ASKING_WORDS and not (len(term) == 1 and query._HAS_CJK.match(term)):
                unknown = query.as_typed(term, line)
        return list(dict.fromkeys(names)), unknown

    def _unknown_project(self, word: str, req: Request, command: str) -> Reply:
        t = req.t
        _ = t.gettext
        suggestions = self.projects.did_you_mean(word)
        self.memory.suggest(req, command, suggestions)
        hint = (_("Did you mean {names}?").format(names=_(" or ").join(suggestions)) if suggestions
                else _("Try `projects` for the list."))
        return error(_("I don't know a project called “{name}”.").format(name=_short(word)), hint)

    # --- questions ---------------------------------------------------------------------

    def _question(self, text: str, req: Request, misspelt: Misspelt | None = None) -> Reply:
        """`misspelt`: the name of several words the line misspells, read as that name (see below)."""
        words = text.split()
        if len(words) <= 2 and (len(words) == 1 or words[1].casefold() in _LINK_WORDS) and text[:1] != "*":  # `heat links`
            project = self.projects.name(words[0])
            if project and project.casefold() in self.projects.known():
                self.memory.note(req, project, (), Scope())
                same = self.projects.same(project)
                return self._projects_items((project, *same), Scope(), req) if same else self._project_items(project, Scope(), req)
        line = query.normalize(text).casefold()
        asked = self.memory.last_asked(req.ctx.conversation)
        follow = None
        if asked is not None:
            if asked.listed and len(words) == 1:  # "17" after a list of issues: that issue
                number = issue_number(words[0].strip("?？!！.。"))
                if number is not None:
                    return self._issue(req._replace(args=(str(number),)))
            unframed, follow = conversation.unframed(line)
        source = unframed if follow else line
        # "crate of the week": a name its stop words would break
        spoken = self.projects.spoken(source) if misspelt is None else (misspelt.project, misspelt.rest)
        if spoken is not None:
            source = spoken[1]
        scope, rest = self._take_scope(source)
        if follow and not scope and rest.strip() and " " not in rest.strip():  # "same for july", "七月呢": a month
            month, left = self._take_scope(("in " if rest.isascii() else "在") + rest.strip())
            if month:
                scope, rest = month, left
        words = self._words(rest)
        if follow and spoken is None and not (scope or words.terms or words.exclude):  # "还有吗": no follow-up, only its frame
            follow = None
            scope, rest = self._take_scope(line)
            words = self._words(rest)
        terms = self._join_phrases(words.terms, words.phrases)
        project = spoken[0] if spoken is not None else None
        for i, term in enumerate(terms if project is None else ()):
            if term not in words.phrases:
                project = self.projects.name(term) or self.projects.of_glossary(term)
                if project:
                    terms = terms[:i] + terms[i + 1:]
                    words.said = term  # an alias ("image") is also a word to look for
                    break
        if project is None and spoken is None:  # no name read: one of several words typed with a typo?
            misspelt = self._misspelt_name(source)
            if misspelt is not None:  # "crate of the wek": the question about Crate of the Week, and say so
                return _with_notice(self._question(text, req, misspelt), req.t.gettext(
                    "“{words}” is no name in the archive; showing {project}.").format(
                    words=_short(misspelt.typed), project=misspelt.project))
        if project:  # "list nova links": beside a project, "list" and "all" only frame the question
            terms = [t for t in terms if t not in cmd.ASKING_WORDS]
            more = [self.projects.name(t) for t in terms if t not in words.phrases]
            others = [m for m in more if m and m != project]  # "glance 镜像": 镜像 names Glance too, a topic here
            # names joined by "and" (或 "和", a comma): several projects; side by side they are a
            # topic inside the first ("nova scheduler" where Scheduler is also a section)
            if others and len(more) == len(terms) and all(more) and not words.exclude and _JOINED.search(rest):
                return self._projects_items((project, *dict.fromkeys(others)), scope, req)
            said = _SUBSCRIBING.findall(line) if ("订阅" in line or "退订" in line) and not _ASKED.search(line) else ()
            if said and not scope and all(m or not _SUBSCRIBING.sub("", t) for t, m in zip(terms, more)):
                # "取消我的heat订阅", "heat和nova都订阅": the project(s) and the words of (un)subscribing only
                undo = any(cmd.BY_WORD.get(w, cmd.BY_WORD["订阅"]).name == "unsubscribe" or _UNDO.match(w) for w in said)
                return self._subscribing(undo, project, more, req)
            sent = [m.group("undo") for m in _NOTIFYING.finditer(line)] if not scope and _notifying_hint(line) \
                and not _ASKED.search(line) else ()
            if sent and (not all(sent) or line.isascii()) and all(
                    m or t in _NOTIFY_WORDS or query._HAS_CJK.match(t) and not _NOTIFY_ZH.sub("", t) for t, m in zip(terms, more)):
                return self._subscribing(any(sent), project, more, req)
        if not (project or scope or words.exclude or words.phrases) and len(terms) <= 3:
            named = cmd.asked_command(line, self._only_asking)
            if named is not None:  # "what projects are there", "我订阅了什么"
                return getattr(self, named.handler)(req._replace(args=()))
        if (project or scope) and all(len(t) == 1 and query._HAS_CJK.match(t) for t in terms):
            terms = []  # "上一期讲了啥": a stray character beside a scope or a project is no topic
        if asked is not None and not words.exclude:  # what a follow-up does not say, the last question gives
            if not (project or terms) and scope and (follow or not (_ANY_WORD.search(rest) or _NAMES_ISSUES.search(line))):
                # "in june?", "last month?", "第11期的呢": the same question, then (but "latest issue",
                # "what was in issue 24", "今年六月份的周报" ask for the issues themselves)
                project, terms = asked.project, list(asked.terms)
            elif follow == "star" and (project or terms):  # "*migration", "*neutron": a word corrected
                project, terms = conversation.corrected(asked, project, terms, words.said)
                scope = scope or asked.scope
            elif follow and project and not terms:  # "and neutron?", "那heat呢": another project, the same time
                if asked.command and not scope:  # after "subscribe heat", "and neutron": that too
                    return getattr(self, cmd.BY_WORD[asked.command].handler)(req._replace(args=(project,)))
                scope = scope or asked.scope
                if follow == "fix" and asked.project:  # "no, I meant glance": and the same topic
                    terms = list(asked.terms)
                elif asked.terms and self.store.search(Query(
                        tuple(self.glossary.alternatives(t) for t in asked.terms), (), project), limit=1)[1]:
                    # after a topic ("巴黎峰会", "the paris summit for neutron"), "nova 呢": that topic in
                    # Nova, when Nova has some (else Nova's items)
                    terms = list(asked.terms)
            elif follow == "only" and terms and not project and (asked.project or asked.terms):
                # "nova", then "only the summit ones": the last question with these words too
                project, scope = asked.project, scope or asked.scope
                terms = list(asked.terms) + [t for t in terms if t not in asked.terms]
            elif follow and terms and not project and asked.project and asked.terms and self.store.search(
                    Query(tuple(self.glossary.alternatives(t) for t in terms), (), asked.project), limit=1)[1]:
                # after "heat autoscaling", "and templates?": another topic inside the same project, when
                # it has some (after "heat" alone, "and trove?" asks about trove)
                project, scope = asked.project, scope or asked.scope
            elif follow and terms and not project:  # "and icehouse?": another topic, the same time
                scope = scope or asked.scope
            elif not (follow or project) and (asked.terms or asked.project) and len(terms) <= 3 and conversation.refers(
                    line, not (own := [t for t in terms if not (len(t) == 1 and query._HAS_CJK.match(t))])):
                # "what is it?", "who sponsored it?", "在哪一期": the last topic, and the line's own words
                project, scope = asked.project, scope or asked.scope
                terms = list(asked.terms) + [t for t in own if t not in asked.terms]
        if scope and terms and not (project or words.exclude or words.phrases) and all(map(self._names_digest, terms)):
            terms = []  # "this week in rust latest", "knot weekly issue 7": the digest's own name: the issue
        if project or terms or scope:
            self.memory.note(req, project, terms, scope)
        if not terms and not words.exclude:
            if project:
                return self._project_answer(project, scope, req)
            if scope or _NEWS.search(line):  # "any news?", "有什么新消息", "openstack": the newest issue
                return self._scope_answer(scope or Scope(nth=1), req)
            return self._not_understood(text, req)
        return self._search_answer(terms, words, scope, project, req)

    def _commonplace(self, term: str) -> bool:
        """Whether more than half of the archive's items hold the term (the digest's own subject:
        "rust" in This Week in Rust): it tells no item from another."""
        return self.store.held_by_most(Query((self.glossary.alternatives(term),)))

    def _names_digest(self, term: str) -> bool:
        """Whether the term is a word of the digest's own name or subject: most items hold it, or
        the greeting most issues open with does ("Welcome to another issue of Haskell Weekly")."""
        q = Query((self.glossary.alternatives(term),))
        return self.store.held_by_most(q) or self.store.opens_most_issues(q)

    def _misspelt_name(self, line: str) -> Misspelt | None:
        """The name of several words a line clearly misspells (bot.names.Projects.misspelt), when
        none of its misspelt words is another word of the archive ("crate of the weak" is no typo)."""
        found = self.projects.misspelt(line)
        if found is None or any(self.spelling.other_word(w, meant) for w, meant in found.wrong):
            return None
        return found

    def _subscribing(self, undo: bool, project: str, more: list, req: Request) -> Reply:
        """A question that only (un)subscribes ("取消我的heat订阅", "notify me about neutron"): that
        command, for the project and the other projects named beside it."""
        handler = cmd.BY_WORD["unsubscribe" if undo else "subscribe"].handler
        return getattr(self, handler)(req._replace(args=(project, *(m for m in more if m and m != project))))

    def _words(self, rest: str) -> query.Words:
        """The words of a line without its time words; a glossary phrase holding stop words
        ("end of life") is joined first (query.words reads `a_b` as the phrase "a b")."""
        return query.words(self.glossary.join_stopped(rest), self.projects.dictionary())

    def _take_scope(self, line: str) -> tuple[Scope, str]:
        """The line's time words, "now" being the newest issue's date; an issue range
        (`#109 and before`, `issues 24-26`) as the dates it spans."""
        if "里程碑" in line:  # "J版第二个里程碑" is the milestone J-2 (a word to search), not the Juno cycle
            line = zh_milestones(line)
        for slip, word in misspelt_time_words(_LETTERS.findall(line)).items():  # "lastest heat", "nova sicne june": unless an item writes it
            if not self.spelling.held(slip):
                line = re.sub(rf"\b{slip}\b", word, line)
        scope, rest = take_scope(line, self._now)
        if scope.nth is not None and scope.nth < 0:  # "the oldest issue": counted from the newest
            scope = dataclasses.replace(scope, nth=max(1, self.store.issues(1, 0)[1] + 1 + scope.nth))
        if scope.nths:  # "上期和上上期": those issues, by number
            numbers = []
            for nth in scope.nths:
                rows, _total = self.store.issues(1, nth - 1)
                numbers += [r.number for r in rows]
            scope = dataclasses.replace(scope, nths=(), issues=tuple(dict.fromkeys(numbers)))
            if not scope.issues:
                return Scope(nth=1), rest  # (an empty archive: the answer says so)
        if scope.issues:  # "issues 15 and 19": exactly those (one that is not there: the answer says so)
            missing = next((n for n in scope.issues if self._issue_row(n) is None), None)
            if missing is not None:
                return Scope(issue=missing), rest
            if len(scope.issues) == 1:
                return dataclasses.replace(scope, issues=(), issue=scope.issues[0]), rest
            return scope, rest
        if scope.to_issue is not None and scope.issue is not None:  # "issues 24-26": their dates
            first, last = self._issue_row(scope.issue), self._issue_row(scope.to_issue)
            if first is None or last is None:  # the answer says which one there is not
                return Scope(issue=scope.issue if first is None else scope.to_issue), rest
            return Scope(since=first.date, until=last.date, recent=scope.recent), rest
        if scope.side and scope.issue is not None:
            row = self._issue_row(scope.issue)
            if row is not None:  # else the answer says there is no such issue
                day = {"since": row.date, "after": row.date + timedelta(days=1),
                       "until": row.date, "before": row.date - timedelta(days=1)}[scope.side]
                if scope.side in ("since", "after"):
                    scope = Scope(since=day, until=scope.until, recent=scope.recent)
                else:
                    scope = Scope(since=scope.since, until=day, recent=scope.recent)
        return scope, rest

    def _now(self) -> date:
        rows, _total = self.store.issues(1, 0)
        return rows[0].date if rows else date.today()

    def _only_asking(self, rest: str) -> bool:
        """Nothing but question words in `rest`: no time word, no term of substance."""
        scope, rest = take_scope(rest)
        if scope:
            return False
        w = query.words(rest, self.projects.dictionary())
        return not w.exclude and all(t in cmd.ASKING_WORDS or (len(t) == 1 and query._HAS_CJK.match(t))
                                     or (query._HAS_CJK.match(t) and len(cmd.ASKING_CJK.sub("", t)) <= 1)
                                     for t in w.terms)  # "有几个项目": 几个 inside a run kept whole

    def _join_phrases(self, terms: list[str], quoted: set[str]) -> list[str]:
        """Adjacent words that make a glossary term or a project name become one term."""
        glossary = self.glossary.groups
        out: list[str] = []
        i = 0
        while i < len(terms):
            for n in (4, 3, 2):
                phrase = " ".join(terms[i:i + n])
                if i + n <= len(terms) and (phrase in glossary or phrase.endswith("s") and phrase[:-1] in glossary
                                            or self.projects.name(phrase)):  # "load balancers": a plural too
                    out.append(phrase)
                    i += n
                    break
            else:
                out.append(query.split_hyphens(terms[i]) if terms[i] not in quoted else terms[i])
                i += 1
        # a lone Chinese character left over by segmentation is noise beside real words
        kept = [w for w in out if len(w) > 1 or not query._HAS_CJK.match(w) or w in quoted]
        return kept or out

    def _alternatives(self, term: str) -> tuple[str, ...]:  # (tests/test_core.py asks it)
        return self.glossary.alternatives(term)

    def _scope_range(self, scope: Scope, req: Request) -> tuple[tuple[int, int] | None, str, Reply | None]:
        """Item ids a scope allows, how to say it, or an answer when the scope itself fails."""
        _ = req.t.gettext
        if scope.issue is not None:
            row = self._issue_row(scope.issue)
            if row is None:
                return None, "", self._no_issue(scope.issue, req.t)
            return issue_range(row.date, row.number), _("in issue {n}").format(n=row.number), None
        if scope.nth:
            rows, _total = self.store.issues(1, scope.nth - 1)
            if not rows:
                return None, "", Reply(title=_("The archive has no published issues yet."), kind="items")
            return issue_range(rows[0].date, rows[0].number), _("in issue {n}").format(n=rows[0].number), None
        if scope.issues:  # issues named together: each one's ids
            rows = [self._issue_row(n) for n in scope.issues]
            return (tuple(issue_range(r.date, r.number) for r in rows if r is not None),
                    self._issues_named(scope.issues, req.t), None)
        if scope.last:
            rows, total = self.store.issues(1, min(scope.last, MAX_ISSUE_NUMBER) - 1)
            if not rows:
                rows, total = self.store.issues(1, max(total - 1, 0))
            if not rows:
                return None, "", Reply(title=_("The archive has no published issues yet."), kind="items")
            n = min(scope.last, total)
            return day_range(rows[0].date, None), req.t.ngettext(
                "in the last issue", "in the last {n} issues", n).format(n=n), None
        if scope.since or scope.until:
            since, until = self._covering(scope.since, scope.until)
            return day_range(since, until), self._dates(scope, req.t), None
        return None, "", None

    @staticmethod
    def _issues_named(numbers: tuple[int, ...], t: Tr) -> str:
        """"in issues 15 and 19", "在第 15、19 期"."""
        said = t.gettext(", ").join(str(n) for n in numbers[:-1])
        return t.gettext("in issues {numbers} and {last}").format(numbers=said, last=numbers[-1])

    def _covering(self, since: date | None, until: date | None) -> tuple[date | None, date | None]:
        """A date range widened to the dates of the issues covering part of it (an issue of 09-16
        that covers 0826-0916 has August's news: "last month" in September finds it)."""
        if since is None or until is None:
            return since, until
        dates = self.store.dates_covering(since, until)
        return (min(since, dates[0]), max(until, dates[1])) if dates else (since, until)

    def _dates(self, scope: Scope, t: Tr) -> str:
        _ = t.gettext
        if scope.since and scope.until:
            return _("from {a} to {b}").format(a=scope.since.isoformat(), b=scope.until.isoformat())
        if scope.since:
            return _("since {a}").format(a=scope.since.isoformat())
        return _("until {b}").format(b=scope.until.isoformat())

    def _search_answer(self, terms: list[str], words: query.Words, scope: Scope, project: str | None,
                       req: Request, notice: str | None = None) -> Reply:
        _ = req.t.gettext
        ids, scope_text, failed = self._scope_range(scope, req)
        if failed:
            return failed
        groups = tuple(self.glossary.alternatives(t) for t in terms)
        if "*" in req.text:  # `autoscal*`: the glossary words a cut word begins are among its alternatives
            cut = frozenset(_WILDCARD.findall(req.text.casefold()))
            glossary = self.glossary
            groups = tuple(tuple(dict.fromkeys(g + tuple(a for w in glossary.prefixed(t) for a in glossary.alternatives(w))))
                           if t in cut else g for t, g in zip(terms, groups))
        exclude = tuple(words.exclude)
        shown = " ".join(terms + [f"-{w}" for w in exclude])
        term_groups = groups
        if notice is None and ids is None and not (exclude or words.any_of):
            titled = self._titled_answer(terms, groups, project, req)
            if titled is not None:
                return titled
        if project:
            shown_p = f"{project}: {shown}" if shown else project
            reply = self._ranked(Query(groups, exclude, project, ids, words.any_of), shown_p, scope_text, req)
            if reply.items:
                return _with_notice(reply, notice)
            said = words.said if words.said and words.said != project.casefold() else None
            alternatives = self.glossary.alternatives(project.casefold()) + (self.glossary.alternatives(said) if said else ())
            groups = (tuple(dict.fromkeys(alternatives)), *groups)
            shown = " ".join([project, shown])
        q = Query(groups, exclude, None, ids, words.any_of)
        reply = self._ranked(q, shown, scope_text, req)
        if reply.items:
            name = project is None and len(terms) == 1 and terms[0].isascii() and len(groups[0]) == 1 \
                and _written_as_name(terms[0], reply.items)
            if name:
                notice = notice or _("There is no “{name}” section; these items mention it.").format(name=_short(name))
            return _with_notice(reply, notice)
        if notice is None and "." in req.text:  # a host or URL pasted (`docs.openstack.org`): the items linking there?
            reply = self._linking(terms, term_groups, exclude, project, ids, scope_text, req)
            if reply is not None:
                return reply
        if project is None and notice is None:  # a misspelt project, clearly meant?
            for i, term in enumerate(terms):
                meant = self.projects.typo(term)
                if meant and self.store.search(Query((self.glossary.alternatives(term),)), limit=1)[1]:
                    meant = None  # a word of the archive ("images" beside Glance's alias "image"), only not
                    # with these other words, or not in that time ("havana 2013.2.3")
                if meant:
                    rest = terms[:i] + terms[i + 1:]
                    said = _("“{word}” is no word of the archive; showing {project}.").format(
                        word=_short(term), project=meant)
                    if not rest and not exclude:
                        return _with_notice(self._project_answer(meant, scope, req), said)
                    return self._search_answer(rest, words, scope, meant, req, notice=said)
        if len(terms) > 1:  # two words the archive writes as one ("suse cloud" for SUSECloud)?
            joined = self.glossary.compounds(terms)
            if joined != terms:
                reply = self._search_answer(joined, words, scope, project, req, notice=notice)
                if reply.items:
                    return reply
        if notice is None and not exclude:  # a misspelt glossary word ("monitering", 热迁一) or archive word (gnochi)?
            fixed = [self._respelled(t) for t in terms]
            if fixed != terms:
                wrong, meant = next((a, b) for a, b in zip(terms, fixed) if a != b)
                said = _("“{word}” is no word of the archive; searched for “{meant}”.").format(
                    word=_short(wrong), meant=_short(meant))
                reply = self._search_answer(fixed, words, scope, project, req, notice=said)
                if reply.items:
                    return reply
        if project and len(groups) > 2 and not q.any_group:  # the project's items with some of the words
            reply = self._ranked(q._replace(groups=groups[1:], project=project, any_group=True), shown, scope_text, req)
            if reply.items:
                return _with_notice(reply, notice or _("No item has all of these words; these have some of them."))
        if len(groups) > 1 and not q.any_group:  # no item has every word: those with most of them, but
            # not with a word most items hold ("rust 1.80" in This Week in Rust: the items with 1.80)
            telling = tuple(g for g, t in zip(groups, [None] * (len(groups) - len(terms)) + terms)
                            if t is None or not self._commonplace(t))
            reply = self._ranked(q._replace(groups=telling, any_group=len(telling) > 1), shown, scope_text, req) \
                if telling else None
            if reply is not None and reply.items:
                return _with_notice(reply, notice or _("No item has all of these words; these have some of them."))
        runs = [t for t in terms if len(t) >= 4 and query._CJK_RUN.match(t) and t not in self.projects.dictionary()]
        if runs:  # "只有一台物理机": a Chinese run of words we cannot split; the items with most of its pairs
            split = tuple(g for t, group in zip(terms, groups[len(groups) - len(terms):])
                          for g in ([(t[i:i + 2],) for i in range(len(t) - 1)] if t in runs else [group]))
            reply = self._ranked(Query(split, exclude, project, ids, any_group=True), shown, scope_text, req)
            if reply.items:
                return _with_notice(reply, notice or _("No item has all of these words; these have some of them."))
        if ids is not None:  # nothing in that time: say so, and show the rest of the archive
            reply = self._ranked(q._replace(ids=None), shown, "", req)
            if not reply.items and len(groups) > 1 and not q.any_group:  # and there, those with some words
                reply = self._ranked(q._replace(ids=None, any_group=True), shown, "", req)
            if reply.items:
                return _with_notice(reply, _("Nothing {scope}; these are from other issues.").format(scope=scope_text))
        if scope:  # nothing mentions the words at all: what that time has
            reply = self._scope_answer(scope, req)
            if reply.ok and (reply.items or reply.issues or reply.issue):
                return _with_notice(reply, _("Nothing in the archive mentions “{words}”.").format(
                    words=_short(shown, 60)))
        hints = []
        names = [n for t in terms for n in self.projects.did_you_mean(t)][:3]
        self.memory.suggest(req, None, names)
        if names:
            hints.append(_("Did you mean the project {names}?").format(names=_(" or ").join(names)))
        hints.append(_("Try other or fewer words, `projects`, or `help`."))
        return Reply(title=_("Nothing in the archive mentions “{words}”.").format(words=_short(shown, 60)),
                     kind="items", text=tuple(hints), notice=notice)

    def _titled_answer(self, terms: list[str], groups: tuple, project: str | None, req: Request) -> Reply | None:
        """The items (of `project`) of a special issue whose title names the topic ("巴黎峰会特辑" for
        "巴黎峰会上neutron有什么"), when they do not repeat its words (so the search misses that
        issue); None otherwise. A stray Chinese character ("上") is no topic."""
        topic = tuple(g for t, g in zip(terms, groups) if not (len(t) == 1 and query._HAS_CJK.match(t)))
        if not topic:
            return None
        for number in self.titles.naming(topic)[:3]:
            row = self._issue_row(number)
            if row is None or self.store.search(Query(topic, (), project, issue_range(row.date, row.number)), limit=1)[1]:
                continue  # the search finds the words there: it answers
            if project is None:
                reply = self._issue_summary(row, req.t, items=True, offset=req.offset)
            elif any(s.name.casefold() == project.casefold() and s.count for s in row.sections):
                reply = self._issue_section(row, project, req)
            else:
                continue
            return _with_notice(reply, req.t.gettext(
                "From issue {n}, “{title}”: its title names “{words}”.").format(
                n=row.number, title=_short(row.title, 60), words=_short(" ".join(terms), 40)))
        return None

    def _linking(self, terms: list[str], groups: tuple, exclude: tuple[str, ...], project: str | None,
                 ids: tuple[int, int] | None, scope_text: str, req: Request) -> Reply | None:
        """The items whose links hold a pasted host's or URL's words as one phrase (the index has no
        scheme, `www` or top-level domain of a link: archive/link_words.py), with the question's
        other words, else without them; None when the line pastes none or none links there."""
        pasted = pasted_links(req.text)
        if not pasted:
            return None
        typed = {w for link, _ in pasted for w in ascii_words(link)}  # the words of the links as typed
        kept = [(t, g) for t, g in zip(terms, groups) if not (t.isascii() and set(ascii_words(t)) <= typed)]
        others = tuple(g for _, g in kept)
        links = tuple(dict.fromkeys(words for _, words in pasted))
        shown = " ".join([link for link, _ in pasted] + [t for t, _ in kept])
        shown = f"{project}: {shown}" if project else shown
        for wanted in ((others, ()) if others else ((),)):
            reply = self._ranked(Query(wanted, exclude, project, ids, links=links), shown, scope_text, req)
            if reply.items:
                return _with_notice(reply, req.t.gettext("These items link to {link}.").format(
                    link=_short(" ".join(link for link, _ in pasted), 60)))
        return None

    def _respelled(self, term: str) -> str:
        """A term of a search that found nothing, as the archive writes it when it is clearly
        misspelt: a glossary word first (monitering, 热迁一), else any word of the items (gnochi,
        heat-transltor; l3ha run together); else the term itself."""
        return (self.glossary.word_typo(term) or self.glossary.cjk_typo(term) or self.spelling.respelled(term)
                or term)

    def _ranked(self, q: Query, shown: str, scope_text: str, req: Request) -> Reply:
        t, offset = req.t, req.offset
        rows, total, capped = self.store.search(q, limit=self.page_size, offset=offset)
        if total == 0:
            return Reply(title="", kind="items")
        count = (t.gettext("{n}+ items").format(n=f"{total:,}") if capped
                 else t.ngettext("{n} item", "{n} items", total).format(n=total))
        where = f" {scope_text}" if scope_text else ""
        title = t.gettext("“{words}”{where}: {count}, best first").format(
            words=_short(shown, 60), where=where, count=count)
        return _items_reply(title, rows, total, offset, more_at_least=capped)

    def _project_answer(self, project: str, scope: Scope, req: Request) -> Reply:
        _ = req.t.gettext
        if project.casefold() not in self.projects.known():  # a name with no section here
            reply = self._search_answer([project.casefold()], query.Words(), scope, None, req,
                                        notice=_("There is no {name} section; these items mention {name}.").format(
                                            name=project))
            if reply.items:
                return reply
            return Reply(title=_("No {project} items across all issues.").format(project=project),
                         kind="items", text=(_("Try `projects` for the list."),))
        if scope.issue is not None:
            row = self._issue_row(scope.issue)
            return self._no_issue(scope.issue, req.t) if row is None else self._issue_section(row, project, req)
        if scope.issues:
            same = self.projects.same(project)
            return self._projects_items((project, *same), scope, req) if same else self._project_items(project, scope, req)
        if scope.nth == 1:
            return self._latest_project(project, req)
        if scope.nth:
            rows, _total = self.store.issues(1, scope.nth - 1)
            if rows:
                return self._issue_section(rows[0], project, req)
        same = self.projects.same(project)
        if same and not scope.last:  # "Compute" in some issues, "Nova" in others: both sections
            return self._projects_items((project, *same), scope, req)
        return self._project_items(project, scope, req)

    def _scope_answer(self, scope: Scope, req: Request) -> Reply:
        """Only time words: the issue they name, or the issues of that time."""
        if scope.issue is not None:
            return self._issue(req._replace(args=(str(scope.issue),)))
        if scope.nth:
            rows, _total = self.store.issues(1, scope.nth - 1)
            if rows:
                return self._issue_summary(rows[0], req.t, items=True, offset=req.offset)
        if scope.issues:  # "第24期和第26期": those issues, newest first
            self.memory.note(req, None, (), scope, listed=True)
            rows = sorted((self._issue_row(n) for n in scope.issues), key=lambda r: (r.date, r.number), reverse=True)
            refs = tuple(issue_ref(r) for r in rows)
            return Reply(title=req.t.ngettext("{n} issue, newest first", "{n} issues, newest first", len(refs)).format(
                n=len(refs)), kind="issues", issues=refs)
        return self._issues(req, scope)

    def _not_understood(self, text: str, req: Request) -> Reply:
        _ = req.t.gettext
        said = _SMALL_TALK.search(text)
        if said:  # "thanks!", "谢谢", "hi": said to the bot, answered kindly, with what to ask
            title = (_("You're welcome!") if said.group("thanks") else
                     _("Anything else? Ask me about a project or a topic.") if said.group("ack") else
                     _("Hi! Ask me about a project or a topic."))
            return Reply(title=title, kind="text",
                         text=(_("For example `heat`, `heat autoscaling`, `search live migration`, `最近有什么关于nova的文章`; "
                                 "`help` lists everything."),))
        return error(_("Ask me about a project or a topic."),
                     _("For example `heat`, `heat autoscaling`, `search live migration`, `最近有什么关于nova的文章`; "
                       "`help` lists everything."))

    def _projects_items(self, projects: tuple[str, ...], scope: Scope, req: Request) -> Reply:
        """`nova and neutron in issue 25`: the items of several projects, newest first."""
        known = self.projects.known()
        named, projects = projects, tuple(p for p in projects if p.casefold() in known) or projects[:1]
        if len(projects) == 1:
            others = [p.casefold() for p in named if p.casefold() not in known]
            if others and projects[0].casefold() in known:  # "heat and trove" with no Trove section: Heat's items on trove
                return self._search_answer(others, query.Words(any_of=len(others) > 1), scope, projects[0], req)
            if len(others) > 1:  # "trove and ironic", sections of neither: the items that mention either
                return self._search_answer(others, query.Words(any_of=True), scope, None, req)
            return self._project_answer(projects[0], scope, req)
        t, offset = req.t, req.offset
        numbers, scope_text = None, t.gettext("across all issues")
        if scope.issues:
            numbers, scope_text = list(scope.issues), self._issues_named(scope.issues, t)
        elif scope.issue is not None or scope.nth or scope.last:
            if scope.issue is not None:
                row = self._issue_row(scope.issue)
                if row is None:
                    return self._no_issue(scope.issue, t)
                rows = [row]
            else:
                rows, _n = self.store.issues(min(scope.last or 1, MAX_ISSUE_NUMBER), (scope.nth or 1) - 1)
            numbers = [r.number for r in rows]
            scope_text = (t.gettext("in issue {n}").format(n=rows[0].number) if len(rows) == 1 else
                          t.ngettext("in the last issue", "in the last {n} issues", len(rows)).format(n=len(rows)))
        elif scope.since or scope.until:
            scope_text = self._dates(scope, t)
        items, total = self.store.project_items(projects, since=scope.since, until=scope.until, numbers=numbers,
                                                limit=self.page_size, offset=offset)
        return _project_page(", ".join(projects), items, total, scope_text, t, offset)

    def _project_items(self, project: str, scope: Scope, req: Request) -> Reply:
        t, offset = req.t, req.offset
        last = min(scope.last, MAX_ISSUE_NUMBER) if scope.last else None
        numbers = self.store.last_numbers_with(project, last) if last else list(scope.issues) or None
        rows, total = self.store.project_items(project, since=scope.since, until=scope.until, numbers=numbers,
                                               limit=self.page_size, offset=offset)
        if scope.issues:
            scope_text = self._issues_named(scope.issues, t)
        elif last:
            n = len(numbers)
            scope_text = t.ngettext("in the last issue with {project}", "in the last {n} issues with {project}",
                                    n).format(n=n, project=project)
        elif scope.since or scope.until:
            scope_text = self._dates(scope, t)
        else:
            scope_text = t.gettext("across all issues")
        if total == 0 and (scope.since or scope.until or scope.issues):  # none then ("cinder in april"): say so, show the others
            rows, total = self.store.project_items(project, limit=self.page_size, offset=offset)
            if total:
                return _with_notice(_project_page(project, rows, total, t.gettext("across all issues"), t, offset),
                                    t.gettext("Nothing {scope}; these are from other issues.").format(scope=scope_text))
        return _project_page(project, rows, total, scope_text, t, offset)

    def _latest_project(self, project: str, req: Request) -> Reply:
        row = self.store.latest_issue_with(project)
        if row is None:
            return Reply(title=req.t.gettext("No issue has a {project} section yet.").format(project=project),
                         kind="items")
        return self._issue_section(row, project, req)

    def _issue_section(self, row: IssueRow, project: str, req: Request) -> Reply:
        _ = req.t.gettext
        wanted = project.casefold()
        total = sum(s.count for s in row.sections if s.name.casefold() == wanted)
        items, total = self.store.issue_items(row, project, limit=self.page_size, offset=req.offset, total=total)
        if total == 0:
            return Reply(title=_("Issue {n} has no {project} section.").format(n=row.number, project=project),
                         kind="items", issue=issue_ref(row), url=row.url)
        return _items_reply(_("{project} in issue {n} ({when})").format(project=project, n=row.number, when=when(row)),
                            items, total, req.offset, issue=issue_ref(row), url=row.url)

    def _issue_row(self, number: int) -> IssueRow | None:
        return self.store.issue_by_number(number) if 0 < number < MAX_ISSUE_NUMBER else None

    def _issue_summary(self, row: IssueRow, t: Tr, items: bool = False, offset: int = 0) -> Reply:
        sections = row.sections  # as the store made them: no record is rebuilt per lookup
        if row.title.casefold() == f"issue {row.number}":  # a post with no title: not "Issue 538: Issue 538"
            title = t.gettext("Issue {n}").format(n=row.number)
        else:
            title = t.gettext("Issue {n}: {title}").format(n=row.number, title=row.title)
        if items:
            shown, total = self.store.issue_items(row, limit=self.page_size, offset=offset,
                                                  total=sum(s.count for s in sections))
            return Reply(title=title, kind="issue", issue=issue_ref(row), sections=sections, url=row.url,
                         items=shown, more=max(0, total - offset - len(shown)))
        return Reply(title=title, kind="issue", issue=issue_ref(row), sections=sections, url=row.url)

    def _no_issue(self, number: int, t: Tr) -> Reply:
        _ = t.gettext
        latest = self.store.latest_issue()
        hint = (_("The newest is issue {n}; `issues` lists them all.").format(n=latest.number) if latest
                else _("The archive is empty."))
        return error(_("There is no issue {n}.").format(n=_short(str(number), 24)), hint)

    # --- commands ----------------------------------------------------------------------

    @command("latest", aliases=("最新", "newest", "new", "最新一期"), usage=N_("latest [PROJECT]"), pages=True,
             help=N_("the newest issue, or the PROJECT section of the newest issue that has one"),
             examples=("latest", "最新 heat", "latest heat links"))
    def _latest(self, req: Request) -> Reply:
        _ = req.t.gettext
        if req.args and not all(w.casefold().strip("?!.？！。") in _LINK_WORDS for w in req.args):
            project, used = self.projects.resolve(req.args)
            if project is None:
                return self._question(req.text, req)
            words = tuple(w for w in req.args[used:] if w.casefold() not in ("links", "link", "items", "链接", "的"))
            if words:
                return self._question(req.text, req)
            self.memory.note(req, project, (), Scope(nth=1))
            return self._latest_project(project, req)
        self.memory.note(req, None, (), Scope(nth=1))
        row = self.store.latest_issue()
        if row is None:
            return Reply(title=_("The archive has no published issues yet."), kind="issue")
        return self._issue_summary(row, req.t)

    @command("issue", aliases=("期号", "期"), usage=N_("issue N [PROJECT]"), pages=True,
             help=N_("one issue by number (also `#24`, `第二十四期`)"),
             examples=("issue 24", "第二十四期", "#24", "issue 24 heat"))
    def _issue(self, req: Request) -> Reply:
        _ = req.t.gettext
        args = req.args
        if len(args) > 1 and args[0].casefold() in _NUMBER_WORDS:  # issue no. 11, issue number 11
            args = args[1:]
        number = issue_number(args[0]) if args else None
        if number is None and args and args[0].casefold() in _ISSUE_SIDES:  # issue before 17: a range
            return self._question(req.text, req)
        if number is None:
            return error(_("Which issue?"),
                         _("Usage: issue N [PROJECT] — for example `issue 24`, `#24` or `第二十四期`."))
        row = self._issue_row(number)
        if row is None:
            return self._no_issue(number, req.t)
        if len(args) > 1:
            project, used = self.projects.resolve(args[1:])
            if project is None:
                return self._question(req.text, req)
            self.memory.note(req, project, (), Scope(issue=row.number))
            return self._issue_section(row, project, req)
        self.memory.note(req, None, (), Scope(issue=row.number))
        return self._issue_summary(row, req.t, items=True, offset=req.offset)

    @command("issues", aliases=("期刊", "所有期", "list", "all"), usage=N_("issues"), pages=True,
             asked=("issues", "editions", "all issues", "期刊", "往期", "多少期", "几期", "所有期", "哪些期", "哪几期",
                    # how often it comes out: the issues and their dates say it
                    "how often", "how frequently", "多久出一期", "多久一期", "多久更新", "多长时间一期", "多久出", "更新频率",
                    "出刊频率", "几天一期", "几周一期"),
             help=N_("every issue, newest first"), examples=("issues", "期刊"))
    def _issues(self, req: Request, scope: Scope | None = None) -> Reply:
        t = req.t
        self.memory.note(req, None, (), scope or Scope(), listed=True)
        if scope and (scope.since or scope.until) and not scope.last:
            # a span ("august", "last month"): and the issues covering part of it; one side
            # ("before issue 32", "since june"): by their dates
            rows, total = self.store.issues_in(scope.since or date.min, scope.until or date.max, self.page_size,
                                               req.offset, covering=bool(scope.since and scope.until))
        else:
            rows, total = self.store.issues(self.page_size, req.offset)
            if scope and scope.last:
                total = min(total, scope.last)
                rows = rows[:max(0, total - req.offset)]
        if total == 0:
            return Reply(title=t.gettext("The archive has no published issues yet.") if not scope
                         else t.gettext("No issue {scope}.").format(scope=self._dates(scope, t)), kind="issues")
        refs = tuple(issue_ref(r) for r in rows)
        return Reply(title=t.ngettext("{n} issue, newest first", "{n} issues, newest first", total).format(n=total),
                     kind="issues", issues=refs, more=max(0, total - req.offset - len(refs)))

    @command("projects", aliases=("项目", "栏目", "sections"), usage=N_("projects"),
             asked=("projects", "project", "sections", "section", "topics", "项目", "栏目", "板块", "专题"),
             help=N_("the projects the digest covers, with item counts"), examples=("projects", "项目"))
    def _projects(self, req: Request) -> Reply:
        counts = tuple(SectionCount(name, n) for name, n in self.store.projects())
        return Reply(title=req.t.ngettext("{n} project", "{n} projects", len(counts)).format(n=len(counts)),
                     kind="projects", sections=counts)

    @command("search", aliases=("搜索", "find", "查找", "搜", "s"), usage=N_("search WORDS"), pages=True,
             help=N_("items about the words (Chinese or English), best first; \"a phrase\", -word and OR work"),
             examples=("search live migration", "搜索 热迁移", "search monitoring -ceilometer"))
    def _search(self, req: Request) -> Reply:
        _ = req.t.gettext
        line = query.normalize(" ".join(req.args)).casefold()
        scope, rest = self._take_scope(line)
        words = self._words(rest)
        terms = self._join_phrases(words.terms, words.phrases)
        if not terms:
            if scope:
                return self._scope_answer(scope, req)
            return error(_("Search for what?"),
                         _("Usage: search WORDS — for example `search live migration` or `搜索 热迁移`."))
        self.memory.note(req, None, terms, scope)
        return self._search_answer(terms, words, scope, None, req)

    @command("more", aliases=("更多", "next", "下一页", "继续"), usage=N_("more"),
             asked=("more", "next", "next page", "more please", "更多", "下一页", "继续", "还有吗", "还有呢", "第二页",
                    "再来点", "再来一些", "再来", "接着", "然后呢", "下一批", "后面的", "还有别的", "还有其他", "还有其它",
                    "再多一点", "再多点", "多一点", "多来点", "多来一些", "再多来点", "接着看", "继续看", "往下", "下一部分",
                    "show more", "more results", "keep going", "go on", "continue", "the rest",
                    # a list is newest first: its older items are its next page
                    "older", "older ones", "earlier", "earlier ones", "更早的", "更早", "再早一点", "更早一点",
                    "what else", "anything else", "anything more", "something else", "还有什么", "还有啥", "别的呢", "其他的呢"),
             help=N_("the next page of the last answer"), examples=("more", "更多"))
    def _more(self, req: Request) -> Reply:
        _ = req.t.gettext
        last = self.state.last_page(req.ctx.conversation)
        if last is None:  # nothing asked yet, a last page, or an answer that lists nothing (`help`)
            return Reply(title=_("Nothing more to show."), kind="text")
        offset = last.offset + self.page_size
        if len(req.args) == 2 and req.args[0] == "page" and req.args[1].isdigit():  # "page 3" (see _answering)
            offset = (min(int(req.args[1]), MAX_ISSUE_NUMBER) - 1) * self.page_size
        if last.shown is not None and (offset >= last.shown or not last.shown):  # "page 1" is the answer again
            return self._everything(last.shown, last.unit, req.t)
        reply = self._run(cmd.parse(last.command), req.ctx, offset, req.t)
        if reply.ok and not (reply.items or reply.issues):  # the archive changed under us
            return Reply(title=_("Nothing more to show."), kind="text")
        return reply

    def _everything(self, shown: int, unit: str | None, t: Tr) -> Reply:
        """`more` after an answer of one page: it showed all there was, or found nothing."""
        if not shown:
            return Reply(title=t.gettext("Nothing more: the last answer found nothing."), kind="text",
                         text=(t.gettext("Try other or fewer words, `projects`, or `help`."),))
        if unit == "issues":
            title = t.ngettext("That was everything: the last answer showed its only issue.",
                               "That was everything: the last answer showed all {n} issues.", shown)
        else:
            title = t.ngettext("That was everything: the last answer showed its only item.",
                               "That was everything: the last answer showed all {n} items.", shown)
        return Reply(title=title.format(n=shown), kind="text")

    @command("subscribe", aliases=("订阅", "sub"), usage=N_("subscribe PROJECT"),
             help=N_("get a direct message with PROJECT's items whenever a new issue has some"),
             examples=("subscribe neutron", "订阅 heat"))
    def _subscribe(self, req: Request) -> Reply:
        _ = req.t.gettext
        names, unknown = self._named(req.args) if req.args else ([], None)
        if not names and unknown is None:  # nothing, or no word of substance: "订阅怎么用"
            return error(_("Subscribe to which project?"), _("Usage: subscribe PROJECT — for example `subscribe heat`."))
        if unknown is not None:
            return self._unknown_project(unknown, req, "subscribe")
        project = _(", ").join(names)
        terminal = req.ctx.platform == "console"
        if terminal and not self.config.terminal_only():  # `run` talks in Slack / Matrix, not here
            return error(_("Subscriptions reach people in Slack or Matrix, where this bot runs."),
                         _("Send `subscribe {project}` to the bot there (`/digest subscribe {project}` in Slack,"
                           " `!digest subscribe {project}` in Matrix).").format(project=project))
        new = sum([self.state.subscribe(req.ctx.platform, req.ctx.user, name, lang=req.t.lang) for name in names])
        self.memory.note(req, names[0], (), Scope(), command="subscribe")
        title = (_("You are subscribed to {project}.") if new else _("You were already subscribed to {project}."))
        text = (_("Each new issue with {project} items will be printed in this terminal while `digest-bot run` runs"
                  " here. `unsubscribe {project}` stops it.") if terminal else
                _("Each new issue with {project} items will reach you in a direct message. "
                  "`unsubscribe {project}` stops it."))
        return Reply(title=title.format(project=project), kind="text", text=(text.format(project=project),))

    @command("unsubscribe", aliases=("退订", "取消订阅", "不再订阅", "不想订阅", "不要订阅", "unsub"), usage=N_("unsubscribe PROJECT|all"),
             help=N_("stop those messages"), examples=("unsubscribe neutron", "退订 heat"))
    def _unsubscribe(self, req: Request) -> Reply:
        _ = req.t.gettext
        args = req.args
        names, unknown = self._named(args) if args else ([], None)
        everything = not names and re.search(r"全部|所有|\b(?:all|everything)\b", req.text, re.IGNORECASE)  # "全部退订", "退订所有的"
        if not args and not everything:
            return error(_("Unsubscribe from which project?"), _("Usage: unsubscribe PROJECT, or `unsubscribe all`."))
        if everything:
            n = self.state.unsubscribe(req.ctx.platform, req.ctx.user, None)
            return Reply(title=req.t.ngettext("Unsubscribed from {n} project.", "Unsubscribed from {n} projects.",
                                              n).format(n=n), kind="text")
        if not names and unknown is None:  # "退订怎么用"
            return error(_("Unsubscribe from which project?"), _("Usage: unsubscribe PROJECT, or `unsubscribe all`."))
        if unknown is not None:
            return self._unknown_project(unknown, req, "unsubscribe")
        gone = [name for name in names if self.state.unsubscribe(req.ctx.platform, req.ctx.user, name)]
        self.memory.note(req, names[0], (), Scope(), command="unsubscribe")
        title = _("Unsubscribed from {project}.") if gone else _("You were not subscribed to {project}.")
        return Reply(title=title.format(project=_(", ").join(gone or names)), kind="text")

    @command("subscriptions", aliases=("我的订阅", "subs"), usage=N_("subscriptions"),
             asked=("subscriptions", "subscription", "subscribed", "subscribe", "我的订阅", "订阅", "订阅了"),
             help=N_("what you are subscribed to"), examples=("subscriptions", "我的订阅"))
    def _subscriptions(self, req: Request) -> Reply:
        _ = req.t.gettext
        projects = self.state.subscriptions_of(req.ctx.platform, req.ctx.user)
        if not projects:
            return Reply(title=_("You have no subscriptions."), kind="text", text=(_("Try `subscribe heat`."),))
        return Reply(title=_("Your subscriptions"), kind="text", text=(", ".join(projects),))

    @command("help", aliases=("帮助", "?", "？", "h", "commands", "cmds", "命令", "怎么用"), usage=N_("help [COMMAND]"),
             asked=("help", "commands", "what can you do", "how do i use you", "how to use you", "how to use this bot",
                    "how do i search", "how to search", "how to use", "how do i use", "how can i use",
                    "how does this bot work", "how does the bot work", "how do you work", "how do i ask", "how does this work", "how does it work",
                    "what do you do", "usage", "what is this bot", "what's this bot", "what is the bot", "what's the bot",
                    "who are you", "what are you", "how do i ask you", "how to ask",
                    "怎么搜索", "如何搜索", "怎么搜", "怎么查", "怎么提问", "怎么问", "你是谁", "你是干什么的", "你是做什么的",
                    "能做什么", "会做什么", "能干什么", "可以做什么", "会什么", "怎么用", "如何使用", "用法", "帮助", "命令",
                    "能做啥", "能干啥", "会干啥", "会做啥", "可以干啥", "会啥", "有什么用", "有啥用", "有什么功能", "有哪些功能",
                    "有哪些命令", "支持哪些命令", "使用说明", "使用方法"),
             help=N_("this list"), examples=("help", "帮助"))
    def _help(self, req: Request) -> Reply:
        only = cmd.BY_WORD.get(query.normalize(req.args[0]).casefold().strip(":;,.!?-")) if req.args else None  # 帮助：搜索
        if req.args and only is None:
            if req.text.split()[0].casefold() in _SHORT_HELP:
                reply = self._question(req.text, req)  # "h release l3 agent": the H release, no `h` for help
                if reply.ok:
                    return reply
            else:  # "怎么用heat做自动扩容": a question about a project or a topic, not `help`
                w = query.words(query.normalize(" ".join(req.args)).casefold(), self.projects.dictionary())
                if any(self.projects.name(t) or (len(t) > 1 and query._HAS_CJK.search(t)) for t in w.terms):
                    return self._question(req.text, req)
        return Reply(title=req.t.gettext("What I can do"), kind="help", text=tuple(cmd.help_lines(req.t, only)))

    # --- announcements (bot/announcements.py) ------------------------------------------

    def destination_language(self, destination: str) -> str:
        """The configured language of an announcement destination ("slack:C123", "slack-dm", ...)."""
        return self.announcements.destination_language(destination)

    def archive_language(self, row: IssueRow) -> str:
        """The language an issue is written in (its title and items), for "auto" announcements."""
        return self.announcements.archive_language(row)

    def announcement(self, number: int, items_per_section: int | None = None, lang: str | None = None) -> Reply | None:
        """A new issue, for the channels (see Announcements.announcement)."""
        return self.announcements.announcement(number, items_per_section, lang)

    def subscription_digest(self, number: int, project: str, lang: str | None = None) -> Reply | None:
        """A subscriber's DM: PROJECT's items in a new issue, or None (see Announcements.subscription_digest)."""
        return self.announcements.subscription_digest(number, project, lang)



_WILDCARD = re.compile(r"([0-9a-z][0-9a-z_.+\-]*)\*")  # migrat*: a word cut by a search wildcard
_NUMBER_WORDS = frozenset(("no", "no.", "nr", "nr.", "num", "num.", "number", "#"))
_ISSUE_SIDES = frozenset(("before", "after", "since", "until", "till", "prior"))


def _written_as_name(term: str, items) -> str | None:
    """The term as the items write it when they write it as a name (`Gantt`, `Docker`), not as a
    word (`convergence`): only then is "there is no such section" worth saying."""
    pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(term)}", re.IGNORECASE)
    return next((m.group(0) for item in items[:5] for m in pattern.finditer(item.text) if m.group(0)[0].isupper()),
                None)


def _with_notice(reply: Reply, notice: str | None) -> Reply:
    return reply._replace(notice=notice) if notice else reply
