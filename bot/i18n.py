"""Replies in the asker's language: gettext catalogs (bot/locale/<lang>/LC_MESSAGES/digest_bot.mo).

Messages in the code are English msgids; `pybabel extract` collects them (see bot/locale/README.md)
and the compiled Chinese catalog ships inside the package. `tr(lang)` gives the gettext and
ngettext of one language; English is the identity.
"""
from __future__ import annotations

import gettext
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DOMAIN = "digest_bot"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
_HAS_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def N_(message: str) -> str:
    """Marks a message for extraction where it is declared; translated where it is shown."""
    return message


# What a Chinese input method types and an English keyboard does not: full-width ，。？！：；、（）【】《》
_ZH_PUNCTUATION = re.compile("[\uff0c\u3002\uff1f\uff01\uff1a\uff1b\u3001\uff08\uff09\u3010\u3011\u300a\u300b]")


def detect(text: str) -> str:
    """"zh" when the line has any Chinese character (or only Chinese punctuation: `？？`), else "en"."""
    return "zh" if _HAS_CJK.search(text) or _ZH_PUNCTUATION.search(text) else "en"


_ASCII_LETTERS = re.compile("[A-Za-z]")


def text_language(text: str) -> str:
    """The language a text is written in: "zh" when Chinese characters make up at least a quarter
    of its letters (a Chinese character says about what an English word of four or five letters
    does, so a Chinese text full of English names stays "zh"), else "en"."""
    cjk = len(_HAS_CJK.findall(text))
    return "zh" if cjk and cjk * 4 >= cjk + len(_ASCII_LETTERS.findall(text)) else "en"


def _same(text: str) -> str:
    return text


class Tr(NamedTuple):
    lang: str
    gettext: object
    ngettext: object
    example: object = _same  # an example `help` shows, as a reader of this archive would type it


def reworded(t: Tr, words: tuple[tuple[str, str], ...]) -> Tr:
    """`t` with words of its messages and examples replaced (whole words; longest first): a digest
    of sections, not of OpenStack projects, says "section" and shows its own names in examples."""
    if not words:
        return t
    table = dict(words)
    pattern = re.compile("|".join(
        re.escape(a) if _HAS_CJK.search(a) else rf"(?<![\w{{-]){re.escape(a)}(?![\w}}-])"
        for a in sorted(table, key=len, reverse=True)))

    def sub(text: str) -> str:
        return pattern.sub(lambda m: table[m.group(0)], text)

    gettext_, ngettext_ = t.gettext, t.ngettext
    return Tr(t.lang, lambda message: sub(gettext_(message)),
              lambda one, many, n: sub(ngettext_(one, many, n)), sub)


@lru_cache(maxsize=None)
def tr(lang: str) -> Tr:
    if lang == "en":
        t = gettext.NullTranslations()
    else:
        t = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    return Tr(lang, t.gettext, t.ngettext)
