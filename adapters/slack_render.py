"""Render a core `Reply` as Slack messages: Block Kit blocks plus a plain-text fallback.

Pure functions, no Slack client. Everything in a Reply is untrusted, so every string that
goes into mrkdwn is escaped (`&`, `<`, `>`: this also defuses `<!channel>`, `<!here>`,
`<@U…>`, `<#C…>`) and bare `@here` / `@channel` / `@everyone` get a word joiner after the
`@` so they can never ping. mrkdwn text objects are `verbatim` (no auto-linking of names).

Slack rejects a message with more than 50 blocks, a section text of 3001+ characters, a
header of 151+, or blocks holding about 12,000 characters in all; it cuts `text` at 40,000.
The renderer keeps every message inside those limits: long texts are truncated, many items are packed several to a section, and what
still does not fit goes into follow-up messages. A reply with `more > 0` ends with a
"Show more" button whose action (`MORE_ACTION`) runs the core's `more` for the clicker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from bot.i18n import tr
from bot.reply import IssueRef, Item, Reply

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000  # Slack: section text must be < 3001 characters
MAX_CONTEXT_TEXT = 3000
MAX_HEADER = 150
MAX_TEXT = 40_000  # chat.postMessage `text`
# The text of all blocks together: Slack answers `msg_blocks_too_long` from about 12,000
# characters (undocumented; slackapi/bolt-js#2509, #2867). Keep a margin.
MAX_MESSAGE_TEXT = 11_000
MAX_MESSAGES = 5  # per answer: a response_url takes 5 messages, and a channel wants no flood
MAX_BUTTON_TEXT = 75
MORE_ACTION = "digest_more"
WORD_JOINER = "\u2060"  # invisible, stops Slack from reading "@here" as a mention
ELLIPSIS = "…"

_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)
_SPACE = re.compile(r"\s")
_CONTROL = re.compile(r"<(?=[!@#])")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message: `blocks` for display, `text` for notifications and old clients."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    def payload(self) -> dict:
        """Keyword arguments for chat.postMessage / chat.update / chat.postEphemeral."""
        return {
            "text": self.text,
            "blocks": self.blocks,
            "unfurl_links": False,
            "unfurl_media": False,
            "link_names": False,
        }


# --- escaping --------------------------------------------------------------------------

def defuse(text: str) -> str:
    """Break `@here`, `@channel`, `@everyone` so no client treats them as a broadcast."""
    return _BROADCAST.sub("@" + WORD_JOINER, text)


def escape(text: str) -> str:
    """Untrusted text -> mrkdwn that shows it literally and cannot mention anyone."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return defuse(text)


def plain(text: str, limit: int) -> str:
    """Untrusted text for a plain_text object, cut to `limit`. Slack shows plain_text as is,
    but a `<!channel>`-like sequence still gets a word joiner after its `<`, in case any
    client ever reads one there."""
    text = _CONTROL.sub("<" + WORD_JOINER, defuse(" ".join(text.split())))
    return truncate(text, limit)


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis when cut.
    Never cuts inside an `&amp;`-style entity or a `<url|label>` link."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    amp, semi = cut.rfind("&"), cut.rfind(";")
    if amp > semi:  # a half entity at the end
        cut = cut[:amp]
    lt, gt = cut.rfind("<"), cut.rfind(">")
    if lt > gt:  # a half link at the end
        cut = cut[:lt]
    return cut.rstrip() + ELLIPSIS


def escape_truncated(text: str, limit: int) -> str:
    return truncate(escape(text), limit)


def link(url: str, label: str = "") -> str:
    """A mrkdwn link for an untrusted URL; anything but http(s)/mailto is shown as text."""
    url = url.strip()
    label = " ".join(label.split())
    if not url.lower().startswith(_SAFE_SCHEMES) or _SPACE.search(url):
        return escape(f"{label} ({url})" if label else url)
    # `|` and `>` would end the URL early; `<` is never valid in one.
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    safe_url = safe_url.replace("&", "&amp;")
    shown = escape(label) if label else escape(_short(url))
    return f"<{safe_url}|{shown}>"


def _short(url: str, limit: int = 80) -> str:
    bare = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
    return bare if len(bare) <= limit else bare[: limit - 1] + ELLIPSIS


# --- pieces of a reply -----------------------------------------------------------------

def _item_chunk(item: Item, show_issue: bool, limit: int = MAX_SECTION_TEXT) -> str:
    head = f"*{escape(item.section)}*"
    if show_issue:
        head += f" · #{item.issue}"
        if item.date:
            head += f" ({item.date.isoformat()})"
    links = " · ".join(link(url, label) for url, label in item.links)
    body = escape(" ".join(item.text.split()))
    chunk = f"{head}\n{body}" if body else head
    if not links:
        return truncate(chunk, limit)
    tail = "\n" + links
    if len(tail) > limit // 2:  # a wall of links: keep whole links only
        kept = []
        size = 1
        for url, label in item.links:
            piece = link(url, label)
            if size + len(piece) + 3 > limit // 2:
                kept.append(ELLIPSIS)
                break
            kept.append(piece)
            size += len(piece) + 3
        tail = "\n" + " · ".join(kept)
    return truncate(chunk, limit - len(tail)) + tail


def _issue_line(issue: IssueRef) -> str:
    label = f"#{issue.number} {issue.title}"
    name = link(issue.url, label) if issue.url else f"*{escape(label)}*"
    when = issue.date.isoformat()
    if issue.period:
        when += f" ({issue.period[0].isoformat()} – {issue.period[1].isoformat()})"
    return f"{name} · {when}"


def _context_line(reply: Reply) -> str | None:
    t = tr(reply.lang)
    parts: list[str] = []
    if reply.issue is not None:
        parts.append(t.gettext("Issue #{n} · {day}").format(n=reply.issue.number, day=reply.issue.date.isoformat()))
        if reply.issue.period:
            a, b = reply.issue.period
            parts.append(t.gettext("covers {a} – {b}").format(a=a.isoformat(), b=b.isoformat()))
    if reply.items:
        parts.append(t.ngettext("{n} item", "{n} items", len(reply.items)).format(n=len(reply.items)))
    if reply.more:
        parts.append(t.gettext("{n} more").format(n=reply.more))
    return " · ".join(parts) or None


def _chunks(reply: Reply) -> list[str]:
    """The body of the reply as mrkdwn pieces, each short enough for one section."""
    out: list[str] = []
    for paragraph in reply.text:
        out.extend(_split_paragraph(paragraph))
    if reply.sections:
        line = " · ".join(f"*{escape(s.name)}* {s.count}" for s in reply.sections)
        out.extend(_split_paragraph_escaped(line))
    for issue in reply.issues:
        out.append(truncate(_issue_line(issue), MAX_SECTION_TEXT))
    issues = {it.issue for it in reply.items}
    show_issue = reply.issue is None or len(issues) > 1
    for item in reply.items:
        out.append(_item_chunk(item, show_issue))
    if reply.url:
        out.append(link(reply.url, tr(reply.lang).gettext("Read the full issue")))
    return [c for c in out if c.strip()]


def _split_paragraph(paragraph: str) -> list[str]:
    return _split_paragraph_escaped(escape(paragraph))


def _split_paragraph_escaped(text: str) -> list[str]:
    """Split already-escaped mrkdwn at line or word boundaries into section-sized pieces."""
    pieces: list[str] = []
    while len(text) > MAX_SECTION_TEXT:
        cut = text.rfind("\n", 0, MAX_SECTION_TEXT)
        if cut < MAX_SECTION_TEXT // 2:
            cut = text.rfind(" ", 0, MAX_SECTION_TEXT)
        if cut < MAX_SECTION_TEXT // 2:
            cut = MAX_SECTION_TEXT
            amp = text.rfind("&", 0, cut)
            if amp > text.rfind(";", 0, cut):
                cut = amp
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def _pack(chunks: list[str], budget: int) -> list[str]:
    """One section per chunk when that fits in `budget` blocks, else several per section."""
    if len(chunks) <= budget:
        return chunks
    packed: list[str] = []
    for chunk in chunks:
        if packed and len(packed[-1]) + 2 + len(chunk) <= MAX_SECTION_TEXT:
            packed[-1] += "\n\n" + chunk
        else:
            packed.append(chunk)
    return packed


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _context(text: str) -> dict:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, MAX_CONTEXT_TEXT), "verbatim": True}],
    }


def _more_button(more: int, lang: str = "en") -> dict:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": MORE_ACTION,
                "text": {"type": "plain_text", "text": tr(lang).gettext("Show more ({n})").format(n=more)[:MAX_BUTTON_TEXT]},
                "value": "more",
            }
        ],
    }


# --- the whole reply -------------------------------------------------------------------

def _size(block: dict) -> int:
    """Characters of text in a block, as Slack counts them towards a message's total."""
    if block["type"] in ("header", "section"):
        return len(block["text"]["text"])
    total = 0
    for e in block.get("elements", ()):
        t = e.get("text")
        total += len(t if isinstance(t, str) else (t or {}).get("text", ""))
    return total


class _Page:
    """The blocks of one message being filled, with their running text size."""

    def __init__(self, blocks: list[tuple[dict, str]] = ()):
        self.blocks = list(blocks)
        self.size = sum(_size(b) for b, _ in self.blocks)

    def fits(self, *extra: tuple[dict, str]) -> bool:
        return (len(self.blocks) + len(extra) <= MAX_BLOCKS
                and self.size + sum(_size(b) for b, _ in extra) <= MAX_MESSAGE_TEXT)

    def add(self, *blocks: tuple[dict, str]) -> None:
        self.blocks.extend(blocks)
        self.size += sum(_size(b) for b, _ in blocks)


def _message(blocks: list[tuple[dict, str]]) -> SlackMessage:
    """A message from (block, its mrkdwn fallback) pairs; the fallback text is the same
    content, so notifications and screen readers get what the blocks show."""
    text = truncate("\n\n".join(f for _, f in blocks if f), MAX_TEXT)
    return SlackMessage(text=text or ELLIPSIS, blocks=[b for b, _ in blocks])


def render(reply: Reply, *, single: bool = False, max_messages: int = MAX_MESSAGES) -> list[SlackMessage]:
    """Render `reply` as one message, or several (at most `max_messages`) when it cannot fit
    in one. What does not fit in the last allowed message is replaced by a line saying how
    much is left (with the issue's link, when the reply has one).

    `single=True` (announcements): exactly one message, and no "Show more" button (nobody's
    conversation has a `more` for an announcement)."""
    if single:
        max_messages = 1
    title = reply.title or ("Error" if not reply.ok else "digest-bot")
    header = {"type": "header", "text": {"type": "plain_text", "text": plain(title, MAX_HEADER) or "digest-bot"}}
    top: list[tuple[dict, str]] = [(header, f"*{escape(title)}*")]
    if reply.notice:
        notice = escape(reply.notice)
        top.append((_context(notice), f"_{notice}_"))
    bottom: list[tuple[dict, str]] = []
    context = _context_line(reply)
    if context:
        bottom.append((_context(context), context))
    if reply.more and not single:
        bottom.append((_more_button(reply.more, reply.lang), ""))

    chunks = _chunks(reply) or ([] if reply.notice else ["(nothing to show)"])
    body = [(_section(s), s) for s in _pack(chunks, MAX_BLOCKS - len(top) - len(bottom))]

    messages: list[SlackMessage] = []
    page = _Page(top)
    for i, block in enumerate(body):
        if len(messages) == max(1, max_messages) - 1:  # the last message we may send
            left = len(body) - i
            tail = _more_parts(left, reply.url)
            if not page.fits(block, *bottom, *([tail] if left > 1 else [])):
                page.add(tail)
                break
        elif page.blocks and not page.fits(block):
            messages.append(_message(page.blocks))
            page = _Page()
        page.add(block)
    if bottom and not page.fits(*bottom):
        messages.append(_message(page.blocks))
        page = _Page()
    page.add(*bottom)
    messages.append(_message(page.blocks))
    return messages


def _more_parts(left: int, url: str | None) -> tuple[dict, str]:
    tail = f"_…and {left} more part{'s' if left != 1 else ''}, too long for Slack"
    tail += f": {link(url, 'read the full issue')}_" if url else "_"
    return _section(tail), tail
