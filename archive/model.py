"""What the parser makes of one post (plain, immutable data, before it reaches the store), and
what the store's lookups hand back: decoded, by field name (how the store encodes them is its own)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class ParsedLink:
    url: str
    label: str = ""  # the link text for [text](url); "" for autolinks and bare URLs

    def __reduce__(self):  # pickled as its fields: parse workers send 100,000s of these
        return ParsedLink, (self.url, self.label)


@dataclass(frozen=True, slots=True)
class ParsedItem:
    text: str  # plain text, markdown removed, whitespace collapsed
    links: tuple[ParsedLink, ...] = ()
    # what the item sits under inside its section: deeper headings ("Europe"), the parent list item
    context: str = ""

    def __reduce__(self):
        return ParsedItem, (self.text, self.links, self.context)


@dataclass(frozen=True, slots=True)
class ParsedSection:
    name: str  # canonical project name ("Tempest" for a "Tempst" heading)
    heading: str  # the heading as written
    items: tuple[ParsedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedIssue:
    number: int
    key: str  # identity across renames: front matter `id`, else the number as text
    title: str
    date: date
    period: tuple[date, date] | None
    path: str  # relative to the archive root, with forward slashes
    slug: str  # from the filename: 2014-09-16-<slug>.md
    categories: tuple[str, ...]  # front matter `categories` / `category`
    published: bool  # front matter `published` (Jekyll's default: true)
    preface: str  # plain text before the first heading (also the section named PREFACE)
    sections: tuple[ParsedSection, ...]
    # where the number was stated: "front matter", "title", "path"; "" when the post states none
    # (number 0 then: the store numbers such posts by date when the digest states no numbers)
    number_from: str = "title"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that is not (or not yet) an indexable digest issue, and why."""

    path: str
    reason: str  # short, human: "not a digest issue (title 'Hello')", "invalid UTF-8", ...
    is_digest: bool = False  # True when it looked like an issue but could not be read


# --- what the store's lookups return (NamedTuples: an answer builds dozens, and cheaply) --------

Link = tuple[str, str]  # (url, label); label may be ""


class Item(NamedTuple):
    """An item as shown: answers (bot.reply) carry it as the store made it."""

    issue: int  # the issue's number
    section: str  # canonical project name
    text: str  # plain text, markdown removed (with its context: "Europe: ...")
    links: tuple[Link, ...] = ()
    date: date | None = None  # the issue's date


class Section(NamedTuple):
    """One section of an issue, in the issue's order."""

    name: str  # canonical project name
    heading: str  # as written
    count: int  # its items
