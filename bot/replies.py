"""Parts of replies that the answers (bot/core.py) and the announcements (bot/announcements.py)
both build: an issue as a reply names it, the dates it covers, and a reply made out in the asker's
language (the preface named in it). The reply's shape itself is bot/reply.py's.
"""
from __future__ import annotations

from archive.store import IssueRow
from bot.i18n import Tr
from bot.names import PREFACE
from bot.reply import IssueRef, Reply


def issue_ref(row: IssueRow) -> IssueRef:
    """The issue as a reply names it."""
    return IssueRef(row.number, row.title, row.date, row.period, row.url)


def when(row: IssueRow) -> str:
    """The dates an issue covers (its period), else its date."""
    if row.period:
        return f"{row.period[0].isoformat()} – {row.period[1].isoformat()}"
    return row.date.isoformat()


def localized(reply: Reply, t: Tr) -> Reply:
    """The reply in t's language: its `lang`, and the preface's section name in that language
    (the archive's own section names stay as written)."""
    if any(s.name == PREFACE for s in reply.sections) or any(i.section == PREFACE for i in reply.items):
        name = t.gettext(PREFACE)
        if reply.items and all(i.section == PREFACE for i in reply.items):  # "第十九期的前言": its title too
            reply = reply._replace(title=reply.title.replace(PREFACE, name))
        reply = reply._replace(
            sections=tuple(s._replace(name=name) if s.name == PREFACE else s for s in reply.sections),
            items=tuple(i._replace(section=name) if i.section == PREFACE else i for i in reply.items))
    return reply._replace(lang=t.lang)
