"""Understanding one line of chat: normalised, split into search terms, time scope and syntax.

Both languages: ASCII and full-width punctuation, case, width and traditional characters are
normalised (NFKC, casefold, a table of traditional characters);
question frames and stop words come from the word lists in `bot/data/stopwords.toml`; Chinese is
split by forward maximum matching over the glossary, the project names and the stop phrases (the
rest stays as runs, which the index matches as character pairs); time words in either language
become a `Scope` (bot/time_words.py). Nothing here touches the store.

jieba was measured in place of the maximum matching (2026-12-02, tests/questions): success@3 of
the Chinese questions 93 % against 100 %, cross-lingual 86 % against 100 %, and 1.5 s to load its
dictionary at start; it splits glossary terms the glossary keeps whole (热迁移 → 热 / 迁移). Not adopted.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


DATA = Path(__file__).resolve().parent / "data"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"^[{_CJK}]+$")
MAX_CHARS = 500  # longer input is cut: nobody types a 10 KB question on purpose
MAX_TERMS = 12
MAX_TERM_CHARS = 64


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


# Traditional characters (熱遷移, 負載均衡, 虛擬機) as their simplified forms, which the archive and the
# glossary write: the common characters of this domain and of questions, each one that is no
# simplified character of its own (乾, 著 are not here).
_TRADITIONAL = ("遷迁熱热負负載载虛虚擬拟機机網网絡络儲储鏡镜監监雲云計计節节點点發发佈布開开關关題题問问會会議议這这個个們们麼么嗎吗"
                "沒没與与為为對对於于務务體体據据庫库數数檔档資资訊讯報报錯错誤误態态調调應应權权認认證证號号區区塊块捲卷盤盘實实備备還还"
                "復复複复製制統统係系構构設设測测試试環环變变動动啟启創创刪删減减擴扩縮缩彈弹組组織织讀读寫写類类長长門门戶户帳帐碼码鑰钥"
                "聯联証证書书訂订閱阅驗验質质標标準准規规範范劃划畫画圖图層层級级線线連连橋桥換换協协轉转傳传輸输條条項项專专業业產产廠厂"
                "華华紅红達达經经歷历舊旧樣样麽么裡里裏里邊边後后時时間间週周幾几歲岁來来過过進进現现見见覺觉學学習习說说話话講讲談谈給给"
                "讓让幫帮請请謝谢當当從从並并兩两將将無无東东車车電电腦脑語语譯译擊击簡简單单總总結结優优維维護护運运營营隊队員员滾滚鏈链"
                "頁页視视頻频錄录輯辑編编獨独術术參参貢贡獻献審审階阶狀状況况處处響响敗败掛挂斷断訪访寬宽帶带億亿萬万費费價价購购買买賣卖"
                "際际國国歐欧亞亚蘭兰溫温爾尔羅罗頓顿倫伦")
_SIMPLIFIED = str.maketrans(_TRADITIONAL[0::2], _TRADITIONAL[1::2])


def normalize(text: str) -> str:
    """Width, full-width punctuation, traditional characters and case folded; whitespace collapsed;
    cut to MAX_CHARS."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 4]).translate(_QUOTES).translate(_SIMPLIFIED)
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:MAX_CHARS]


# --- words ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Words:
    terms: list[str] = field(default_factory=list)  # content words and phrases, in order
    phrases: set[str] = field(default_factory=set)  # terms that were quoted: never split or dropped
    exclude: list[str] = field(default_factory=list)  # -word
    any_of: bool = False  # the user wrote OR between words
    said: str | None = None  # the word that named the project, when one did


# A release's letter with 版 (`L版`, `k版本`: how Chinese posts name Liberty, Kilo) is one word: `l版`.
_TOKEN = re.compile(rf'"(?P<q>[^"]*)"?|(?P<neg>(?<!\S)-)?(?P<w>(?<![0-9a-z])[a-z]版(?:本)?|[0-9a-z][0-9a-z_.+\-]*[0-9a-z+]'
                    rf'|[0-9a-z]|[{_CJK}]+)')


# Words glued by "+" ("nova+neutron", "ceph+swift", full-width "nova＋neutron" after NFKC) are words
# joined as by "and"; "c++" and single letters ("a+b") stay one word.
_PLUS_JOINED = re.compile(r"[a-z][0-9a-z_.\-]*[0-9a-z](?:\+[a-z][0-9a-z_.\-]*[0-9a-z])+")


_DOTS = re.compile(r"\.{2,}")


# Characters that are words of their own at the edge of a longer run ("瓶颈是", "在生产环境"), but
# also parts of words inside one: only stripped from the ends of an unknown run of 3 or more.
_EDGE = frozenset("是有在会要把被对从到向也都就还又再个些")


def _trim(piece: str) -> str:
    while len(piece) >= 3 and piece[-1] in _EDGE:
        piece = piece[:-1]
    while len(piece) >= 3 and piece[0] in _EDGE:
        piece = piece[1:]
    return piece


def as_typed(piece: str, line: str) -> str:
    """A segmented piece with the edge characters `_trim` took from it put back, as the line has
    them (不存 of 订阅 不存在的项目 is 不存在): for quoting a word back to the asker."""
    at = line.find(piece)
    if at < 0 or not _CJK_RUN.match(piece):
        return piece
    start, end = at, at + len(piece)
    while start > 0 and line[start - 1] in _EDGE:
        start -= 1
    while end < len(line) and line[end] in _EDGE:
        end += 1
    return line[start:end]


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


# Asking what is much talked about ("what's hot this week", "hot topics", "what's trending") asks,
# as "highlights" does, for an issue as a whole: the frame names no topic. "hot" beside a topic
# word ("hot plug", "HOT template", "heat hot") stays a word.
HOT_FRAME = re.compile(r"\b(?:what(?:'s|s|\s+is|\s+are)\s+(?:hot|trending|popular)"
                       r"|(?:hot|trending|popular)\s+(?:topics?|news|items?|stories|things|discussions?|subjects?)"
                       r"|trending)\b")


def words(text: str, dictionary: frozenset[str] = frozenset(), longest: int = 8) -> Words:
    """Content words of a normalised, casefolded line without its time words: stop words and
    question frames dropped, `"phrases"`, `-word` and `OR` understood, Chinese segmented."""
    en_stop, zh_stop = stopwords()
    longest = max(longest, len(zh_stop[0]) if zh_stop else 1)  # the stop phrases come longest first
    out = Words()
    if ("hot" in text or "trending" in text or "popular" in text) and HOT_FRAME.search(text):
        text = HOT_FRAME.sub(" ", text)
    if ".." in text:  # an ellipsis ("keystone…ldap", NFKC's "...") parts words; a version's dots do not
        text = _DOTS.sub(" ", text)
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
        if w.endswith("版本") and len(w) == 3:  # "k版本" is "k版"
            w = w[:2]
        for w in (w.split("+") if "+" in w and _PLUS_JOINED.fullmatch(w) else (w,)):
            if w in en_stop or w.replace("'", "") in en_stop:
                continue
            out.terms.append(w.replace("_", " ")[:MAX_TERM_CHARS])
    out.terms = out.terms[:MAX_TERMS]
    out.exclude = out.exclude[:MAX_TERMS]
    return out


def split_hyphens(term: str) -> str:
    """`live-migration` reads as the phrase "live migration" (the index keeps words in order)."""
    return term.replace("-", " ") if "-" in term else term
