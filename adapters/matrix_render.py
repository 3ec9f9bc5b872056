"""Reply -> Matrix message content: an HTML `formatted_body` and a plain `body`.

Pure functions, no client. Everything in a Reply is untrusted: it is HTML-escaped, `@room`
is broken with a word joiner so that the legacy push rule never fires, links keep only
schemes the spec lets clients follow, and every message carries `m.mentions: {}` so that
nothing pings. A long reply becomes several messages, each small enough that the event the
homeserver builds around it stays under Matrix's 65,536-byte limit.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.i18n import tr
from bot.reply import IssueRef, Item, Reply

MAX_EVENT_BYTES = 65_536
# The homeserver wraps our content in an envelope (ids, hashes, signatures, unsigned):
# ~1 KB in practice. Content is measured with non-ASCII escaped (\uXXXX), an upper bound of
# its UTF-8 size, so the budget holds however the event is serialised.
ENVELOPE_RESERVE = 4_096
CONTENT_BUDGET = MAX_EVENT_BYTES - ENVELOPE_RESERVE

HTML_FORMAT = "org.matrix.custom.html"
# Schemes the spec says clients may keep on <a href>.
SAFE_SCHEMES = {"http", "https", "ftp", "mailto", "magnet"}
WORD_JOINER = "\u2060"
_ROOM_PING = re.compile(r"@(room)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rendered:
    body: str
    html: str


@dataclass(frozen=True, slots=True)
class Block:
    """One line of a reply: the unit a long reply is split on."""

    plain: str
    html: str
    raw: str  # unescaped text, used to cut a block that is too big on its own
    listed: bool = False  # an <li>: consecutive ones are wrapped in one <ul>


# --- escaping ------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Break `@room` so that it cannot notify a room (legacy body-matching push rule)."""
    return _ROOM_PING.sub("@" + WORD_JOINER + r"\1", text)


def esc(text: str) -> str:
    return html.escape(neutralise(text), quote=True)


def esc_lines(text: str) -> str:
    return "<br>".join(esc(line) for line in text.split("\n"))


def safe_href(url: str) -> str | None:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in SAFE_SCHEMES else None


def link_html(url: str, label: str) -> str:
    href = safe_href(url)
    shown = esc(label or url)
    if href is None:
        return shown
    return f'<a href="{html.escape(href, quote=True)}">{shown}</a>'


def link_plain(url: str, label: str) -> str:
    return f"{label} <{url}>" if label and label != url else url


# --- blocks --------------------------------------------------------------------------

def _issue_line(i: IssueRef) -> tuple[str, str]:
    head = f"#{i.number} {i.title}"
    when = i.date.isoformat()
    if i.period:
        when += f" ({i.period[0].isoformat()} → {i.period[1].isoformat()})"
    h = link_html(i.url, head) if i.url else esc(head)
    p = f"{head} — {when}" + (f" <{i.url}>" if i.url else "")
    return p, f"{h} — {esc(when)}"


def _item_lines(item: Item) -> tuple[str, str]:
    links_p = ", ".join(link_plain(url, label) for url, label in item.links)
    links_h = ", ".join(link_html(url, label) for url, label in item.links)
    if not item.text.strip():  # a bare link: no dash before it
        return "• " + links_p, links_h
    p = "• " + item.text + (f" — {links_p}" if links_p else "")
    h = esc_lines(item.text) + (f" — {links_h}" if links_h else "")
    return p, h


def blocks(reply: Reply, more_hint: str = "more") -> list[Block]:
    """The reply in display order: title, notice, text, sections, issues, items, url, more."""
    out: list[Block] = []
    if reply.title:
        out.append(Block(reply.title, f"<b>{esc_lines(reply.title)}</b>", reply.title))
    if reply.notice:
        out.append(Block(reply.notice, f"<i>{esc_lines(reply.notice)}</i>", reply.notice))
    for para in reply.text:
        out.append(Block(para, f"<p>{esc_lines(para)}</p>", para))
    if reply.sections:
        p = " · ".join(f"{s.name} {s.count}" for s in reply.sections)
        h = " · ".join(f"{esc(s.name)} <b>{s.count}</b>" for s in reply.sections)
        out.append(Block(p, f"<p>{h}</p>", p))
    for issue in reply.issues:
        p, h = _issue_line(issue)
        out.append(Block("• " + p, h, p, listed=True))
    group = None
    for item in reply.items:
        if (item.issue, item.section) != group:
            group = (item.issue, item.section)
            when = f", {item.date.isoformat()}" if item.date else ""
            head = f"{item.section} (#{item.issue}{when})"
            out.append(Block(head, f"<p><b>{esc(item.section)}</b> (#{item.issue}{esc(when)})</p>",
                             head))
        p, h = _item_lines(item)
        raw = p[2:]
        out.append(Block(p, h, raw, listed=True))
    if reply.url:
        out.append(Block(reply.url, f"<p>{link_html(reply.url, reply.url)}</p>", reply.url))
    if reply.more:
        t = tr(reply.lang)
        say = t.gettext("… {n} more: say “{word}”")
        if more_hint.endswith("more"):  # the command word in the reply's language: `!digest 更多`
            more_hint = more_hint[:-len("more")] + t.gettext("more")
        p = say.format(n=reply.more, word=more_hint)
        h = "<i>" + esc(say).format(n=reply.more, word=f"<code>{esc(more_hint)}</code>") + "</i>"
        out.append(Block(p, h, p))
    return out


def assemble(bs: Iterable[Block]) -> Rendered:
    plain: list[str] = []
    parts: list[str] = []
    in_list = False
    for b in bs:
        if b.listed and not in_list:
            parts.append("<ul>")
        elif not b.listed and in_list:
            parts.append("</ul>")
        in_list = b.listed
        parts.append(f"<li>{b.html}</li>" if b.listed else b.html)
        plain.append(b.plain)
    if in_list:
        parts.append("</ul>")
    return Rendered(neutralise("\n".join(plain)), "".join(parts))


def render(reply: Reply, more_hint: str = "more") -> Rendered:
    """The whole reply as one message (no size limit applied)."""
    return assemble(blocks(reply, more_hint))


# --- message contents ----------------------------------------------------------------

def notice_content(r: Rendered, in_reply_to: str | None = None) -> dict:
    content = {
        "msgtype": "m.notice",
        "body": r.body,
        "format": HTML_FORMAT,
        "formatted_body": r.html,
        "m.mentions": {},
    }
    if in_reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
    return content


EDIT_FALLBACK_CHARS = 100


def edit_content(new: dict, original_event_id: str) -> dict:
    """An `m.replace` edit of `original_event_id` to `new` (a notice content). The fallback
    for clients without edits is the new first line, short: so an edit of a part that filled
    its event still fits in one (content budget + ~1 KB < 65,536), and a correction splits
    into parts exactly like the announcement it corrects."""
    first = new["body"].split("\n", 1)[0]
    if len(first) > EDIT_FALLBACK_CHARS:
        first = first[:EDIT_FALLBACK_CHARS - 1] + "…"
    return {
        "msgtype": "m.notice",
        "body": "* " + first,
        "format": HTML_FORMAT,
        "formatted_body": "* " + esc(first),
        "m.new_content": new,
        "m.mentions": {},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
    }


def content_size(content: dict) -> int:
    """Upper bound of the content's serialised size in bytes (non-ASCII escaped)."""
    return len(json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode())


def event_size(event: dict) -> int:
    """Size of a whole event as the homeserver stores it (canonical JSON, UTF-8)."""
    return len(json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode())


_SOFT_BREAK = re.compile(r"[\s。，、；！？.,;!?]")


def _cut(raw: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut `raw` into pieces that each fit, preferring a break near the end of a piece."""
    pieces: list[str] = []
    rest = raw
    while rest:
        if fits(rest):
            pieces.append(rest)
            break
        lo, hi = 1, len(rest)  # largest prefix that fits: binary search (sizes are monotonic)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(rest[:mid]):
                lo = mid
            else:
                hi = mid - 1
        n = lo
        window = rest[int(n * 0.8):n]
        breaks = [m.end() for m in _SOFT_BREAK.finditer(window)]
        if breaks:
            n = int(n * 0.8) + breaks[-1]
        pieces.append(rest[:n])
        rest = rest[n:]
    return pieces


def render_messages(
    reply: Reply,
    *,
    more_hint: str = "more",
    wrap: Callable[[Rendered], dict] = notice_content,
    budget: int = CONTENT_BUDGET,
) -> list[dict]:
    """The reply as one or more message contents, each `content_size() <= budget`.

    Splits between blocks (lines); a block too big on its own is cut into plain-text pieces.
    """
    def fits(bs: list[Block]) -> bool:
        return content_size(wrap(assemble(bs))) <= budget

    def piece(text: str) -> Block:
        return Block(text, f"<p>{esc_lines(text)}</p>", text)

    expanded: list[Block] = []
    for b in blocks(reply, more_hint):
        if fits([b]):
            expanded.append(b)
        else:
            expanded.extend(piece(t) for t in _cut(b.raw, lambda t: fits([piece(t)])))

    messages: list[list[Block]] = []
    current: list[Block] = []
    for b in expanded:
        if current and not fits(current + [b]):
            messages.append(current)
            current = []
        current.append(b)
    if current or not messages:
        messages.append(current)
    return [wrap(assemble(m)) for m in messages]
