"""What the core answers: plain data that every adapter renders its own way.

All strings that come from the archive or from users are *untrusted*: a renderer
escapes them for its medium (mrkdwn, HTML) and must neutralise mentions.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from archive.model import Item, Link, Section  # noqa: F401 (part of this contract)


@dataclass(frozen=True, slots=True)
class Context:
    """Who asked, and where. The only facts the core knows about a platform."""

    platform: str  # "console", "cli", "slack", "matrix"
    user: str  # platform user id ("" for the console)
    where: str = ""  # channel / room id
    is_dm: bool = False

    @property
    def conversation(self) -> str:
        """Key for per-conversation state such as `more`."""
        return f"{self.platform}:{self.where}:{self.user}"


# A reply and its parts are NamedTuples: immutable, and an answer builds dozens of them (a frozen
# dataclass costs 0.7 µs each to build and 1.5 µs for a Reply, a NamedTuple 0.25 µs and 0.5 µs).

# `Item` (number, section, text, (url, label) links, date) is the archive's (archive.model): the
# store's lookups make them and a reply carries them as they are, with no per-item work between.


class IssueRef(NamedTuple):
    number: int
    title: str
    date: date
    period: tuple[date, date] | None = None
    url: str | None = None  # the published post


class SectionCount(NamedTuple):
    """A project and its number of items. An issue's sections come as the store made them
    (`archive.model.Section`: the same `name` and `count`, and its `heading`)."""

    name: str
    count: int


class Reply(NamedTuple):
    """One answer. Renderers show, in order: title, notice, text, sections, issues, items, url, more."""

    title: str
    kind: str = "text"  # text | help | issue | items | issues | projects | error | announcement
    text: tuple[str, ...] = ()  # paragraphs (help lines, explanations)
    items: tuple[Item, ...] = ()
    issues: tuple[IssueRef, ...] = ()
    sections: tuple[SectionCount | Section, ...] = ()  # renderers read `name` and `count`
    issue: IssueRef | None = None  # the issue this reply is about, if one
    url: str | None = None
    notice: str | None = None  # "did you mean …", "no such command, searched instead"
    more: int = 0  # entries left after this page: say `more` to see them
    ok: bool = True
    more_at_least: bool = False  # `more` is a lower bound ("990+ more"): a vague search wasn't counted to the end
    lang: str = "en"  # the language of the reply's own words ("en" or "zh"); archive text is as written

    def to_json(self) -> dict:
        """The `ask --json` shape."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        def issue_json(i: IssueRef) -> dict:
            return {
                "number": i.number,
                "title": i.title,
                "date": iso(i.date),
                "period": [iso(i.period[0]), iso(i.period[1])] if i.period else None,
                "url": i.url,
            }

        return {
            "kind": self.kind,
            "ok": self.ok,
            "title": self.title,
            "notice": self.notice,
            "text": list(self.text),
            "issue": issue_json(self.issue) if self.issue else None,
            "sections": [{"name": s.name, "count": s.count} for s in self.sections],
            "issues": [issue_json(i) for i in self.issues],
            "items": [
                {
                    "issue": it.issue,
                    "section": it.section,
                    "date": iso(it.date),
                    "text": it.text,
                    "links": [{"url": url, "label": label} for url, label in it.links],
                }
                for it in self.items
            ],
            "url": self.url,
            "more": self.more,
            "more_at_least": self.more_at_least,
            "lang": self.lang,
        }
