"""One Jekyll post in, one ParsedIssue (or the reason it is Skipped) out.

The Parser is built once per archive config: the markdown-it instance, the title regex and the
project-name tables are reused for every post, because an archive of 10,000 issues must ingest in
seconds. `parse()` never raises: a file that cannot be read becomes a Skipped with a short reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import html
from urllib.parse import unquote

from linkify_it import LinkifyIt
from markdown_it_pyrs import MarkdownIt

from . import dates, formats, site_syntax
from .config import ArchiveConfig
from .model import ParsedIssue, ParsedItem, ParsedLink, ParsedSection, Skipped
from .numerals import parse_number
from .projects import ProjectNames, clean_heading

# --- small text helpers -------------------------------------------------------------------

# Jekyll: _posts/2014-09-16-some-slug.md (the extension is whatever follows the last dot)
_POST_NAME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.*)\.[^.]+")
# kramdown (Jekyll's renderer) accepts "###Nova"; CommonMark needs "### Nova".
_ATX_NO_SPACE = re.compile(r"^(#{2,6})(?=[^#\s])", re.MULTILINE)
_ATX_NO_SPACE_AFTER_NL = re.compile(r"\n#{2,6}[^#\s]")  # the same lines, found 10x faster (a literal prefix)
_CODE_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# kramdown attribute lists after a heading: "### Nova {#nova}"
_HEADING_IAL = re.compile(r"\s*\{[:#][^}]*\}\s*$")

# Period in a title: (0826-0916), (08.26-09.16), （8月26日~9月16日）
_MD = r"(\d{1,2})\s*[./月]?\s*(\d{2})\s*日?"
_PERIOD = re.compile(r"[(（]\s*" + _MD + r"\s*[-~～–—至到]\s*" + _MD + r"\s*[)）]")

_SPACES = re.compile(r"\s+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # markdown backslash escapes: \_ \* \# ...
# Chinese/full-width punctuation ends a bare URL ("https://example.org/a_b。下一句").
_CJK_PUNCT = re.compile(
    "[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2018\u2019\u201c\u201d\u2026\u2014]"
)
_TRAILING = ".,;:!?'\"*"
_HREF = re.compile(r"""(?i)\shref\s*=\s*["']([^"'<>]*)["']""")
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_WEB_SCHEME = re.compile(r"(?i)(https?|ftp)://")
_ANY_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LINKIFY = LinkifyIt()  # for URLs hidden in the tail of what markdown-it's linkify matched
_UNSAFE_URL = re.compile(r'[\x00-\x20"<>`\x7f]')
# Where a URL was cut out of a sentence: "(<url>)" and "见：<url>。" are tidied up afterwards.
_CUT = "\x00"
_CUT_IN_PARENS = re.compile(r"[(（]\s*\x00[\s\x00]*[)）]")
_CUT_BEFORE_PUNCT = re.compile(r"[:：]?\s*\x00[\s\x00]*(?=[.,;!?)\]，。；！？）】、])")
# ... and "a, <url>, <url> and b", "Slides: <url>", "<url> - text", "(see <url>)"
_CUT_RUN = re.compile(r"\x00(?:[\s,，;；|/&]*\x00)+")
_CUT_AT_END = re.compile(r"[\s:：,，;；|\-–—/&]*\x00[\s\x00]*$")
_CUT_AT_START = re.compile(r"^[\s\x00]*\x00[\s:：,，;；|\-–—/&]*")
# A line break: a space between words, nothing between two Chinese characters.
_BREAK = "\x01"
_CJK = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])[ \t]*\x01[\\s\x01]*(?=[{_CJK}])")
_ONLY_PUNCT = re.compile(r"[\s\x00<>:：,，;；、.。()（）\-–—|]*")

_DRAFTS = "_drafts"
_POSTS = "_posts"


def _collapse(text: str) -> str:
    """Whitespace runs as one space, none at the ends: `_SPACES.sub(" ", text).strip()` (str.split
    and the regex agree on what is whitespace), at a third of the cost."""
    return " ".join(text.split())


def _unbreak(text: str) -> str:
    """Line breaks as spaces, none between two Chinese characters."""
    return _CJK_BREAK.sub("", text).replace(_BREAK, " ")


def _unescape(text: str) -> str:
    """Markdown backslash escapes undone (a backslash before punctuation); most text has none."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def _normalize_link(url: str) -> str:
    """markdown-it's own normalizer parses every URL with mdurl (half the parse time); we only
    need URLs that are safe to print: percent-encode whitespace, quotes, brackets, controls."""
    return _UNSAFE_URL.sub(lambda m: "%{:02X}".format(ord(m.group())), url)


def _is_web_url(url: str) -> bool:
    """http(s)/ftp, or a relative link; mailto:, javascript: and other schemes are not links, and
    neither is "#section": a table of contents points into the post itself."""
    if url.startswith(("https://", "http://")):  # nearly every link
        return True
    return bool(_WEB_SCHEME.match(url)) or not (_ANY_SCHEME.match(url) or url.startswith("#"))


def _strip_trailing(url: str) -> tuple[str, str]:
    """Trailing punctuation that ends a sentence rather than the URL; a closing bracket stays
    when the URL opened it: https://en.wikipedia.org/wiki/Heat_(disambiguation)."""
    end = len(url)
    while end:
        c = url[end - 1]
        if c in _TRAILING:
            end -= 1
        elif c in _CLOSERS and url.count(c, 0, end) > url.count(_CLOSERS[c], 0, end):
            end -= 1
        else:
            break
    return url[:end], url[end:]


def _bare_url(raw: str) -> tuple[str, str]:
    """(url, text after it) for what linkify found: cut at Chinese punctuation, unescape `\\_`,
    drop trailing sentence punctuation."""
    m = _CJK_PUNCT.search(raw)
    url, rest = (raw[: m.start()], raw[m.start():]) if m else (raw, "")
    url, tail = _strip_trailing(_unescape(url))
    return url, tail + _unescape(rest)


def _fix_atx_headings(text: str) -> str:
    if not _ATX_NO_SPACE_AFTER_NL.search(text) and not _ATX_NO_SPACE.match(text):
        return text
    out, in_code = [], False
    for line in text.split("\n"):
        if _CODE_FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            line = _ATX_NO_SPACE.sub(r"\1 ", line)
        out.append(line)
    return "\n".join(out)


def _short(text: str, limit: int = 80) -> str:
    text = _collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_period(title: str, post_date: date) -> tuple[date, date] | None:
    """The period an issue covers, from "(0826-0916)"-style text in its title.

    The year comes from the post date: the period ends on or before the post (a period ending in
    December of a post dated January belongs to the previous year), and a period whose start
    month/day is after its end started the year before: (1222-0105) in a post of 2015-01-06 is
    2014-12-22..2015-01-05.
    """
    m = _PERIOD.search(title)
    if not m:
        return None
    m1, d1, m2, d2 = (int(g) for g in m.groups())
    try:
        end = date(post_date.year, m2, d2)
        if (end - post_date).days > 183:  # "ends" half a year after it was posted: last year
            end = date(post_date.year - 1, m2, d2)
        start = date(end.year, m1, d1)
        if start > end:
            start = date(end.year - 1, m1, d1)
    except ValueError:  # 0230, 1301 ...
        return None
    return start, end


# --- markdown -----------------------------------------------------------------------------


def make_markdown() -> MarkdownIt:
    """CommonMark + tables + strikethrough, with linkify for bare URLs (scheme URLs only, even
    glued to Chinese text: "setup.py" or "README.md" never become links).

    markdown-it-pyrs (the markdown-it rules, in Rust) parses a 20 KB post ten times faster than
    markdown-it-py, which took most of an ingest. It percent-encodes link destinations; links are
    taken as the post writes them instead, from the source (`_Source`)."""
    return MarkdownIt("commonmark").enable_many(["table", "strikethrough", "linkify"])


class _Source:
    """The markdown a tree was parsed from, for link destinations as written: node srcmaps are
    byte offsets into it."""

    __slots__ = ("data", "refs")

    def __init__(self, text: str) -> None:
        self.data = text.encode()
        self.refs: dict[str, str] = {}  # reference label (normalised) -> destination as written

    def text(self, span) -> str:
        return self.data[span[0]:span[1]].decode("utf-8", "replace") if span else ""

    def define(self, node) -> None:
        m = _DEFINITION.search(self.text(node.srcmap))
        if m:
            self.refs.setdefault(_label_key(node.meta.get("label", "")), m[1])

    def destination(self, node) -> str:
        """The destination of a [label](dest) or [label][ref] link node, unescaped but not encoded."""
        url = node.meta.get("url", "")
        if "%" not in url:  # nothing was encoded: the destination as written (escapes undone)
            return url
        raw = None
        kids = node.children
        end = (max(c.srcmap[1] for c in kids if c.srcmap) if kids and any(c.srcmap for c in kids)
               else (node.srcmap[0] + 1 if node.srcmap else None))
        if end is not None and node.srcmap:
            tail = self.data[end:node.srcmap[1]].decode("utf-8", "replace")
            m = _INLINE_DEST.match(tail)
            if m:
                raw = m[1]
            else:
                m = _REF_TAIL.match(tail)
                key = m[1] if m and m[1] else self.text((node.srcmap[0] + 1, end))
                raw = self.refs.get(_label_key(key))
        if raw is None:
            return unquote(url)
        if raw.startswith("<") and raw.endswith(">"):
            raw = raw[1:-1]
        return _normalize_link(html.unescape(_unescape(raw)))


# "](dest", "](<dest>", with balanced parentheses inside dest
_INLINE_DEST = re.compile(r"\]\(\s*(<[^>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)")
_REF_TAIL = re.compile(r"\](?:\s*\[([^\]]*)\])?")
_DEFINITION = re.compile(r"\]:\s*(<[^>\n]*>|\S+)")


def _label_key(label: str) -> str:
    return _collapse(label).casefold()


# Links are (url, label) pairs until parse() builds the ParsedIssue: a worker process hands the
# store plain tuples (see archive.store.Prepared), and no object per link or item is made for it.
Link = tuple[str, str]
PlainItem = tuple[str, tuple[Link, ...], str]  # text, links, context
PlainSections = list[tuple[str, str, list[PlainItem]]]  # (name, heading, items) in order


@dataclass(slots=True)
class _Block:
    """A paragraph, list item, block quote or table row, as plain text and links."""

    text: str
    links: list[Link]
    only_links: bool = False  # nothing but links (and punctuation) in it
    context: str = ""  # a nested list item's parent item


class _InlineText:
    """Collects the plain text and links of inline tokens."""

    __slots__ = ("parts", "own", "links", "anchor")

    def __init__(self) -> None:
        self.parts: list[str] = []  # all text, including link labels
        self.own: list[str] = []  # text outside links: decides whether a block is only links
        self.links: list[Link] = []
        self.anchor: tuple[int, int] | None = None  # an open HTML <a href>: (its link, where its text starts)

    def add(self, nodes, src: _Source) -> None:
        self.add_kinds(nodes, [t.name for t in nodes], src)

    def add_kinds(self, nodes, kinds: list[str], src: _Source) -> None:
        """`add`, with the nodes' names already read (each read of a node's attribute builds a
        new Python object)."""
        parts, own = self.parts, self.own
        for t, kind in zip(nodes, kinds):
            if kind == "text" or kind == "text_special":
                content = t.meta["content"]
                parts.append(content)
                own.append(content)
            elif kind == "link":  # [label](url): the label stays in the text
                label = _label(t)
                parts.append(label)
                href = src.destination(t)
                if href and _is_web_url(href):
                    self.links.append((_unescape(href), _collapse(_unbreak(label) if _BREAK in label else label)))
            elif kind == "softbreak" or kind == "hardbreak":
                parts.append(_BREAK)
            elif kind == "linkify":
                self._linkify(_label(t))
            elif kind == "autolink":
                self._autolink(t, _label(t))
            elif kind == "html_inline":
                self._html(t.meta["content"])
            elif kind == "image":
                continue  # neither its alt text nor its address is an item's
            else:  # emphasis, strong, strikethrough, code_inline
                children = t.children
                if children:
                    self.add(children, src)

    def _html(self, tag: str) -> None:
        """`<br>` is a line break; `<a href="url">text</a>` is a link like [text](url)."""
        head = tag[:3].lower()
        if head.startswith("<br"):
            self.parts.append(_BREAK)
        elif tag[:4].lower() in ("</a>", "</a "):
            if self.anchor is not None:
                k, start = self.anchor
                self.links[k] = (self.links[k][0], _collapse(_unbreak("".join(self.parts[start:]))))
                self.anchor = None
        elif head[:2] == "<a" and head[2:3] in (" ", "\t", "\n") and (m := _HREF.search(tag)):
            url = _normalize_link(html.unescape(m[1].strip()))
            if url and _is_web_url(url):
                self.links.append((url, ""))
                self.anchor = (len(self.links) - 1, len(self.parts))

    def _linkify(self, raw: str) -> None:
        parts, own = self.parts, self.own
        if parts and parts[-1].endswith("<"):  # "<http://x" without its ">"
            parts[-1] = parts[-1][:-1]
        while raw:
            url, rest = _bare_url(raw)
            if url and _is_web_url(url):
                self.links.append((_normalize_link(url), ""))
                parts.append(_CUT)
            else:
                parts.append(url)
                own.append(url)
            # linkify reads across Chinese punctuation ("见 a。另见：b"): look for more
            raw = ""
            m = _WEB_SCHEME.search(rest)
            if m and _LINKIFY.match_at_start(rest[m.start():]):
                raw = rest[m.start():]
                rest = rest[: m.start()]
            parts.append(rest)
            own.append(rest)

    def _autolink(self, t, label: str) -> None:
        url = _unescape(_normalize_link(label))
        if not t.meta.get("url", "").startswith("mailto:") and _is_web_url(url):
            self.links.append((url, ""))
            self.parts.append(_CUT)
        else:  # <someone@example.org>: keep the address as text
            self.parts.append(label)
            self.own.append(label)

    def block(self, can_be_only_links: bool = False) -> _Block:
        """The collected text and links; `can_be_only_links` for paragraphs, which may be the
        link lines of the item before them (list items and quotes are always items)."""
        text = "".join(self.parts)
        if _BREAK in text:
            text = _unbreak(text)
        if _CUT in text:
            text = _SPACES.sub(" ", text)
            text = _CUT_RUN.sub(_CUT, text)
            text = _CUT_IN_PARENS.sub(_CUT, text)
            text = _CUT_BEFORE_PUNCT.sub("", text)
            text = _CUT_AT_START.sub("", _CUT_AT_END.sub("", text))
            text = text.replace(_CUT, " ")
        text = _collapse(text)
        links = self.links
        if len(links) > 1:
            links = _unique(links)
        only = can_be_only_links and bool(links) and _ONLY_PUNCT.fullmatch("".join(self.own)) is not None
        return _Block(text, links, only)


def _unique(links: list[Link]) -> list[Link]:
    """One entry per URL, first place wins; a label wins over none."""
    out: list[Link] = []
    seen: dict[str, int] = {}
    for link in links:
        k = seen.get(link[0])
        if k is None:
            seen[link[0]] = len(out)
            out.append(link)
        elif link[1] and not out[k][1]:
            out[k] = link
    return out


def _label(node) -> str:
    """The text of a link's label, emphasis and code included; an image in it gives its alt text
    (`[![alt](img.png)](url)`: a picture linking to the url)."""
    kids = node.children
    if len(kids) == 1:  # the common case: one text node
        c = kids[0]
        kind = c.name
        if kind == "text" or kind == "text_special":
            return c.meta["content"]
    out = []
    for c in kids:
        kind = c.name
        if kind == "text" or kind == "text_special":
            out.append(c.meta["content"])
        elif kind == "softbreak" or kind == "hardbreak":  # a label wrapped over lines: a space
            out.append(_BREAK)
        elif c.children:
            text = _label(c)
            if kind != "image" or text.strip().lower() not in _PLACEHOLDER_ALT:
                out.append(text)
    return "".join(out)


# alt texts that say nothing of the picture ("[![alt](meme.jpg)](url)"): no label
_PLACEHOLDER_ALT = frozenset("alt image img picture photo screenshot".split())


_BLOCKS = frozenset("paragraph heading blockquote bullet_list ordered_list list_item table thead tbody trow"
                    " tcell fence code_block html_block hr definition front_matter lheading".split())
_NOT_TEXT = frozenset(("fence", "code_block", "html_block", "hr", "definition", "front_matter"))
_LISTS = ("bullet_list", "ordered_list")
_INLINE_PARENTS = ("paragraph", "heading", "lheading", "tcell")


def _blocks(root, src: _Source) -> list[tuple]:
    """Top-level events: ("heading", level, text, _Block) or ("block", _Block)."""
    out: list[tuple] = []
    children = root.children
    kinds = [t.name for t in children]
    for t, kind in zip(children, kinds):
        if kind == "definition":
            src.define(t)
    for t, kind in zip(children, kinds):
        if kind == "heading" or kind == "lheading":
            inline = _InlineText()
            inline.add(t.children, src)
            block = inline.block()
            out.append(("heading", t.meta["level"], block.text, block))
        elif kind == "paragraph":
            inline = _InlineText()
            inline.add(t.children, src)
            out.append(("block", inline.block(can_be_only_links=True)))
        elif kind in _LISTS:
            _list_items(t, src, "", out)
        elif kind == "blockquote":  # the whole quote is one item
            inline = _InlineText()
            _gather(t, inline, src, None)
            out.append(("block", inline.block()))
        elif kind == "table":
            for part in t.children:
                if part.name == "tbody":
                    for row in part.children:
                        inline = _InlineText()
                        _gather(row, inline, src, None)
                        out.append(("block", inline.block()))
        # hr, code, fence, html_block, definitions: not items
    return out


def _between(parts: list[str]) -> str:
    """What joins a block to the text before it in one item: a dash after an English line that
    ends without punctuation (a link's title, then its quoted summary: "Cabal 3.18 released by
    Ann — The Cabal team is happy..."), else a space."""
    last = next((p for p in reversed(parts) if p.strip()), "").rstrip()
    end = last[-1:]
    return " — " if end.isascii() and (end.isalnum() or end in ")]*`\"'") else " "


def _gather(node, inline: _InlineText, src: _Source, nested: list | None) -> None:
    """The inline text of a block's subtree into `inline`, paragraphs joined by a space; lists
    go to `nested` when it is given (a list item's sublists are items of their own)."""
    parts = inline.parts
    children = node.children
    kinds = [c.name for c in children]
    start = -1  # where the current run of inline nodes began (a tight list item's hidden paragraph)
    for k, kind in enumerate(kinds):
        if kind not in _BLOCKS:
            if start < 0:
                start = k
            continue
        if start >= 0:
            if parts:
                parts.append(_between(parts))
            inline.add_kinds(children[start:k], kinds[start:k], src)
            start = -1
        if kind in _NOT_TEXT:
            continue
        c = children[k]
        if nested is not None and kind in _LISTS:
            nested.append(c)
        elif kind in _INLINE_PARENTS:
            if parts:
                parts.append(_between(parts))
            inline.add(c.children, src)
        else:
            _gather(c, inline, src, nested)
    if start >= 0:
        if parts:
            parts.append(_between(parts))
        inline.add_kinds(children[start:] if start else children, kinds[start:] if start else kinds, src)


def _list_items(lst, src: _Source, context: str, out: list[tuple]) -> None:
    """One block per item of a list into `out`; a nested list's items are blocks of their own,
    with their parent item's text as context."""
    for item in lst.children:
        inline = _InlineText()
        nested: list = []
        _gather(item, inline, src, nested)
        block = inline.block()
        block.context = context
        if not nested:
            out.append(("block", block))
            continue
        inner = _short(block.text, 80) if block.text else context
        subs: list[tuple] = []
        for sub in nested:
            _list_items(sub, src, inner, subs)
        if len(subs) == 1 and (block.text or block.links):  # an entry and its one detail ("date | city |
            only = subs[0][1]  # group", then the talk's title): one item, the entry as its context
            only.links = _unique(block.links + only.links)
        elif block.text or block.links:
            out.append(("block", block))
        out.extend(subs)


# --- the parser ---------------------------------------------------------------------------

PREFACE = "Introduction"  # the section holding what comes before the first heading
_MONTHS_OR_DAYS = dates.DATE_IN_TEXT
# A number in the path: "issue-150.markdown", "294.mdx", "294/index.mdx", "newsletter_12.md"
_PATH_NUMBER = re.compile(
    r"(?i)(?:^|/)(?:(?:issue|issues|newsletter|edition|number|no|nr|vol|volume|week|digest)[-_ ]?)?"
    r"(\d{1,5})(?:/index)?\.[A-Za-z]+$")
# ... but not a month or day in a dated path: "2019/10/index.md", "2019/10/16.md"
_DATED_FOLDER = re.compile(r"(?:^|/)(?:19|20)\d\d/(?:\d{1,2}/)?\d{1,2}(?:/index)?\.[A-Za-z]+$")
_NUMBER_KEYS = ("number", "issue", "issue_number", "issue_no", "no")
# Where a site generator wants a page's own fields: Zola allows no key of its own at the top
# (`[extra] number = 31`), Hugo suggests `[params]`
_OWN_FIELDS = ("extra", "params")


def _front_number(meta: dict):
    """The issue number the front matter states: at its top, else in its [extra] or [params]."""
    tables = [meta] + [{str(k).lower(): v for k, v in t.items()}
                       for t in (meta.get(name) for name in _OWN_FIELDS) if isinstance(t, dict)]
    return next((t[k] for t in tables for k in _NUMBER_KEYS if t.get(k) not in (None, "")), None)
# Emoji and pictographs in headings ("## ⚛️ React"): not part of the name
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE0E\uFE0F\u200D\u20E3]")
_H1 = re.compile(r"\A\s*#(?!#)[ \t]*(.+?)[ \t#]*(?:\n|\Z)")


def _heading_name(text: str) -> str:
    text = _HEADING_IAL.sub("", text)
    if not text.isascii():
        text = _EMOJI.sub("", text)
    return _collapse(text)


class Parser:
    """Parses posts of one archive; build once, call `parse()` per file."""

    def __init__(self, cfg: ArchiveConfig | None = None) -> None:
        self.cfg = cfg or ArchiveConfig()
        self.title_res = tuple(re.compile(p, re.IGNORECASE) for p in self.cfg.title_patterns)
        self.strict = self.cfg.title_pattern_set  # a configured title_pattern: only matching titles are issues
        self.projects = ProjectNames.from_config(self.cfg)
        self._md = make_markdown()

    def parse(self, rel_path: str, data: bytes, mtime_date: date | None = None,
              git_date: date | None = None) -> ParsedIssue | Skipped:
        """`rel_path` is relative to the archive root; `mtime_date` dates a draft without a date
        (as `jekyll --drafts` does) and a post outside Jekyll's `_posts` that states none;
        `git_date` is the file's first commit, when the archive is a git repository. Never raises."""
        result = self.parse_plain(rel_path, data, mtime_date, git_date)
        if isinstance(result, Skipped):
            return result
        issue, sections = result
        return replace(issue, sections=tuple(
            ParsedSection(name, heading, tuple(
                ParsedItem(text, tuple(ParsedLink(url, label) for url, label in links), context)
                for text, links, context in items))
            for name, heading, items in sections))

    def parse_plain(self, rel_path: str, data: bytes, mtime_date: date | None = None,
                    git_date: date | None = None) -> tuple[ParsedIssue, PlainSections] | Skipped:
        """`parse`, with the sections apart as plain tuples (the issue's own are empty): what the
        store writes, with no object built per item or link (a fifth of a parse worker's time)."""
        path = rel_path.replace("\\", "/")
        try:
            meta = self._read(path, data)
            if isinstance(meta, Skipped):
                return meta
            head = self._head(path, meta[0], meta[1], mtime_date, git_date)
        except Exception as e:  # noqa: BLE001 - one odd file must not stop an ingest
            return Skipped(path, f"cannot read ({type(e).__name__}: {_short(str(e), 60)})")
        if isinstance(head, Skipped):
            return head
        body = head.pop("body")
        try:
            preface, sections = self._body(body, head["title"])
        except Exception as e:  # noqa: BLE001
            return Skipped(path, f"cannot parse body ({type(e).__name__}: {_short(str(e), 60)})", True)
        return ParsedIssue(preface=preface, sections=(), **head), sections

    # -- header ----------------------------------------------------------------------------

    def _read(self, path: str, data: bytes) -> tuple[dict, str] | Skipped:
        size = len(data)
        if size > self.cfg.max_file_bytes:
            return Skipped(path, f"too large ({size:,} bytes; limit {self.cfg.max_file_bytes:,})")
        if not data.strip():
            return Skipped(path, "empty file")
        if b"\x00" in data:
            return Skipped(path, "binary file (NUL bytes)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            return self._unreadable(path, f"invalid UTF-8 (at byte {e.start})",
                                    data[:4096].decode("utf-8", "replace"))
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            kind, meta, body = formats.split(text)
        except formats.HeaderError as e:
            return self._unreadable(path, str(e), text)
        if kind == formats.NONE and (path.startswith(_POSTS + "/") or f"/{_POSTS}/" in path):
            return self._unreadable(path, "no front matter", text)  # Jekyll reads none without
        if path.endswith(".mdx"):
            body = formats.strip_mdx(body)
        return meta, site_syntax.strip(body)

    def _unreadable(self, path: str, reason: str, head: str) -> Skipped:
        """A file whose front matter cannot be read; it counts as a digest issue (the operator
        should hear about it) when its first lines contain a digest title."""
        head = head[:1000]
        return Skipped(path, reason, is_digest=any(r.search(head) for r in self.title_res))

    def _title_number(self, title: str) -> tuple[int | None, str | None]:
        """(number, None), or (None, the text that is not a number) from the title patterns; a
        number that is part of a date in the title ("Week Ending August 16") is no issue number."""
        for r in self.title_res:
            m = r.search(title)
            if not m:
                continue
            raw = m.group("number") or ""
            start, end = m.span("number")
            if any(d.start() <= start and end <= d.end() for d in _MONTHS_OR_DAYS.finditer(title)):
                continue
            number = parse_number(raw)
            return (number, None) if number is not None else (None, raw)
        return None, None

    def _head(self, path: str, meta: dict, body: str, mtime_date: date | None,
              git_date: date | None) -> dict | Skipped:
        """Everything but the body's sections: is it an issue, which one, when, where."""
        if meta.get("headless") is True:  # Hugo publishes no page for it: content other pages use
            return Skipped(path, "headless page (headless: true)")
        raw_title = meta.get("title")
        title = "" if raw_title is None else _SPACES.sub(" ", str(raw_title)).strip()
        if not title and (m := _H1.match(body)):  # no title in the header: the first "# heading"
            title = _heading_name(m[1]).strip("*_ ")
            body = body[m.end():]
        raw_number = _front_number(meta)
        number_from = ""
        number: int | None = None
        if raw_number is not None:
            number = raw_number if type(raw_number) is int else (
                parse_number(raw_number) if isinstance(raw_number, str) else None)
            if number is None or number < 0:
                return Skipped(path, f"bad issue number {_short(str(raw_number), 40)!r} in front matter", True)
            number_from = "front matter"
        elif title:
            number, bad = self._title_number(title)
            if bad is not None:
                return Skipped(path, f"bad issue number {bad!r} in title", True)
            if number is not None:
                number_from = "title"
        if number is None and not self.strict and (m := _PATH_NUMBER.search(path)) and not _DATED_FOLDER.search(path):
            number, number_from = int(m[1]), "path"
        if not title:
            if number is None:
                return Skipped(path, "no title", is_digest=False)
            if raw_title is not None or number_from == "front matter":
                return Skipped(path, "no title", is_digest=True)
            title = f"Issue {number}"
        if number is None and self.strict:
            return Skipped(path, f"not a digest issue (title {_short(title)!r})")

        name = path.rsplit("/", 1)[-1]
        dirs = path.split("/")[:-1]
        is_draft = _DRAFTS in dirs
        named = _POST_NAME.fullmatch(name)
        slug = named[4] if named else name.rsplit(".", 1)[0]
        if slug == "index" and dirs:  # folder per post: 294/index.mdx
            slug = dirs[-1]
        fm_slug = meta.get("slug")
        if isinstance(fm_slug, str) and fm_slug.strip():
            slug = fm_slug.strip()  # Jekyll's :title uses the front matter slug when there is one

        raw_date = meta.get("date")
        if raw_date is not None and raw_date != "":
            when = dates.as_date(raw_date, self.cfg.date_format)
            if when is None:
                return Skipped(path, f"bad date {_short(str(raw_date), 40)!r} in front matter", True)
        elif named:
            try:
                when = date(int(named[1]), int(named[2]), int(named[3]))
            except ValueError:
                return Skipped(path, f"bad date in file name {name!r}", True)
        else:
            when = dates.from_name(name)
            if when is None and dirs and name.startswith("index."):
                when = dates.from_name(dirs[-1])  # blog/2026-08-19-title/index.mdx
            if when is None:
                in_path = dates.from_path(path)
                if in_path and (in_path[1] == "day" or git_date is None
                                or git_date.year != in_path[0].year):
                    when = in_path[0]  # a git date in the same year is more precise than "2019/"
                else:
                    when = git_date
            in_posts = _POSTS in dirs
            if when is None and mtime_date is not None and (is_draft or not in_posts):
                when = mtime_date
            if when is None:
                return Skipped(path, "no date (file name is not YYYY-MM-DD-slug.md, no date: in front matter)",
                               number is not None)

        # Hugo's publishDate (pubdate) schedules a post: Hugo publishes it on that day, not on its date
        raw_publish = next((meta[k] for k in ("publishdate", "publish_date", "pubdate") if meta.get(k) not in (None, "")), None)
        publish_on = dates.as_date(raw_publish, self.cfg.date_format) if raw_publish is not None else None
        if publish_on is not None and publish_on > when:
            when = publish_on
        raw_id = meta.get("id")
        if raw_id is not None and str(raw_id).strip():
            key = str(raw_id).strip()
        else:
            key = str(number) if number is not None else f"{when.isoformat()}/{slug}"
        draft = meta.get("draft") is True or str(meta.get("status", "")).strip().lower() in ("draft", "hidden")
        return {
            "number": number if number is not None else 0,
            "number_from": number_from,
            "key": key,
            "title": title,
            "date": when,
            "period": parse_period(title, when),
            "path": path,
            "slug": slug,
            "categories": _categories(dirs, meta),
            "published": meta.get("published") is not False and not is_draft and not draft,
            "body": body,
        }

    # -- body ------------------------------------------------------------------------------

    def _body(self, body: str, title: str) -> tuple[str, PlainSections]:
        text = _fix_atx_headings(body)
        events = _blocks(self._md.tree(text), _Source(text))
        clean_title = clean_heading(title).lower()
        # the headings that name something: not empty, not the title repeated
        heads: dict[int, str] = {}
        for k, event in enumerate(events):
            if event[0] == "heading":
                name = _heading_name(event[2])
                clean = clean_heading(name).lower()
                if clean and clean != clean_title:
                    heads[k] = name
        owns = {k: k + 1 < len(events) and events[k + 1][0] == "block" for k in heads}
        groups = {k for k in heads if self.projects.is_group(heads[k])}
        next_head = {}
        later = None
        for k in sorted(heads, reverse=True):
            next_head[k] = later
            later = k
        # topics: headings with items of their own, or above deeper headings (not configured groups)
        topic = self.cfg.topic_level or _topic_level([
            (events[k][1], owns[k]) for k in heads if k not in groups and (
                owns[k] or (next_head[k] is not None and events[next_head[k]][1] > events[k][1]))])

        preface: list[str] = []
        sections: dict[str, tuple[str, list[PlainItem]]] = {}
        items: list[PlainItem] | None = None  # the current section's items; None: the preface
        preface_items: list[PlainItem] = []
        context: list[tuple[int, str]] = []  # deeper headings above the current block
        above = ""  # the context's text, joined (remade after each heading)
        group_level = 0  # inside a configured group heading: its subheadings are topics
        top = topic
        after_heading = True
        heading_item = False  # the last item is a heading's link
        for k, event in enumerate(events):
            if event[0] == "heading":
                if k not in heads:
                    continue
                above = None
                level, text, hblock = event[1], heads[k], event[3]
                heading_item = False
                if group_level and level <= group_level:
                    group_level, top = 0, topic
                nxt = next_head[k]
                if k in groups:  # a configured group: the headings below it are topics
                    group_level, top = level, max(topic, level + 1)
                    if not owns[k]:
                        items, context = [], []
                        after_heading = True
                        continue
                if level > top and items is not None and not self.projects.known(text):
                    # a subheading (not a configured project): context inside the section
                    while context and context[-1][0] >= level:
                        context.pop()
                    if hblock.links:  # "### [141375: title](url)": also an item with its link
                        items.append((text, tuple(hblock.links), _join(context)))
                        heading_item = True
                    context.append((level, text))
                    after_heading = True
                    continue
                if not owns[k] and nxt is not None and level < events[nxt][1] <= top:
                    items, context = [], []  # it only groups the topics below it
                    after_heading = True
                    continue
                name = self.projects.canonical(text) or text
                if name not in sections:
                    sections[name] = (text, [])
                items, context = sections[name][1], []
                if hblock.links:
                    items.append((text, tuple(hblock.links), ""))
                    heading_item = True
                after_heading = True
                continue
            block: _Block = event[1]
            target = preface_items if items is None else items
            if heading_item:  # the text under a linked heading describes it: one item
                heading_item = False
                if not block.links and block.text and not block.context and target:
                    last = target[-1]
                    target[-1] = (f"{last[0]}: {block.text}", last[1], last[2])
                    after_heading = False
                    continue
            if items is None and block.text:
                preface.append(block.text)
            if above is None:
                above = _join(context)
            ctx = block.context
            if context:  # _join(context, block.context)
                ctx = f"{above} › {ctx}" if ctx else above
            if block.only_links and target and not after_heading and target[-1][2] == ctx:
                # "text" then a paragraph of links: one item
                last = target[-1]  # (a picture's alt text, then the same title as a link: once)
                text = f"{last[0]} {block.text}".strip() if block.text and block.text not in last[0] else last[0]
                target[-1] = (text, tuple(_unique([*last[1], *block.links])), ctx)
            elif block.text or block.links:
                target.append((block.text, tuple(block.links), ctx))
            after_heading = False
        out = [(PREFACE, "", preface_items)] if preface_items else []
        out += [(name, heading, its) for name, (heading, its) in sections.items() if its]
        return "\n\n".join(preface), out


def _join(context: list[tuple[int, str]], extra: str = "") -> str:
    if not context:
        return extra
    parts = [text for _, text in context]
    if extra:
        parts.append(extra)
    return " › ".join(parts)


def _topic_level(candidates: list[tuple[int, bool]]) -> int:
    """The level of a post's topics, from its candidate headings (level, has items of its own):
    the shallowest level with two or more of them (a lone "# Quote of the Week" after many "##"
    topics is not it). A lone heading on top with no items of its own ("# OpenStack 社区跟踪"
    or "## This week" above "## Nova", "## Neutron") only wraps them: the topics are below it."""
    if not candidates:
        return 6
    counts: dict[int, int] = {}
    for level, _ in candidates:
        counts[level] = counts.get(level, 0) + 1
    top = min(counts)
    if counts[top] == 1 and len(counts) > 1 and not next(owns for level, owns in candidates if level == top):
        del counts[top]  # a lone wrapper: the topics are below it
    repeated = [level for level, n in counts.items() if n >= 2]
    return min(repeated) if repeated else min(counts)


def _categories(dirs: list[str], meta: dict) -> tuple[str, ...]:
    """Jekyll: folders above `_posts/` plus front matter `category` (one, as written) or
    `categories` (a list, or a string split on spaces)."""
    found: list[str] = []
    if _POSTS in dirs:
        found.extend(d for d in dirs[: dirs.index(_POSTS)] if d)
    if meta.get("category") not in (None, ""):
        value = meta["category"]
        found.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    else:
        value = meta.get("categories")
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(str(v) for v in value if v is not None)
    return tuple(dict.fromkeys(c.strip() for c in found if str(c).strip()))
