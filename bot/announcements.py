"""What a new issue's announcement and a subscriber's direct message say, in the language of
their destination (the config's, or with "auto" the language the issue is written in).
bot/announcer.py delivers them; `Core` answers for them (`Core.announcement`, ...).
"""
from __future__ import annotations

from archive.store import IssueRow, Store
from bot.config import Config
from bot.i18n import Tr, text_language, tr
from bot.names import PREFACE
from bot.reply import Reply
from bot.replies import issue_ref, localized, when


class Announcements:
    """`rooms`: a channel's or room's language (the config's `language_overrides`)."""

    def __init__(self, store: Store, config: Config, rooms: dict[str, str]):
        self.store = store
        self.config = config
        self._rooms = rooms
        self._issue_langs: dict[str, str] = {}  # issue key -> the language it is written in

    def destination_language(self, destination: str) -> str:
        """The configured language of an announcement destination ("slack:C123", "matrix:!room:hs",
        "webhook:team", "slack-dm"): its channel's or room's override, else `language` ("auto" too)."""
        where = destination.split(":", 1)[1] if ":" in destination else destination
        return self._rooms.get(where) or self.config.language

    def archive_language(self, row: IssueRow) -> str:
        """The language an issue is written in (its title and items), for "auto" announcements."""
        lang = self._issue_langs.get(row.key)
        if lang is None:
            items, _ = self.store.issue_items(row)
            lang = text_language(" ".join([row.title, *(i.text for i in items)]))
            if len(self._issue_langs) > 10_000:
                self._issue_langs.clear()
            self._issue_langs[row.key] = lang
        return lang

    def _translation(self, row: IssueRow, lang: str | None) -> Tr:
        return tr(lang if lang in ("en", "zh") else self.archive_language(row))

    def announcement(self, number: int, items_per_section: int | None = None, lang: str | None = None) -> Reply | None:
        """A new issue, for the channels: title, number, period, link, sections with counts and first
        items; in `lang` ("en", "zh"; "auto" or None: the language the issue is written in)."""
        row = self.store.issue_by_number(number)
        if row is None:
            return None
        t = self._translation(row, lang)
        k = self.config.announce.items_per_section if items_per_section is None else items_per_section
        items, _ = self.store.issue_items(row)
        seen: dict[str, int] = {}
        first = []
        for item in items:
            seen[item.section] = seen.get(item.section, 0) + 1
            if seen[item.section] <= k:
                first.append(item)
        reply = Reply(title=t.gettext("New issue {n}: {title}").format(n=row.number, title=row.title),
                      kind="announcement", issue=issue_ref(row), sections=row.sections, items=tuple(first),
                      url=row.url)
        return reply if t.lang == "en" else localized(reply, t)

    def subscription_digest(self, number: int, project: str, lang: str | None = None) -> Reply | None:
        """A subscriber's DM: PROJECT's items in a new issue (None when it has none), in `lang` (as
        for `announcement`)."""
        row = self.store.issue_by_number(number)
        if row is None:
            return None
        items, total = self.store.issue_items(row, project)
        if total == 0:
            return None
        t = self._translation(row, lang)
        reply = Reply(title=t.gettext("{project} in the new issue {n} ({when})").format(
                          project=t.gettext(PREFACE) if project == PREFACE else project, n=row.number, when=when(row)),
                      kind="items", items=items, issue=issue_ref(row), url=row.url)
        return reply if t.lang == "en" else localized(reply, t)
