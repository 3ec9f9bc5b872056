"""Understanding one line of chat: normalised, split into search terms, time scope and syntax.

Both languages: ASCII and full-width punctuation, case and width are normalised (NFKC, casefold);
question frames and stop words come from the word lists in `bot/data/stopwords.toml`; Chinese is
split by forward maximum matching over the glossary, the project names and the stop phrases (the
rest stays as runs, which the index matches as character pairs); time words in either language
become a `Scope`. Nothing here touches the store.

jieba was measured in place of the maximum matching (2026-12-02, tests/questions): success@3 of
the Chinese questions 93 % against 100 %, cross-lingual 86 % against 100 %, and 1.5 s to load its
dictionary at start; it splits glossary terms the glossary keeps whole (热迁移 → 热 / 迁移). Not adopted.
"""
from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from archive.numerals import parse_number

DATA = Path(__file__).resolve().parent / "data"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"^[{_CJK}]+$")
MAX_CHARS = 500  # longer input is cut: nobody types a 10 KB question on purpose
MAX_TERMS = 12
MAX_TERM_CHARS = 64
_ZH_NUM = "0-9零〇一二两三四五六七八九十百千万"


def detect_language(text: str) -> str:
    """"zh" when the line has any Chinese character, else "en"."""
    return "zh" if _HAS_CJK.search(text) else "en"


@lru_cache(maxsize=1)
def stopwords() -> tuple[frozenset[str], tuple[str, ...]]:
    """(English stop words, Chinese stop phrases longest first), from bot/data/stopwords.toml."""
    data = tomllib.loads((DATA / "stopwords.toml").read_text(encoding="utf-8"))
    en = frozenset(w.casefold() for w in data["en"]["words"])
    zh = tuple(sorted(set(data["zh"]["phrases"]), key=len, reverse=True))
    return en, zh


# --- normalising -------------------------------------------------------------------------

_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"', "«": '"', "»": '"',
                         "‘": "'", "’": "'"})


def normalize(text: str) -> str:
    """Width, full-width punctuation and case folded; whitespace collapsed; cut to MAX_CHARS."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 4]).translate(_QUOTES)
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_CHARS]


# --- time words --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Scope:
    nth: int | None = None  # 1: the newest issue, 2: the one before (上上期)
    last: int | None = None  # the newest N issues
    issue: int | None = None  # one issue by number
    since: date | None = None
    until: date | None = None
    recent: bool = False  # "recently", "最近": newest first, no hard limit

    def __bool__(self) -> bool:
        return any((self.nth, self.last, self.issue, self.since, self.until))


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_MONTH_RE = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EN_DATE = re.compile(
    r"\b(?:(?P<prep>since|after|from|before|until|till|in|during|of)\s+)?"
    rf"(?:{_MONTH_RE}\s+(?:(?P<mday>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?)?"
    r"(?P<year>(?:19|20)\d{2})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?\b"
    r"(?:\s+(?P<post>onwards|onward|on|and later))?")
_ZH_DATE = re.compile(
    rf"(?P<pre>自从|自|从|在)?\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*(?:(?P<m>[{_ZH_NUM}]{{1,3}})\s*月份?\s*"
    rf"(?:(?P<d>[{_ZH_NUM}]{{1,3}})\s*[日号])?)?\s*(?P<post>以来|之后|以后|后|起|开始|至今|以前|之前|前)?")
_ISSUE = re.compile(
    rf"(?:\b(?:in\s+)?(?:issue|no\.?|number)\s*#?\s*(?P<a>\d+)\b|#\s*(?P<b>\d+)\b|第\s*(?P<c>[{_ZH_NUM}]+)\s*期"
    rf"|(?<![\w.])(?P<d>\d+)\s*期|\bin\s+(?P<e>\d{{1,5}})\b(?!\s*(?:days?|weeks?|months?|years?)))")
_LAST_N = re.compile(
    rf"(?:\b(?:last|past|latest|newest|recent)\s+(?P<a>\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
    rf"(?:\s+(?:issues?|editions?|numbers?))?\b|(?:最近|近|前|最新|过去)\s*(?P<b>[{_ZH_NUM}]+)\s*期)")
_NTH = [  # (pattern, nth)
    (re.compile(r"上上一?期|倒数第二期|\b(?:previous|prior|second[- ]to[- ]last) issue\b|\bissue before (?:the )?last\b"
                r"|\bthe one before\b"), 2),
    (re.compile(r"(?:上一期|上期|本期|这一期|这期|当期|最新一期|最近一期|最后一期|最新的一期|本周|这周|这个星期|最新|"
                r"\b(?:latest|newest|current|last|this|most recent)\s+(?:issue|edition|number|digest|one)\b"
                r"|\bthis week(?:'s)?\b|\blast week(?:'s)?\b|\b(?:latest|newest)\b)"), 1),
]
_RECENT = re.compile(r"最近|近期|近来|\b(?:recent|recently|lately|new)\b")
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10}


def _number(text: str | None) -> int | None:
    if not text:
        return None
    return _EN_NUMBERS.get(text) or parse_number(text)


def _month_end(year: int, month: int | None, day: int | None) -> date:
    if day:
        return date(year, month or 1, day)
    if month:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 12, 31)


def _dated(kind: str, year: int, month: int | None, day: int | None) -> dict | None:
    try:
        first = date(year, month or 1, day or 1)
        last = _month_end(year, month, day)
    except ValueError:
        return None
    if kind == "since":
        return {"since": first}
    if kind == "until":
        return {"until": first.fromordinal(first.toordinal() - 1)}
    return {"since": first, "until": last}


def take_scope(text: str) -> tuple[Scope, str]:
    """The time words of a normalised, casefolded line as a Scope, and the line without them."""
    found: dict = {}

    def cut(m: re.Match) -> str:
        return " "

    m = _ZH_DATE.search(text)
    if m:
        pre, post = m.group("pre") or "", m.group("post") or ""
        kind = "until" if post in ("以前", "之前", "前") else "since" if (pre in ("自从", "自", "从") or post) else "in"
        got = _dated(kind, int(m.group("year")), _number(m.group("m")), _number(m.group("d")))
        if got:
            found.update(got)
            text = text[:m.start()] + " " + text[m.end():]
    else:
        m = _EN_DATE.search(text)
        if m and (m.group("prep") or m.group("mon") or m.group("m")):
            prep = m.group("prep") or ""
            kind = ("until" if prep in ("before", "until", "till") else
                    "since" if prep in ("since", "after", "from") or m.group("post") else "in")
            month = _MONTHS.get((m.group("mon") or "")[:3]) or _number(m.group("m"))
            got = _dated(kind, int(m.group("year")), month, _number(m.group("mday") or m.group("d")))
            if got:
                found.update(got)
                text = text[:m.start()] + " " + text[m.end():]
    m = _LAST_N.search(text)
    if m:
        found["last"] = _number(m.group("a") or m.group("b"))
        text = text[:m.start()] + " " + text[m.end():]
    m = _ISSUE.search(text)
    if m:
        n = _number(next(g for g in m.groups() if g))
        if n is not None and not (m.group("e") and 1900 <= n <= 2100):
            found["issue"] = n
            text = text[:m.start()] + " " + text[m.end():]
    if not found:
        for pattern, nth in _NTH:
            m = pattern.search(text)
            if m:
                found["nth"] = nth
                text = text[:m.start()] + " " + text[m.end():]
                break
    if found.get("last") == 1:  # "最新一期", "the last 1 issue": the newest issue
        found["nth"] = found.pop("last")
    m = _RECENT.search(text)
    if m:
        found["recent"] = True
        text = _RECENT.sub(" ", text)
    return Scope(**found), text


# --- words ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Words:
    terms: list[str] = field(default_factory=list)  # content words and phrases, in order
    phrases: set[str] = field(default_factory=set)  # terms that were quoted: never split or dropped
    exclude: list[str] = field(default_factory=list)  # -word
    any_of: bool = False  # the user wrote OR between words
    said: str | None = None  # the word that named the project, when one did


_TOKEN = re.compile(rf'"(?P<q>[^"]*)"?|(?P<neg>(?<!\S)-)?(?P<w>[0-9a-z][0-9a-z_.+\-]*[0-9a-z+]|[0-9a-z]|[{_CJK}]+)')


# Characters that are words of their own at the edge of a longer run ("瓶颈是", "在生产环境"), but
# also parts of words inside one: only stripped from the ends of an unknown run of 3 or more.
_EDGE = frozenset("是有在会要把被对从到向也都就还又再个些")


def _trim(piece: str) -> str:
    while len(piece) >= 3 and piece[-1] in _EDGE:
        piece = piece[:-1]
    while len(piece) >= 3 and piece[0] in _EDGE:
        piece = piece[1:]
    return piece


def segment_cjk(run: str, dictionary: frozenset[str], longest: int) -> list[str]:
    """Forward maximum matching: stop phrases are dropped, dictionary words (glossary terms,
    project names) kept whole, everything else kept as runs of the characters in between."""
    _, stop = stopwords()
    stops = _stop_set()
    out: list[str] = []
    rest = ""
    i = 0
    while i < len(run):
        for n in range(min(longest, len(run) - i), 0, -1):
            piece = run[i:i + n]
            if piece in dictionary or piece in stops:
                break
        else:
            rest += run[i]
            i += 1
            continue
        if rest:
            out.append(_trim(rest))
            rest = ""
        if piece in dictionary:
            out.append(piece)
        i += n
    if rest:
        out.append(_trim(rest))
    return out


@lru_cache(maxsize=1)
def _stop_set() -> frozenset[str]:
    return frozenset(stopwords()[1])


def words(text: str, dictionary: frozenset[str] = frozenset(), longest: int = 8) -> Words:
    """Content words of a normalised, casefolded line without its time words: stop words and
    question frames dropped, `"phrases"`, `-word` and `OR` understood, Chinese segmented."""
    en_stop, zh_stop = stopwords()
    longest = max(longest, len(zh_stop[0]) if zh_stop else 1)  # the stop phrases come longest first
    out = Words()
    for m in _TOKEN.finditer(text):
        if m.group("q") is not None:
            phrase = " ".join(m.group("q").split())
            if phrase:
                out.terms.append(phrase[:MAX_TERM_CHARS])
                out.phrases.add(phrase[:MAX_TERM_CHARS])
            continue
        w = m.group("w")
        if w == "or" or w == "或" or w == "或者":
            out.any_of = True
            continue
        if m.group("neg"):
            out.exclude.append(w[:MAX_TERM_CHARS])
            continue
        if _CJK_RUN.match(w):
            for piece in segment_cjk(w, dictionary, longest):
                if piece in ("或", "或者"):
                    out.any_of = True
                else:
                    out.terms.append(piece[:MAX_TERM_CHARS])
            continue
        w = w.strip("._+-") or w
        if w in en_stop or w.replace("'", "") in en_stop:
            continue
        out.terms.append(w.replace("_", " ")[:MAX_TERM_CHARS])
    out.terms = out.terms[:MAX_TERMS]
    out.exclude = out.exclude[:MAX_TERMS]
    return out


def split_hyphens(term: str) -> str:
    """`live-migration` reads as the phrase "live migration" (the index keeps words in order)."""
    return term.replace("-", " ") if "-" in term else term
