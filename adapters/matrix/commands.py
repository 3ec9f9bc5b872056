"""Which messages are meant for the bot, and what command they carry.

In a room: the command prefix (`!digest latest`), a mention pill / `m.mentions`, or the
bot's display name or localpart at the start (`digestbot: latest`). In a DM: anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

_SEPARATOR = r"[\s:,，：]"


@dataclass(frozen=True, slots=True)
class Me:
    user_id: str
    display_name: str | None = None

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]

    def names(self) -> list[str]:
        """Ways to address the bot at the start of a message, longest first."""
        names = {self.user_id, "@" + self.localpart, self.localpart}
        if self.display_name:
            names.add(self.display_name)
        return sorted(names, key=len, reverse=True)


def strip_reply_fallback(body: str) -> str:
    """Drop the `> <@user> quoted` lines a client puts before the text of a reply."""
    lines = body.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    if i == 0:
        return body
    while i < len(lines) and not lines[i].strip():
        i += 1
    return "\n".join(lines[i:])


def mentions_me(content: dict, me: Me) -> bool:
    mentions = content.get("m.mentions")
    if isinstance(mentions, dict) and me.user_id in (mentions.get("user_ids") or []):
        return True
    formatted = content.get("formatted_body")
    if isinstance(formatted, str) and "matrix.to/#/" in formatted:
        return me.user_id in unquote(formatted)
    return False


def _strip_leading_name(text: str, me: Me) -> str | None:
    for name in me.names():
        n = len(name)
        if text[:n].casefold() == name.casefold() and (
                len(text) == n or re.match(_SEPARATOR, text[n])):
            return text[n:].lstrip(" \t:,，：").strip()
    return None


def _remove_name(text: str, me: Me) -> str:
    for name in me.names():
        m = re.search(re.escape(name), text, re.IGNORECASE)
        if m:
            rest = text[:m.start()].rstrip() + " " + text[m.end():].lstrip(" \t:,，：")
            return rest.strip()
    return text.strip()


def command_text(content: dict, me: Me, *, prefix: str, is_dm: bool) -> str | None:
    """The command in a message's content, or None when the message is not for the bot."""
    body = content.get("body")
    if not isinstance(body, str):
        return None
    if (content.get("m.relates_to") or {}).get("m.in_reply_to"):
        body = strip_reply_fallback(body)
    text = body.strip()
    n = len(prefix)
    if prefix and text[:n].casefold() == prefix.casefold() and (
            len(text) == n or text[n].isspace()):
        return text[n:].strip() or "help"
    leading = _strip_leading_name(text, me)
    if leading is not None:
        return leading or "help"
    if mentions_me(content, me):
        return _remove_name(text, me) or "help"
    if is_dm:
        return text or None
    return None
