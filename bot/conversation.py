"""What the bot remembers of each conversation (`Context.conversation`: platform, place, person),
in memory, for the lines that follow an answer: the issue last shown ("the one before"), what the
last question asked ("and neutron?", "in june?", "in english please"), the names a "did you
mean" suggested ("yes"), the language asked for ("用中文") or last written in, and what `more`
continues (kept in the database too: `ask` is a process of its own). A conversation lives in one
process (the bot's, or one `chat` session), so these need no table; each map is bounded.

And how such a line is read: `unframed` cuts a follow-up's frame ("and neutron?" is "neutron"),
`corrected` puts a corrected word ("*migration") into the last question.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz

from archive.store import Store
from bot import commands as cmd
from bot import query
from bot.i18n import detect
from bot.names import Projects
from bot.reply import Context, Reply
from bot.state import BotState, Page
from bot.terms import issue_number
from bot.time_words import Scope, take_scope

if TYPE_CHECKING:
    from bot.core import Request

MAX_MIRRORED_PAGES = 10_000  # conversations each map keeps; past it, it starts again


class Asked(NamedTuple):
    """What a conversation's last question asked: what its follow-ups keep."""
    project: str | None
    terms: tuple[str, ...]
    scope: Scope
    text: str  # the line, to answer again ("in english please", "just the links")
    listed: bool = False  # the answer listed issues: a number alone next is one of them
    command: str | None = None  # "subscribe", "unsubscribe": what "and neutron" does next


class Suggested(NamedTuple):
    """The names a reply suggested ("Did you mean Nova?"), for the command that failed (None: a question)."""
    command: str | None
    names: tuple[str, ...]


# A line that asks the last question again: in another language, or as links
_AGAIN = re.compile(
    r"^(?:(?:(?:can|could)\s+you\s+)?(?:please\s+)?(?:(?:answer|reply|say\s+(?:it|that)|repeat\s+(?:it|that)|again|show\s+(?:it|that)|that)\s+)?"
    r"(?:in\s+)?(?P<lang>english|chinese|mandarin)(?:\s+(?:please|pls|plz|thanks))?"
    r"|(?:(?:just|only)\s+(?:the\s+)?links?|links?\s+only|(?:and\s+)?(?:the\s+)?links?)(?:\s+(?:please|pls))?"
    r"|(?:请|麻烦)?(?:你)?(?:用|说|讲|换成|改用|换)?(?P<lang_zh>中文|汉语|英文|英语)(?:回答|回复|说|讲|显示)?(?:吧|好吗|可以吗|谢谢)?"
    r"|(?:请|麻烦)?(?:只要|只看|只给我?|给我|只发)?链接(?:就行|就好|就可以|吧|呢|在哪|在哪里)?)\s*[?？!！.。]*$")
_PAGE = re.compile(r"^(?:page|pg|p\.)\s*(?P<n>\d{1,4}|[a-z]+)\s*[?!.]*$|^第\s*(?P<zh>[0-9一二三四五六七八九十]{1,3})\s*页[?？!！。]*$")
_ZH_NAMES = frozenset(("chinese", "mandarin", "中文", "汉语"))
_YES = re.compile(r"^(?:y|yes|yeah|yea|yep|yup|sure|right|correct|exactly|ok|okay|yes\s+please|that\s+one|是|是的|对|对的|"
                  r"嗯|嗯嗯|好|好的|没错|就是|就是它|就是这个|要)[\s!.。！]*$")
# The frame of a follow-up ("and neutron?", "what about heat", "same for july", "那nova呢", "第11期的呢",
# "no, I meant glance", "不是，我是说glance"): the frame is cut, and what the line does not say
# the last question gives. `fix`: a correction, which keeps the last question's topic too.
_FOLLOW_UP = re.compile(
    r"^(?:(?:ok|okay|alright|cool|great|nice|thanks|thank\s+you|thx|ty)[,.!]?\s+)?"  # "thanks, and heat?"
    r"(?:(?P<fix>(?:no|nope|sorry|oops|nah)\b[,.!]?\s*(?:i\s+)?(?:meant|mean|wanted)?|(?:i\s+)?meant|i\s+mean|i\s+wanted|actually)"
    r"|(?:(?:and|also|then|so|ok|okay|now)\s+)?(?:what|how)\s+about|and(?:\s+for)?|also(?:\s+for)?"
    r"|same(?:\s+(?:thing|question))?(?:\s+(?:for|but|with|about))?|(?P<only>only|just)(?:\s+(?:from|for))?|now(?:\s+for)?"
    r")(?=\s|$)\s*"
    # in Chinese the frame may touch what follows: before a time ("那第十九期呢", "只看六月的"), not inside
    # a word that begins like it ("换届选举", "那些", "还有没有")
    r"|^(?:(?:好的|好|谢谢|多谢|嗯|ok)[,，。!！]?\s*)?(?:(?P<fix_zh>(?:不是|不对|错了|搞错了)[,，、]\s*(?:我是说|我说的是|我指的是|我要的是|我想要|是)?"
    r"|(?:(?:不是|不对)\s*)?(?:我是说|我说的是|我指的是|我要的是))"
    r"|(?:那么?|还有|换成|换|再看看?|同样的?)(?=\s|$|[第0-9一二三四五六七八九十上下这本今去前最])"
    # narrowing the last answer, before anything: "只看峰会的", "其中heat的", "里面有heat吗" (no word
    # of a question begins with these)
    r"|(?P<only_zh>(?:只看|只要|里面|里头|其中)(?:的|有没有|有)?))\s*")
_FOLLOW_UP_END = re.compile(
    r"(?:\s+(?:too|as\s+well|instead|then)"
    r"|\s+(?:in|from)\s+(?:it|there|that(?:\s+(?:one|issue))?|this(?:\s+(?:one|issue))?)"
    r"|\s+only"  # "in issue 15 only"
    r"|\s*(?:的呢|呢|怎么样|如何|也看看|看看|也是|也一样))\s*[?？!！.。]*$")
_FOLLOW_UP_HINT = frozenset("的呢样何看也吧?？.。!！")  # a line's last character, before _FOLLOW_UP_END is tried

# A line about what the last answer was about, naming it by a pronoun ("what is it?", "who sponsored
# it?", "它是什么时候发布的") or asking for more of it ("详细说说"), or, with no topic of its own, asking
# which issue had it ("which issue was that in?", "在哪一期", "是哪期的"; "which issue covered tosca" asks
# anew): the last question's topic, with the line's own words. "that" and "this" only where they name
# no thing of their own ("that nova scheduler split" does).
_REFERS = re.compile(r"\b(?:it|its|them|they)\b|\b(?:that|this)\b(?=\s*(?:[?!.]|$|\s+(?:one|in|from|about|for)\b))"
                     # a Chinese line that leaves its subject out, as speech does: "峰会上怎么说的" (about it)
                     r"|它|^(?:再|请)?(?:详细|具体|展开)|怎么(?:说|讲|看|评价)的")
_WHICH_ISSUE = re.compile(r"哪一期|哪期|哪几期|第几期|\b(?:which|what)\s+issues?\b")
# ... but what is said of an answer taken in or let go is no question about it ("got it!", "that's it",
# "forget it", "never mind that")
_LET_GO = re.compile(r"\b(?:got|get|forget|drop|skip|leave)\s+(?:it|that|this)\b|\bthat'?s\s+(?:it|all)\b|\bnever\s*mind\b"
                     r"|\bi\s+see\b|\bmakes\s+sense\b|\bthat\s+(?:works|helps)\b")
_REFERS_HINT = ("it", "them", "they", "that", "this", "which", "what", "它", "期", "详细", "具体", "展开", "怎么")

# A line that steps from the issue just shown: "the one before", "and the one after?", "previous issue",
# "next one", "before that", 前一期, 后一期, 下一期, 再往前一期; optionally a project after it. (上一期
# is no step: it is the newest issue, as 上上期 is the one before it.)
_FOLLOW = re.compile(
    r"^(?:and\s+|what\s+about\s+|how\s+about\s+|then\s+)?(?:"
    r"(?:the\s+)?(?:one|issue)\s+(?:(?P<before>before)|after)(?:\s+(?:that|it|this)(?:\s+one)?)?"
    r"|(?:the\s+)?(?:(?P<before2>previous|prev)|next)\s+(?:one|issue)"
    r"|(?:(?P<before3>before)|after)\s+that"
    r"|(?:再往?)?(?:(?P<before4>前一期|往前一期)|后一期|下一期)(?:的呢|呢|的)?"
    r"|(?:even\s+|still\s+)?(?:(?P<before5>older|earlier)|newer|later)(?:\s+(?:one|issue))?"
    r"|(?:再|还要)?(?:(?P<before6>更早|再早|往前)|往后)(?:一点|一些)?的?(?:一期)?呢?)"
    r"(?P<rest>\s+[a-z\u4e00-\u9fff][\w\s-]{0,40}?)?\s*[?？!.。]*$")


class ConversationMemory:
    """Per conversation, what its next lines may lean on (see the module's doc). `store` and
    `projects`: for stepping from the issue shown ("the one before heat")."""

    def __init__(self, state: BotState, store: Store, projects: Projects):
        self.state = state
        self.store = store
        self.projects = projects
        self.pages: dict[str, Page | None] = {}  # conversation -> what `more` says next
        self.shown: dict[str, int] = {}  # conversation -> the issue its last reply showed (for "the one before")
        self.chinese: set[str] = set()  # conversations whose last line with words of a language was Chinese
        self.asked: dict[str, Asked] = {}  # conversation -> what its last question asked (what a follow-up keeps)
        self.suggested: dict[str, Suggested] = {}  # conversation -> the names its last reply suggested
        self.wanted: dict[str, str] = {}  # conversation -> the language its asker asked for ("in english please")

    def language(self, key: str, text: str) -> str:
        """The language of a reply in conversation `key` when the config says "auto": the one
        asked for, else the line's; a line with no English words of its own (`DVR`, `neutron gbp`,
        `2014.1.1`: names, terms, numbers) keeps the language of the conversation's last line, so
        a Chinese asker stays answered in Chinese."""
        if self.wanted and key in self.wanted:  # "in english please", "用中文": until asked otherwise
            return self.wanted[key]
        lang = detect(text)
        if lang == "zh":
            if key not in self.chinese:
                if len(self.chinese) >= MAX_MIRRORED_PAGES:
                    self.chinese.clear()
                self.chinese.add(key)
        elif key in self.chinese:
            if no_english(text):
                return "zh"
            self.chinese.discard(key)
        return lang

    def answering(self, parsed: cmd.Parsed, key: str) -> tuple[cmd.Parsed, str | None]:
        """A line that answers the bot's last reply rather than asking anew: "yes" or one of the
        names after "did you mean", as that command for the name; "in english please", "用中文",
        "just the links": the last question again (in that language from now on: returned too)."""
        said = self.suggested.pop(key, None) if self.suggested else None
        if parsed.command is not None:
            return parsed, None
        line = parsed.text.casefold()
        page = _PAGE.match(line) if line[:1] in "p第" else None
        if page is not None:  # "page 2", "第三页": that page of the last answer
            n = issue_number(page.group("n") or page.group("zh"))
            if n is not None:
                return cmd.Parsed(cmd.BY_WORD["more"], ("page", str(n)), parsed.text), None
        if said is not None and len(line) <= 24:
            bare = line.strip(" ?!.,。？！，")
            name = (said.names[0] if len(said.names) == 1 and _YES.match(line) else
                    next((n for n in said.names if n.casefold() == bare), None))
            if name is not None:
                if said.command:
                    return cmd.Parsed(cmd.BY_WORD[said.command], (name,), f"{said.command} {name}"), None
                return cmd.Parsed(None, (name,), name), None
        asked = self.last_asked(key)
        m = _AGAIN.match(line) if asked is not None and len(line) <= 40 else None
        if m is None:
            return parsed, None
        lang = m.group("lang") or m.group("lang_zh")
        if lang:
            lang = _keep(self.wanted, key, "zh" if lang in _ZH_NAMES else "en")
        return cmd.parse(asked.text), lang

    def note(self, req: Request, project: str | None, terms, scope: Scope, listed: bool = False,
              command: str | None = None) -> None:
        """Keep what this question asked, for the follow-ups of its conversation."""
        _keep(self.asked, req.ctx.conversation, Asked(project, tuple(terms), scope, req.text, listed, command))

    def suggest(self, req: Request, command: str | None, names: list[str]) -> None:
        if names:
            _keep(self.suggested, req.ctx.conversation, Suggested(command, tuple(names)))

    def follow(self, parsed: cmd.Parsed, key: str) -> cmd.Parsed:
        """"the one before" / "next issue" / 前一期 / 下一期 right after an issue was shown in this
        conversation: the issue before (after) that one, as `issue N`. Otherwise the line as parsed
        (without an issue shown, "the one before" is the second newest, a time word)."""
        m = _FOLLOW.match(parsed.text.casefold())
        if not m:
            return parsed
        numbers = [n for _, n in self.store.visible_issues()]  # newest first
        shown = self.shown[key]
        if shown not in numbers:
            return parsed
        backward = any(m.group(g) for g in ("before", "before2", "before3", "before4", "before5", "before6"))
        at = numbers.index(shown) + (1 if backward else -1)
        number = numbers[at] if 0 <= at < len(numbers) else shown + (-1 if backward else 1)  # past the ends: none
        rest = tuple((m.group("rest") or "").split())
        asked = self.last_asked(key)
        if not rest and asked is not None and asked.project:  # after "neutron in issue 19": its Neutron
            rest = (asked.project,)
        # the line as `more` continues it: the issue stepped to (other words: the line, read again as a question)
        text = f"issue {number} {' '.join(rest)}".strip() if not rest or self.projects.resolve(rest)[1] else parsed.text
        return cmd.Parsed(cmd.BY_WORD["issue"], (str(number), *rest), text)

    def showed(self, key: str, reply: Reply) -> None:
        """Keep the issue a reply showed (a list of items or issues since: "older" pages it)."""
        if reply.issue is not None:
            _keep(self.shown, key, reply.issue.number)
        elif (reply.items or reply.issues) and self.shown:
            self.shown.pop(key, None)

    def last_asked(self, key: str) -> Asked | None:
        return self.asked.get(key) if self.asked else None

    def remember(self, ctx: Context, text: str, offset: int, reply: Reply) -> None:
        """Keep what `more` says next: the command and offset of an answer with more to show; that
        an answer of one page showed all its items or issues, or found none (`Page.shown`); or
        nothing (a last page, an error, an answer that lists nothing). The database holds it (an
        `ask` is a process of its own); this process's last write per conversation is mirrored, so
        a command that changes nothing touches no SQL. That is safe because a conversation lives in
        one process: the bot's, or one `chat` session."""
        key = ctx.conversation
        page = _page(text, offset, reply)
        last = self.pages[key] if key in self.pages else self.state.last_page(key)
        if page != last:
            if page is None:
                self.state.forget_page(key)
            else:
                self.state.remember_page(key, *page)
        _keep(self.pages, key, page)

    def unlisted(self, ctx: Context) -> None:
        """After an answer that lists nothing (`help`, `subscribe heat`): `more` still continues a
        list with pages to come, but no longer says that "the last answer" showed all its items."""
        key = ctx.conversation
        last = self.pages[key] if key in self.pages else self.state.last_page(key)
        if last is not None and last.shown is not None:
            self.state.forget_page(key)
            last = None
        _keep(self.pages, key, last)


def _page(text: str, offset: int, reply: Reply) -> Page | None:
    """What `more` says after `reply` to the line `text` at `offset` (see `ConversationMemory.remember`)."""
    if reply.more > 0:
        return Page(text, offset)
    if offset or not reply.ok:
        return None
    if reply.issues and not reply.items:
        return Page(text, offset, len(reply.issues), "issues")
    if reply.items:
        return Page(text, offset, len(reply.items), "items")
    if reply.kind in ("items", "issues"):  # "Nothing in the archive mentions …", "Issue 19 has no Heat section."
        return Page(text, offset, 0, "items")
    return None


def _keep(memory: dict, key: str, value):
    """memory[key] = value in a map of at most MAX_MIRRORED_PAGES conversations (past it, it starts again)."""
    if len(memory) >= MAX_MIRRORED_PAGES:
        memory.clear()
    memory[key] = value
    return value


def unframed(line: str) -> tuple[str, str | None]:
    """A follow-up's line without its frame ("and neutron?" is "neutron", "那nova呢" "nova"), and
    which follow-up it is: "fix" (a correction), "star" (a word corrected), "only" (the last answer
    narrowed: "only the summit ones", "只看峰会的"), "and" (another question like the last), or None."""
    kind = None
    if line[:1] == "*" and len(line) > 1 and line[1] != "*":  # "*migration": a word of the last line, corrected
        return line[1:], "star"
    m = _FOLLOW_UP.match(line)
    if m and m.end() < len(line):
        kind = "fix" if m.group("fix") or m.group("fix_zh") else "only" if m.group("only") or m.group("only_zh") else "and"
        line = line[m.end():]
    m = _FOLLOW_UP_END.search(line) if line and (line[-1] in _FOLLOW_UP_HINT or line[-1].isalpha()) else None
    if m and m.start() > 0:
        kind, line = kind or "and", line[:m.start()]
    return line, kind


def refers(line: str, alone: bool) -> bool:
    """The line names what the last answer was about (see _REFERS); `alone`: it has no topic of its
    own. A few substring tests first."""
    return any(h in line for h in _REFERS_HINT) and (
        _REFERS.search(line) is not None or alone and _WHICH_ISSUE.search(line) is not None) and not _LET_GO.search(line)


def corrected(asked: Asked, project: str | None, terms: list[str], said: str | None) -> tuple[str | None, list[str]]:
    """The last question with a word corrected ("nova live migraton", then "*migration"): the
    word most like the correction gives way to it; a project corrects the project."""
    fixed = said or (terms[0] if len(terms) == 1 else " ".join(terms))
    old = list(asked.terms)
    close = max(old, key=lambda t: fuzz.ratio(t, fixed)) if old else None
    at = len(old)
    if close is not None and fuzz.ratio(close, fixed) >= 60:
        at = old.index(close)
        old.pop(at)
    if project:
        return project, old
    return asked.project, old[:at] + terms + old[at:]


_ASCII_WORDS = re.compile(r"[a-z]+")


def no_english(text: str) -> bool:
    """No English words of the line's own: no stop word, command word or time word, only names,
    terms and numbers."""
    line = query.normalize(text).casefold()
    said = _ASCII_WORDS.findall(line)
    en_stop, asked = query.stopwords()[0], _asked_words()
    if any(w in en_stop or w in cmd.BY_WORD or w in asked for w in said):  # ("usage": help)
        return False
    return len(_ASCII_WORDS.findall(take_scope(line)[1])) == len(said)  # "since", "june": time words


@lru_cache(maxsize=1)
def _asked_words() -> frozenset[str]:
    """The English words of the phrases that ask for a command ("usage", "editions"): English of
    the line's own. Made when first needed: the commands are declared by then (bot.core)."""
    return frozenset(w for c in cmd.COMMANDS for p in c.asked if p.isascii() for w in p.split())
