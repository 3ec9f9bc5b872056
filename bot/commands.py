"""Commands: each declared once, beside its handler, with `@command(...)` (as maubot's
`@command.new` does): name, aliases in both languages, usage, help and examples. The registry
the decorators fill is the whole grammar of command words; `help` is generated from it in the
asker's language. Adding a command touches one place: its decorated handler.

A line whose first word is no command is a question (bot/query.py reads it).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.i18n import N_, Tr
from bot.query import MAX_CHARS, words as content_words

MAX_INPUT_CHARS = MAX_CHARS


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    usage: str
    help: str  # an English msgid, translated when shown
    examples: tuple[str, ...] = ()
    pages: bool = False  # answers can be continued with `more`
    handler: str = ""  # the name of the Core method that answers it
    asked: tuple[str, ...] = ()  # a question made of one of these alone asks for this command

    @property
    def takes_args(self) -> bool:
        return self.usage != self.name


COMMANDS: list[Command] = []  # in declaration order: the order of `help`
BY_WORD: dict[str, Command] = {}
_prefix: list[re.Pattern | None] = [None]


def command(name: str, *, aliases: tuple[str, ...] = (), usage: str = "", help: str,
            examples: tuple[str, ...] = (), pages: bool = False, asked: tuple[str, ...] = ()) -> Callable:
    """Declare the decorated method as the handler of `name`. `asked`: words and phrases that,
    as the whole of a question (with only question words around them), ask for this command:
    "what projects are there", "有哪些栏目", "我订阅了什么"."""
    def declare(fn: Callable) -> Callable:
        c = Command(name, tuple(aliases), usage or name, help, tuple(examples), pages, fn.__name__,
                    tuple(a.casefold() for a in asked))
        for word in (name, *aliases):
            key = word.casefold()
            if key in BY_WORD and BY_WORD[key].name != name:
                raise ValueError(f"command word {word!r} is declared twice")
            BY_WORD[key] = c
        COMMANDS[:] = [x for x in COMMANDS if x.name != name] + [c]
        _prefix[0] = None
        _asking.clear()
        fn.command = c
        return fn
    return declare


# A question about a project needs no command word: `heat`, `heat links last 3`, `nova since 2014-06-01`.
PROJECT_QUERY_USAGE = N_("PROJECT [WORDS] [latest | last N | since DATE | in N]")
PROJECT_QUERY_HELP = N_("a project's items across issues, newest first; with more words, a search inside it")
PROJECT_QUERY_EXAMPLES = ("heat links", "heat last 3", "nova links since 2014-10-01", "neutron in 25",
                          "heat autoscaling", "heat 自动伸缩", "有没有关于热迁移的文章")  # `help` in Chinese: the last two

_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_ISSUE_SHORTHAND = re.compile(r"^(?:#\s*(?P<a>\d+)|第\s*(?P<b>[0-9零〇一二两三四五六七八九十百千万亿]+)\s*期|(?P<c>\d+)\s*期)$")


class Parsed(NamedTuple):  # built for every line: the cheapest immutable record
    command: Command | None  # None: a question in words
    args: tuple[str, ...]
    text: str  # the cleaned input line


# Where an English word or number touches Chinese ("#17的ceilometer", "since july的neutron", "issue 17的"):
# a space, so that word boundaries hold there (a Chinese character is a word character to `\b`);
# not inside a release's letter with 版 (k版, L版本).
_MIXED = re.compile(r"(?<=[0-9A-Za-z])(?=[\u4e00-\u9fff])(?!版)|(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z#])")


def clean(text: str) -> str:
    text = " ".join(text[: MAX_INPUT_CHARS * 4].replace("\u3000", " ").split())
    if not text.isascii():
        text = _MIXED.sub(" ", text)
    return text[:MAX_INPUT_CHARS]


def _cjk_prefix() -> re.Pattern:
    if _prefix[0] is None:
        words = sorted((re.escape(w) for w in BY_WORD if re.match(r"[\u4e00-\u9fff]", w)), key=len, reverse=True)
        _prefix[0] = re.compile("^(" + ("|".join(words) or "(?!)") + r")(?=\S)")
        _anywhere[0] = re.compile("|".join(words) or "(?!)")
    return _prefix[0]


_anywhere: list[re.Pattern | None] = [None]  # a Chinese command word anywhere in a line


def _has_cjk_command(text: str) -> bool:
    _cjk_prefix()
    return _anywhere[0].search(text) is not None


def tokenize(text: str) -> list[str]:
    """Split a command line; a Chinese command word may be glued to its argument (`搜索热迁移`),
    with 一下 between them (`订阅一下heat`)."""
    m = _cjk_prefix().match(text)
    if m:
        rest = text[m.end():]
        text = m.group(1) + " " + rest[_said_lightly(m.group(1), rest):]
    return text.split()


def _said_lightly(verb: str, rest: str) -> int:
    """How many characters at the start of `rest` only say the verb lightly: 一下 or 下 after it, or
    the verb doubled (搜一搜, 搜搜, 查下热迁移, 订阅一下heat); never the 下 of 下载 (download), 下一期,
    下个月, 下周, 下半年, 下面."""
    for light in ("一下", "一" + verb[-1], verb if len(verb) == 1 else ""):
        if light and rest.startswith(light):
            return len(light)
    return 1 if rest.startswith("下") and not rest.startswith(("下载", "下一", "下个", "下周", "下半", "下面")) else 0


def _unframed(text: str) -> str | None:
    """A Chinese line without the asking frame before its command word (`我想订阅neutron`,
    `帮我搜索热迁移`, `请退订heat`): the stop phrases of bot/data/stopwords.toml (and 请) at its
    start dropped, when a Chinese command word follows them; else None."""
    if not _has_cjk_command(text):  # most questions: no command word to find behind a frame
        return None
    rest = text
    for _ in range(4):
        m = _frame().match(rest)
        if not m or m.end() == len(rest):
            return None
        rest = rest[m.end():]
        first = rest.split()[0]
        glued = _cjk_prefix().match(rest)
        word = glued.group(1) if glued else first if first in BY_WORD and _HAS_CJK.match(first) else ""
        if len(word) > 1:  # a one-character word (期, 搜) inside a sentence is no command: 有哪些期
            return rest
    return None


@lru_cache(maxsize=1)
def _frame() -> re.Pattern:
    """One of the Chinese stop phrases (longest first), or 请, at the start of a line."""
    from bot.query import stopwords
    phrases = sorted({*stopwords()[1], "请"}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, phrases)) + r")\s*")


# "how do I subscribe to neutron?", "how can I get notified when a new issue is out?", "怎么订阅",
# "新的一期出来了怎么通知我": asking HOW to (un)subscribe is asking for that command's help, not
# doing it (the help shows `subscribe PROJECT` with examples). One regex per language, run once a line.
_HOW_EN = re.compile(r"\bhow\s+(?:do|can|could|would|should|does|shall)\s+(?:i|we|one|you|someone|people)\b|\bhow\s+to\b"
                     r"|\bis\s+there\s+a\s+way\s+to\b|\bwhat(?:'s|\s+is)\s+the\s+way\s+to\b", re.IGNORECASE)
_SUBSCRIBING_EN = re.compile(r"\b(?P<un>un)?subscri\w*|\b(?:get|be|being|getting)\s+(?:notified|pinged|alerted|emailed)\b"
                             r"|\bnotify\s+me\b|\bsign\s+(?:me\s+)?up\b|\b(?P<stop>stop|opt\s+out|turn\s+off)\b"
                             r"(?=.*\b(?:messages?|dms?|notifications?|updates?|getting)\b)", re.IGNORECASE)
_HOW_SUBSCRIBING_ZH = re.compile(r"(?:怎么|怎样|如何|咋|要怎么|该怎么)[^。？?！!]{0,12}?"
                                 r"(?:(?P<un>取消订阅|退订|不再订阅|取消通知|不要通知|不再通知)|订阅|通知我|提醒我|推送给我|通知到我|收到通知|收到提醒|收到私信)"
                                 r"|(?P<un3>不想|不要|不再|别|不用)再?(?:收到|接收|收|发)(?:这些|这种)?(?:私信|通知|消息|推送|提醒)"
                                 r"|(?:(?P<un2>取消订阅|退订)|订阅|通知|提醒|推送)(?:的话)?(?:要|该|应该)?(?:怎么|如何|咋)(?:弄|办|做|用|操作|设置)?(?:呢|啊|呀)?[?？]?$")


def _how_to_subscribe(text: str) -> str | None:
    """"subscribe" or "unsubscribe" when the line asks how to do it; else None."""
    if text.isascii():
        if not _HOW_EN.search(text):
            return None
        m = _SUBSCRIBING_EN.search(text)
        return None if m is None else "unsubscribe" if m.group("un") or m.group("stop") else "subscribe"
    m = _HOW_SUBSCRIBING_ZH.search(text)
    return None if m is None else "unsubscribe" if m.group("un") or m.group("un2") or m.group("un3") else "subscribe"


def parse(text: str) -> Parsed:
    text = clean(text)
    words = text.split()
    if not words:
        return Parsed(BY_WORD["help"], (), text)
    how = _how_to_subscribe(text) if len(words) > 1 or not text.isascii() else None
    if how:
        return Parsed(BY_WORD["help"], (how,), text)
    command = BY_WORD.get(words[0].casefold())
    if command:  # the common case first: a command word, then its arguments
        if len(words) > 1 and not command.takes_args:  # "all heat links", "help me": a question
            return Parsed(None, tuple(words), text)
        return Parsed(command, tuple(words[1:]), text)
    how = _HOW_TO.match(text) if len(text) <= 48 else None
    asked = BY_WORD.get(next(g for g in how.groups() if g).casefold()) if how else None
    if asked:  # "how do i search", "搜索怎么用", "how to use latest": that command's help, with examples
        return Parsed(BY_WORD["help"], (asked.name,), text)
    first = words[0].rstrip("?!.。？！")
    command = BY_WORD.get(first.casefold()) if first != words[0] and len(words) == 1 else None
    if command:  # `help?`, `帮助！`
        return Parsed(command, (), text)
    shorthand = _ISSUE_SHORTHAND.match(words[0])
    if shorthand:
        number = next(g for g in shorthand.groups() if g)
        return Parsed(BY_WORD["issue"], (number, *words[1:]), text)
    tokens = tokenize(text)
    command = BY_WORD.get(tokens[0].casefold())
    if command and (len(tokens) == 1 or command.takes_args):
        return Parsed(command, tuple(tokens[1:]), text)
    n = 0
    while n < len(tokens) - 1 and tokens[n].casefold().strip(",!.") in _POLITE:
        n += 1
    command = BY_WORD.get(tokens[n].casefold().rstrip("?!.")) if n else None
    if command and (n == len(tokens) - 1 or command.takes_args):  # "please subscribe heat", "hey bot, help"
        return Parsed(command, tuple(tokens[n + 1:]), text)
    unframed = _unframed(text) if "\u4e00" <= text[0] <= "\u9fff" else None
    if unframed:  # "我想订阅neutron": the command, its arguments, and the line as typed
        framed = tokenize(unframed)
        command = BY_WORD.get(framed[0].casefold())
        if command and (len(framed) == 1 or (command.takes_args and content_words(" ".join(framed[1:]).casefold()).terms)):
            return Parsed(command, tuple(framed[1:]), text)
    return Parsed(None, tuple(tokens), text)


# A question how to use one command ("how do i subscribe", "how to use search", 怎么订阅, 搜索怎么用,
# 订阅功能的用法): the word must be a command word (parse checks), else it is a question.
_HOW_TO = re.compile(
    r"(?i)^(?:how\s+(?:do|can|should|would)\s+(?:i|we|you|one)\s+|how\s+to\s+)(?:use\s+)?(?:the\s+)?"
    r"(?P<en>[a-z]+)(?:\s+(?:command|cmd))?\s*[?？!.]*$"
    r"|^(?:请问)?(?:怎么|怎样|如何)(?:使用|用)?(?P<zh>[\u4e00-\u9fff]{1,3}?)(?:命令|功能)?[?？吗呢]*$"
    r"|^(?P<cmd>[\u4e00-\u9fffA-Za-z]{1,12}?)\s*(?:命令|功能)?的?(?:怎么用|如何使用|怎么使用|用法|使用方法)[?？呢]*$")


# What people say before a command, to the bot: "please subscribe heat", "can you search ceph",
# "i'd like to unsubscribe from nova", "hey bot, more".
_POLITE = frozenset({"please", "pls", "plz", "kindly", "hey", "hi", "hello", "yo", "ok", "okay", "bot", "digest",
                     "digest-bot", "@digest", "@digest-bot", "can", "could", "would", "will", "you", "u", "i", "i'd", "id",
                     "i'll", "want", "wanna", "like", "to", "now", "just", "then", "also", "and", "so", "me", "let",
                     "lets", "let's", "us", "go", "ahead", "请", "麻烦", "帮我"})


# Words that only frame a question for a command ("list all projects", "一共有多少期"): with
# the stop words, what may stand beside an `asked` phrase.
ASKING_WORDS = frozenset({"list", "show", "all", "every", "available", "covered", "列出", "列举", "所有", "全部",
                          "一共", "总共", "多少", "哪些", "哪几个", "几个", "目前", "现在", "共有", "出了", "几",
                          "列表", "清单", "目录", "一览",
                          # beside a project, what names it as one: "the common section of the latest issue"
                          "section", "sections", "part", "column", "category", "project",
                          # or as a program (Compute is Nova's): "the compute program", "计算项目", "编排组件"
                          "program", "programme", "项目", "组件", "component",
                          # what a digest does with them: "what projects does the digest track"
                          "track", "tracks", "tracked", "follow", "follows", "followed", "include", "includes",
                          # how a digest appears: "how often does it come out", "how often is it published"
                          "come", "comes", "published", "publish", "appear", "appears"})
# the Chinese ones, found inside a run of characters the segmenter keeps whole ("有几个", "总共出了")
ASKING_CJK = re.compile("|".join(sorted((w for w in ASKING_WORDS if not w.isascii()), key=len, reverse=True)))
_asking: list[tuple[re.Pattern, Command]] = []  # every asked phrase, longest first
# Which of them a line may hold, so that a line is searched for a few, not all of them: an ASCII
# phrase by its first word (it matches only where that word stands whole), a Chinese one by its text.
_asking_by_word: dict[str, list[int]] = {}
_asking_by_text: list[tuple[str, int]] = []
_WORD_RUN = re.compile(r"\w+")


def _index_asking() -> None:
    found = []
    for c in COMMANDS:
        for phrase in sorted(c.asked, key=len, reverse=True):
            edge = r"\b" if phrase.isascii() else ""
            found.append((re.compile(edge + re.escape(phrase) + edge), c, phrase))
    found.sort(key=lambda e: len(e[0].pattern), reverse=True)  # "我的订阅" before "订阅"
    for i, (pattern, c, phrase) in enumerate(found):
        _asking.append((pattern, c))
        first = _WORD_RUN.match(phrase) if phrase.isascii() else None
        if first:
            _asking_by_word.setdefault(first.group(), []).append(i)
        else:
            _asking_by_text.append((phrase, i))


def asked_command(line: str, only_asking: Callable[[str], bool]) -> Command | None:
    """The command a whole question asks for, when one of its `asked` phrases is in the line
    and `only_asking` says the rest of the line is nothing but question words."""
    if not _asking:
        _index_asking()
    tried = [i for w in set(_WORD_RUN.findall(line)) for i in _asking_by_word.get(w, ())]
    if not line.isascii():
        tried += [i for phrase, i in _asking_by_text if phrase in line]
    for i in sorted(tried):  # in the order of _asking: the longest phrase first
        pattern, c = _asking[i]
        m = pattern.search(line)
        if m and only_asking(line[:m.start()] + " " + line[m.end():]):
            return c
    return None


def help_lines(t: Tr, only: Command | None = None) -> list[str]:
    """`help`: a line per command, then examples; `help search`: that command's line and examples."""
    _ = t.gettext
    zh = t.lang == "zh"
    lines = []
    for c in [only] if only else COMMANDS:
        usage = _(c.usage)  # in Chinese, the Chinese command word and placeholders: 订阅 项目
        if zh:  # the Chinese words first; the English ones (they work too) as commands, `latest`
            typed = usage.split()[0]
            aliases = "、".join([w for w in c.aliases if _HAS_CJK.search(w) and w != typed] +
                               [f"`{w}`" for w in (c.name, *c.aliases) if not _HAS_CJK.search(w)])
        else:
            aliases = ", ".join([w for w in c.aliases if not _HAS_CJK.search(w) and w != usage] +
                                [w for w in c.aliases if _HAS_CJK.search(w)])
        lines.append(f"{usage} — {_(c.help)}" + (_(" (also: {aliases})").format(aliases=aliases) if aliases else ""))
        if c.name == "latest":
            lines.append(f"{_(PROJECT_QUERY_USAGE)} — {_(PROJECT_QUERY_HELP)}")
    if only:
        examples = only.examples or (only.name,)
        if zh:  # the Chinese examples, when there are any
            examples = [e for e in examples if _HAS_CJK.search(e)] or examples
        examples = list(dict.fromkeys(t.example(e) for e in examples))
        lines.append(_("Examples: {examples}").format(examples=" · ".join(examples)))
        return lines
    examples = [e for c in COMMANDS for e in c.examples[:1]] + list(PROJECT_QUERY_EXAMPLES[:3])
    if zh:
        examples = [e for c in COMMANDS for e in c.examples[1:2] or c.examples[:1]] + list(PROJECT_QUERY_EXAMPLES[-2:])
    examples = list(dict.fromkeys(t.example(e) for e in examples))
    lines.append(_("Examples: {examples}").format(examples=" · ".join(examples)))
    lines.append(_("Anything else is a question: I search the archive for it, in English or Chinese."))
    return lines


def all_examples() -> list[str]:
    """Every example `help` shows (in either language): each must answer with content."""
    return list(dict.fromkeys([e for c in COMMANDS for e in c.examples] + list(PROJECT_QUERY_EXAMPLES)))
