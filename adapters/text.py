"""Plain-text rendering of a Reply: the terminal, `digest-bot ask`/`chat`, and plain-text fallbacks.

Strings from the archive are untrusted even here: control characters (terminal escape
sequences, bidi overrides) are replaced before anything is printed.
"""
from __future__ import annotations

import re

from bot.i18n import tr
from bot.reply import IssueRef, Item, Reply

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """No escape sequences or direction overrides from untrusted text reach the terminal."""
    return _CONTROL.sub("\ufffd", text)


def period_text(issue: IssueRef) -> str:
    if issue.period:
        return f"{issue.period[0].isoformat()} – {issue.period[1].isoformat()}"
    return issue.date.isoformat()


def item_lines(item: Item, show_issue: bool = True) -> list[str]:
    where = f"[#{item.issue} {item.section}] " if show_issue else ""
    urls = [url for url, _ in item.links]
    if not item.text.strip() and urls:  # a bare link in a list: the link is the item, not an empty bullet
        return [f"• {where}{urls[0]}"] + [f"    {url}" for url in urls[1:]]
    return [f"• {where}{item.text}".rstrip()] + [f"    {url}" for url in urls]


def render_text(reply: Reply) -> str:
    """Title, notice, paragraphs, sections, issues, items, link and the `more` hint, in that order."""
    _ = tr(reply.lang).gettext  # the reply's language: its own words are translated, the archive's are not
    out = [reply.title]
    if reply.notice:
        out.append(f"({reply.notice})")
    if reply.issue and reply.kind in ("issue", "announcement"):
        out.append(_("Issue {n} · {when}").format(n=reply.issue.number, when=period_text(reply.issue)))
    out += list(reply.text)
    if reply.sections:
        out.append("  ".join(f"{s.name} ({s.count})" for s in reply.sections))
    for i in reply.issues:
        out.append(f"#{i.number}  {i.date.isoformat()}  {i.title}")
    single_issue = reply.issue is not None
    several_sections = len({item.section for item in reply.items}) > 1
    section = None
    for item in reply.items:
        if single_issue and several_sections and item.section != section:
            section = item.section
            out.append(f"{section}:")
        out += item_lines(item, show_issue=not single_issue)
    if reply.url:
        out.append(reply.url)
    if reply.more:
        n = f"{reply.more}{'+' if reply.more_at_least else ''}"
        out.append(_("… {n} more: say `more`.").format(n=n))
    return clean("\n".join(out))
