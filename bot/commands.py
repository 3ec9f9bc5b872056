"""The command table: every command declared once (name, aliases, usage, help), and the
small grammar that turns a line of chat into (command, arguments).

`help` is generated from these declarations; there is no if/elif chain over names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

MAX_INPUT_CHARS = 500  # longer input is cut: nobody types a 10 KB command on purpose


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    usage: str
    help: str
    examples: tuple[str, ...] = ()
    pages: bool = False  # answers can be continued with `more`


COMMANDS: tuple[Command, ...] = (
    Command("latest", ("最新", "newest", "new"), "latest [PROJECT]",
            "the newest issue, or the PROJECT section of the newest issue that has one",
            ("latest", "latest heat links", "最新 heat"), pages=True),
    Command("issue", ("期号",), "issue N [PROJECT]",
            "one issue by number (also `#19`, `第十九期`)", ("issue 19", "#19", "第十九期"), pages=True),
    Command("issues", ("期刊", "list", "all"), "issues", "every issue, newest first", ("issues",), pages=True),
    Command("projects", ("项目", "sections"), "projects", "the projects the digest covers, with item counts",
            ("projects",)),
    Command("search", ("搜索", "find", "查找", "s"), "search WORDS",
            "items that mention all the words (Chinese or English), best first", ("search live migration", "搜索 热迁移"),
            pages=True),
    Command("more", ("更多", "next", "下一页"), "more", "the next page of the last answer", ("more",)),
    Command("subscribe", ("订阅", "sub"), "subscribe PROJECT",
            "get a direct message with PROJECT's items whenever a new issue has some", ("subscribe neutron",)),
    Command("unsubscribe", ("退订", "取消订阅", "unsub"), "unsubscribe PROJECT|all", "stop those messages",
            ("unsubscribe neutron",)),
    Command("subscriptions", ("我的订阅", "subs"), "subscriptions", "what you are subscribed to",
            ("subscriptions",)),
    Command("help", ("帮助", "?", "h", "commands"), "help", "this list", ("help",)),
)

# A project query has no command word: `heat`, `heat links last 3`, `nova since 2014-06-01`.
PROJECT_QUERY_USAGE = "PROJECT [links] [latest | last N | since DATE | in N]"
PROJECT_QUERY_HELP = "a project's items across issues, newest first"
PROJECT_QUERY_EXAMPLES = ("heat links", "heat last 3", "nova links since 2014-06-01", "neutron in 15")

BY_WORD: dict[str, Command] = {}
for _c in COMMANDS:
    for _w in (_c.name, *_c.aliases):
        BY_WORD[_w.casefold()] = _c

# Words a project query may carry; `links` and friends are filler.
FILLER = {"links", "link", "items", "item", "链接", "条目", "的"}
LATEST_WORDS = {"latest", "最新", "newest", "new"}
LAST_WORDS = {"last", "最近", "recent"}
SINCE_WORDS = {"since", "自", "从", "after", "from"}
IN_WORDS = {"in", "在"}

_ISSUE_SHORTHAND = re.compile(r"^(?:#\s*(?P<a>\d+)|第\s*(?P<b>[0-9零〇一二两三四五六七八九十百千万]+)\s*期|(?P<c>\d+)\s*期)$")
_CJK_COMMAND_PREFIX = re.compile(
    "^(" + "|".join(sorted((re.escape(w) for w in BY_WORD if re.match(r"[\u4e00-\u9fff]", w)), key=len, reverse=True)) + r")(?=\S)"
)
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2})日?)?$")


class Parsed(NamedTuple):  # built for every line: the cheapest immutable record
    command: Command | None  # None: a project query or unknown words
    args: tuple[str, ...]
    text: str  # the cleaned input line


def clean(text: str) -> str:
    text = " ".join(text.replace("\u3000", " ").split())
    return text[:MAX_INPUT_CHARS]


def tokenize(text: str) -> list[str]:
    """Split a command line; a Chinese command word may be glued to its argument (`搜索热迁移`)."""
    m = _CJK_COMMAND_PREFIX.match(text)
    if m:
        text = m.group(1) + " " + text[m.end():]
    return text.split()


def parse(text: str) -> Parsed:
    text = clean(text)
    words = text.split()
    if not words:
        return Parsed(BY_WORD["help"], (), text)
    command = BY_WORD.get(words[0].casefold())
    if command:  # the common case first: a command word, then its arguments
        return Parsed(command, tuple(words[1:]), text)
    shorthand = _ISSUE_SHORTHAND.match(words[0])
    if shorthand:
        number = next(g for g in shorthand.groups() if g)
        return Parsed(BY_WORD["issue"], (number, *words[1:]), text)
    tokens = tokenize(text)
    command = BY_WORD.get(tokens[0].casefold())
    if command:
        return Parsed(command, tuple(tokens[1:]), text)
    return Parsed(None, tuple(tokens), text)


def parse_date(word: str) -> date | None:
    m = _DATE.match(word)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def help_lines() -> list[str]:
    lines = []
    for c in COMMANDS:
        aliases = f" (also: {', '.join(c.aliases)})" if c.aliases else ""
        lines.append(f"{c.usage} — {c.help}{aliases}")
        if c.name == "latest":
            lines.append(f"{PROJECT_QUERY_USAGE} — {PROJECT_QUERY_HELP}")
    examples = [e for c in COMMANDS for e in c.examples[:1]] + list(PROJECT_QUERY_EXAMPLES[:3])
    lines.append("Examples: " + " · ".join(examples))
    lines.append("Anything else is searched for.")
    return lines
