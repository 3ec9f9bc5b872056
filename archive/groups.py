"""Grouping headings that only the whole archive reveals.

One post alone cannot tell `## 社区跟踪` > `### Nova`, `### Neutron` (a heading that groups the
digest's topics) from `## Upcoming Events` > `### Europe`, `### Virtual` (a topic with
subheadings): both are a heading with no items of its own above headings that have some. The
archive can: when the subheadings of a section are, in other issues, sections of their own
(issue 19 has `### Nova` at the top), that section only groups them, and its items belong to
those sections. The subheadings of a real topic (Europe) are never sections anywhere.

The parser keeps a subheading as the item's context, stored in front of its text (`Nova: …`,
`Nova › Deeper: …`); this reads it back from there.
"""
from __future__ import annotations

CONTEXT_END = ": "
CONTEXT_JOIN = " › "
MIN_TOPICS = 2  # subheadings that are sections elsewhere, for a section to be a group


def split_context(text: str) -> tuple[str, str] | None:
    """(the first subheading, the item's text under it) of a stored item, or None."""
    end = text.find(CONTEXT_END)
    if end <= 0:
        return None
    context, rest = text[:end], text[end + len(CONTEXT_END):]
    first, _, deeper = context.partition(CONTEXT_JOIN)
    return first, f"{deeper}{CONTEXT_END}{rest}" if deeper else rest


def groups(items: list[tuple[int, str, str, str]], topics: set[str]) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """From (id, issue key, section, text) rows: the (issue, section) pairs that are groups, each
    with its items to move as (id, subheading, text without it). `topics`: every section name of
    the archive, casefolded."""
    found: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for item_id, key, section, text in items:
        split = split_context(text)
        if split:
            found.setdefault((key, section), []).append((item_id, *split))
    out = {}
    for (key, section), moves in found.items():
        own = section.casefold()
        named = {sub.casefold() for _, sub, _ in moves} - {own}
        if len(named & topics) >= MIN_TOPICS:
            out[(key, section)] = [m for m in moves if m[1].casefold() != own]
    return out
