"""Time words of a line of chat, in English and Chinese, as a `Scope` that narrows any answer.

Three kinds: an issue (`issue 19`, `第十九期`, `上上期`, `the last 3 issues`, and ranges:
`#109 and before`, `since issue 50`, `第100期以后`); dates (`since june 2014`, `2014年9月以来`,
`in 2014`); and times relative to now (`last 3 months`, `past week`, `this year`, `上个月`,
`最近三个月`, `since november`, `11月以来`). "Now" is the caller's: the core passes the newest
issue's date, so a quiet archive still answers `last month` with its own last month (the reply
says the dates it used).
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from archive.numerals import EN_NUMBER, parse_english_number, parse_number
from bot.cues import AnyOf, Cued, cued  # each pattern is searched only on a line holding one of its cues

_ZH_NUM = "0-9零〇一二两三四五六七八九十百千万亿"


@dataclass(frozen=True, slots=True)
class Scope:
    nth: int | None = None  # 1: the newest issue, 2: the one before (上上期)
    last: int | None = None  # the newest N issues
    issue: int | None = None  # one issue by number
    since: date | None = None
    until: date | None = None
    recent: bool = False  # "recently", "最近": newest first, no hard limit
    side: str | None = None  # with `issue`: "since", "after", "until" or "before" that issue
    to_issue: int | None = None  # with `issue`: issues `issue` to `to_issue` ("issues 24-26")
    issues: tuple[int, ...] = ()  # exactly these issues, named together ("issues 15 and 19", 第24期和第26期)
    nths: tuple[int, ...] = ()  # exactly these, counted from the newest ("上期和上上期": 1 and 2)

    def __bool__(self) -> bool:
        return any((self.nth, self.last, self.issue, self.since, self.until, self.issues, self.nths))


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# Month names as written, whole: a prefix and any letters ("nov[a-z]*") read "in nova" as November.
_MONTH_NAMES = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_RE = rf"(?P<mon>{_MONTH_NAMES})\.?(?![a-z])"
# An ISO date may sit in a Chinese line, glued to its words (`2014-10-01以来的heat`, `从2014-10-01起`);
# a bare dotted one is no date: it is how OpenStack versions are written (2014.1.1, 2013.2.3), a term
# (see take_scope; `since 2014.6.1` still is one).
_EN_DATE = cued(
    r"(?:\b(?P<prep>since|after|from|before|until|till|in|during|of)\s+|(?P<zpre>自从|自|从)\s*)?(?<![0-9A-Za-z])(?<!\d\.)"
    rf"(?:{_MONTH_RE}\s+(?:(?P<mday>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?)?"
    r"(?P<year>(?:19|20)\d{2})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?(?![0-9A-Za-z]|\.\d)"
    r"(?:\s+(?P<post>onwards|onward|on|and later)\b|\s*(?P<zpost>以来|之后|以后|起|开始|至今|以前|之前))?")
_ZH_DATE = cued(
    rf"(?P<pre>自从|自|从|在)?\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*(?:(?P<m>[{_ZH_NUM}]{{1,3}})\s*月份?(?:初|中旬|上旬|下旬|底|末)?\s*"
    rf"(?:(?P<d>[{_ZH_NUM}]{{1,3}})\s*[日号])?)?\s*(?P<post>以来|之后|以后|后|起|开始|至今|以前|之前|前)?")
_AFTER = ("以来", "之后", "以后", "后", "起", "开始", "至今", "onwards", "onward", "on", "and later")
_BEFORE = ("以前", "之前", "前")
# A month without a year needs a preposition in English ("may" is a verb), unless its whole name is no
# other word ("nova july"); in Chinese N月 is a month as
# it stands ("7月份nova有什么动态", "四月那期"), but not after a number, 年 or 个 (3个月 is a span).
_EN_MONTH = cued(rf"\b(?P<prep>since|after|from|before|until|till|in|during)\s+(?:the\s+month\s+of\s+)?"
                       rf"{_MONTH_RE}(?![\w-])(?!\s*\d)"
                       # or named by its issue: "the july issue", "june's edition"
                       rf"|\b{_MONTH_RE.replace('(?P<mon>', '(?P<mon2>')}(?:'s)?\s+(?:issues?|editions?|digests?)\b"
                       # or framed in Chinese, as a bilingual asker mixes them: "july以来", "sept之前的heat"
                       rf"|\b{_MONTH_RE.replace('(?P<mon>', '(?P<mon3>')}\s*(?P<zside>以来|之后|以后|起|开始|至今|以前|之前)"
                       # or a whole name that is no other English word, alone: "nova july", "september heat"
                       # (not may, march, august; no abbreviation: "jan" is a name, "dec" a word)
                       r"|\b(?P<mon4>january|february|april|june|july|september|october|november|december)\b(?![\w-])(?!\s*\d)")
_ZH_MONTH = cued(rf"(?<![{_ZH_NUM}年个])(?P<pre>自从|自|从|在)?\s*(?P<m>[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}})"
                       rf"\s*月份?(?P<part>初|中旬|上旬|下旬|底|末)?(?P<post>以来|之后|以后|起|开始|至今|以前|之前|的)?")
# A year said relative to now or short (今年九月, 去年十二月, 14年9月, 今年上半年): the year itself first.
_ZH_YEAR_WORD = cued(r"(?:(?P<rel>今年|去年|前年)|(?<![0-9])(?P<short>\d{2})\s*年)"
                           r"(?=\s*(?:[0-9一二三四五六七八九十]{1,3}\s*月|[上下]半年|第?[一二三四1-4]\s*季度))")
_YEARS_BACK = {"今年": 0, "去年": 1, "前年": 2}
# Halves and quarters of a year (上半年, 2014年第三季度, 下半年以来; the year's 年 may be left out:
# 2014下半年): the months they span.
_ZH_PART = cued(r"(?P<pre>自从|自|从)?(?:(?P<year>(?:19|20)\d{2})\s*年?\s*)?(?:(?P<half>[上下])半年|第?(?P<q>[一二三四1-4])\s*季度)"
                      r"(?P<post>以来|之后|以后|起|开始|至今|以前|之前)?")
# Quarters and halves as a manager says them: `q3`, `2014 q3`, `q2 2014`, `h1 2014`, `the third quarter
# of 2014`, `first half`, `this quarter`, `last quarter`, 本季度, 上季度 (a year's half or quarter without
# a year is the latest such one up to now, as 上半年 is).
_QUARTER = cued(
    r"\b(?:(?P<y1>(?:19|20)\d{2})\s*)?(?:q(?P<q>[1-4])|h(?P<h>[12]))(?:\s*(?P<y2>(?:19|20)\d{2}))?\b"
    r"|\b(?:the\s+)?(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<unit>quarter|half)"
    r"(?:\s+of(?:\s+the\s+year)?)?(?:\s+(?P<y3>(?:19|20)\d{2}))?\b"
    r"|\b(?P<rel>this|last|previous|current|past)\s+quarter(?:'s)?\b|(?P<zrel>本季度|这个季度|这季度|当季|上季度|上个季度|上一季度)")
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_UNIT = {"day": 1, "days": 1, "天": 1, "日": 1, "week": 7, "weeks": 7, "周": 7, "星期": 7, "礼拜": 7,
         "month": "m", "months": "m", "月": "m", "个月": "m", "year": "y", "years": "y", "年": "y"}
_NUM_WORD = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of"
_EN_SPAN = cued(  # "last week" alone is last week's issue (see _NTH), "last month" a calendar month
    r"\b(?:(?:in|during|over|within|for|from)\s+)?(?:the\s+)?"
    rf"(?:last\s+(?P<n>{_NUM_WORD})\s+|(?:past|previous|recent)\s+(?:(?P<n2>{_NUM_WORD})\s+)?)"
    r"(?P<unit>days?|weeks?|months?|years?)\b")
_ZH_SPAN = cued(rf"(?:最近|近|过去|前)\s*(?P<n>[{_ZH_NUM}]{{1,3}}|几|半)\s*(?P<unit>个月|个星期|个礼拜|天|日|周|星期|礼拜|月|年)"
                      rf"(?:以来|里|内|中)?")
_CALENDAR = [  # (pattern, months back from now's month (or years with "y"), whole period or up to now)
    (cued(r"\bthis month(?:'s)?\b|本月|这个月|这月|当月"), (0, "m")),
    (cued(r"\blast month(?:'s)?\b|上个月|上月"), (1, "m")),
    (cued(r"\bthis year(?:'s)?\b|今年|本年"), (0, "y")),
    (cued(r"\blast year(?:'s)?\b|去年"), (1, "y")),
    (cued(r"前年"), (2, "y")),
]
_ISSUE_WORD = r"(?:issues?|editions?|no\.?|number|#|期)"
_EN_ISSUE_SIDE = cued(
    rf"(?:\b(?:(?P<prep>since|after|before|until|till|up to|prior to)\s+(?:the\s+)?{_ISSUE_WORD}\s*#?\s*(?P<a>\d+)\b)"
    # "from issue 17" alone is what issue 17 holds ("news from issue 17"); "from issue 17 on" is since
    rf"|(?:\b(?P<from>from)\s+(?:the\s+)?{_ISSUE_WORD}\s*#?\s*(?P<f>\d+)\s+(?:on|onwards?|forward|and later)\b)"
    rf"|(?:(?:\b(?:issues?|no\.?|number)\s*|#\s*)(?P<b>\d+)\s+(?:and|or)\s+(?P<post>before|earlier|older|prior|after|later|newer|since|on|onwards?)\b)"
    rf"|(?:\bissues\s+(?P<prep2>since|after|from|before|until|till|up to|prior to)\s+#?\s*(?P<c>\d+)\b)"
    # "since the 15th issue", "the issue before 17" (the issues before it, newest first)
    rf"|(?:\b(?P<prep3>since|after|before|until|till|up to|prior to)\s+(?:the\s+)?(?P<g>\d+)(?:st|nd|rd|th)\s+(?:issue|edition)\b)"
    rf"|(?:\b(?:issue|one|edition)\s+(?P<prep4>before|after)\s+(?:issue\s+)?#?\s*(?P<h>\d+)\b))")
_ZH_ISSUE_SIDE = cued(
    rf"(?P<pre>自从|自|从)?\s*第?\s*(?P<n>[{_ZH_NUM}]+)\s*期\s*(?P<post>及以前|及之前|及以后|以来|之后|以后|后|起|开始|至今|以前|之前|前)")
_TO = r"\s*(?:-|–|—|~|to|through|thru|until|till|and|到|至)\s*"
# A range of issues is written as one (`issues 20 to 22`, `#24-#26`, `第24期到第26期`, `从24到26期`,
# `between issues 15 and 19`); issues named together with "and" or a comma are those issues alone
# (`issues 15 and 19`, `第十五期与第十九期`, `24、26期`: see _EN_ISSUE_LIST, _ZH_ISSUE_LIST).
_ISSUE_TO = r"\s*(?:-|–|—|~|to|through|thru|until|till|到|至)\s*"
_EN_ISSUE_RANGE = cued(
    rf"\b(?:from\s+)?(?:issues?|editions?|nos?\.?|numbers?)\s*#?\s*(?P<a>\d+){_ISSUE_TO}(?:issues?\s*)?#?\s*(?P<b>\d+)\b"
    rf"|\bbetween\s+(?:issues?|editions?|nos?\.?|numbers?)\s*#?\s*(?P<e>\d+){_TO}(?:issues?\s*)?#?\s*(?P<f>\d+)\b"
    rf"|#\s*(?P<c>\d+){_ISSUE_TO}#\s*(?P<d>\d+)\b")
_ZH_ISSUE_RANGE = cued(
    rf"(?:从|自)\s*第?\s*(?P<a>[{_ZH_NUM}]+)\s*期?\s*(?:到|至|-|–|~)\s*第?\s*(?P<b>[{_ZH_NUM}]+)\s*期"
    rf"|第?\s*(?P<c>[{_ZH_NUM}]+)\s*期?{_ISSUE_TO}第?\s*(?P<d>[{_ZH_NUM}]+)\s*期")
# What joins issues named together: "and", "&", a comma, 和, 与, 跟, 及, 以及, 还有, 、
_AND = r"\s*(?:,\s*and|,|&|\band\b|以及|还有|和|与|跟|及|、)\s*"
_EN_ISSUE_LIST = cued(
    rf"\b(?:issues?|editions?|nos?\.?|numbers?)\s*#?\s*(?P<list>\d+(?:{_AND}(?:(?:issue|edition|no\.?|number)\s*)?#?\s*\d+)+)\b"
    rf"|(?P<hash>#\s*\d+(?:{_AND}#\s*\d+)+)\b")
_ZH_ISSUE_LIST = cued(  # (not 这一期和第25期: 这一期 is no issue one)
    rf"(?<![上下这本当近前后新每哪某同那有几])第?\s*(?P<list>[{_ZH_NUM}]+\s*期?(?:{_AND}第?\s*[{_ZH_NUM}]+\s*期?)*{_AND}第?\s*[{_ZH_NUM}]+)\s*期")
_EN_DAY = (r"(?:(?P<{p}mon>" + _MONTH_NAMES.replace("{", "{{").replace("}", "}}") + r")\.?\s+(?:(?P<{p}mday>\d{{1,2}})"
           r"(?:st|nd|rd|th)?,?\s+)?)?(?P<{p}year>(?:19|20)\d{{2}})(?:[-/.](?P<{p}m>\d{{1,2}})(?:[-/.](?P<{p}d>\d{{1,2}}))?)?")
_EN_DATE_RANGE = cued(r"\b(?:from\s+|between\s+)?" + _EN_DAY.format(p="a") + r"\b" + _TO + _EN_DAY.format(p="b") + r"\b")
# Months with one year for both, written after the second (`between june and august 2014`,
# `june to august 2014`) or the first (`june 2014 to august`), or none (`from june to august`: the
# latest such months, as 8月到9月).
_EN_MONTH_RANGE = cued(
    rf"\b(?:from\s+|between\s+)?(?P<amon>{_MONTH_NAMES})\.?(?:\s+(?P<ayear>(?:19|20)\d{{2}}))?{_TO}"
    rf"(?P<bmon>{_MONTH_NAMES})\.?(?![a-z])(?:\s+(?P<byear>(?:19|20)\d{{2}})\b)?")
_ZH_DAY = (rf"(?:(?P<{{p}}year>(?:19|20)\d{{{{2}}}})\s*年)?\s*(?P<{{p}}m>[{_ZH_NUM}]{{{{1,3}}}})\s*月份?"
           rf"(?:\s*(?P<{{p}}d>[{_ZH_NUM}]{{{{1,3}}}})\s*[日号])?")
_ZH_DATE_RANGE = cued(r"(?:从|自)?\s*" + _ZH_DAY.format(p="a") + _TO + _ZH_DAY.format(p="b") + r"(?:之间|期间)?")
# Months with 月 written once, after the second (6-8月, 10到12月, 2014年10-12月)
_ZH_MONTHS_RANGE = cued(r"(?<![0-9.])(?:(?P<year>(?:19|20)\d{2})\s*年)?\s*(?P<am>[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
                        r"\s*(?:-|–|~|到|至)\s*(?P<bm>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?!\s*[0-9一二三四五六七八九十]+\s*[日号])")
_ISSUE = cued(
    rf"(?:\b(?:in\s+)?(?:issue|no\.?|number)\s*#?\s*(?P<a>\d+)\b|#\s*(?P<b>\d+)\b|第\s*(?P<c>[{_ZH_NUM}]+)\s*期"
    rf"|(?<![\w.])(?P<d>\d+)\s*期|\bin\s+(?P<e>\d{{1,5}})\b(?!\s*(?:days?|weeks?|months?|years?))"
    # in words: "issue nineteen", "issue number twenty-four", "the 19th issue", "the nineteenth edition"
    rf"|\bissue\s+(?:number\s+|no\.?\s*)?(?P<f>{EN_NUMBER})\b(?!\s*(?:days?|weeks?|months?|years?|issues)\b)"
    rf"|\b(?P<g>\d+(?:st|nd|rd|th)|{EN_NUMBER})\s+(?:issue|edition)\b"
    # 十九期 without 第 (not 上一期, 这一期, 最新一期, 有一期, 两期: those are no number)
    rf"|(?<![上下这本当近前后新第每哪某同那有几{_ZH_NUM}])(?!一期|两期)(?P<zn>[{_ZH_NUM[3:]}]+)\s*期(?!间))")
_LAST_N = cued(
    rf"(?:\b(?:last|past|latest|newest|recent)\s+(?P<a>\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
    rf"(?:\s+(?:issues?|editions?|numbers?))?\b(?!\s*(?:days?|weeks?|months?|years?)\b)"
    rf"|(?:最近|近|前|最新|过去)\s*(?P<b>[{_ZH_NUM}]+|几)\s*期"
    # "这两期的heat", "这几期" (not 这一期: that is the latest, see _NTH)
    rf"|这\s*(?P<c>[两二三四五六七八九十]|几)\s*期)")
_NTH = [  # (pattern, nth); a negative nth counts from the oldest (the core knows how many there are)
    (cued(r"\b(?:the\s+)?(?:oldest|earliest)(?:\s+(?:issue|edition|number|digest|one))?\b|最[早老]的?(?:那一?|一)期"), -1),
    (cued(r"上上一?期|\b(?:previous|prev|prior|second[- ]to[- ]last) (?:issue|edition|one)\b|\b(?:issue|one) before (?:the )?(?:last|latest|newest|current|most recent)(?: (?:issue|one))?\b"
                r"|\bthe one before\b"), 2),
    (cued(r"(?:上一期|上期|本期|这一期|这期|当期|最新一期|最近一期|最后一期|最新的一期|本周|这周|这个星期|最新|"
                r"上周|上星期|上个星期|上礼拜|上个礼拜|"
                r"\b(?:latest|newest|current|last|this|most recent)\s+(?:issue|edition|number|digest|one)\b"
                r"|\bthis week(?:'s)?\b|\blast week(?:'s)?\b|\b(?:latest|newest)\b)"), 1),
]
# Counting back from the newest (上期 is the newest, 上上期 the one before): 倒数第三期, 上上上期, the
# third-to-last issue. Read before an issue's number: 倒数第三期 is no issue 3.
_FROM_NEWEST = cued(rf"倒数\s*第?\s*(?P<n>[{_ZH_NUM}]+)\s*期|(?P<up>上{{3,}})一?期"
                    r"|\b(?P<en>second|third|fourth|fifth|2nd|3rd|4th|5th)[- ]to[- ]last(?:\s+(?:issue|edition|one))?\b")
_AGO = cued(r"\b(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of)\s+(?:issues?|editions?)\s+ago\b")
MAX_AGO = 1000

# OpenStack's releases and the day each came out (the release schedules of releases.openstack.org):
# a release's cycle is the time from the release before it to its own ("during the juno cycle",
# "icehouse周期", "J版期间"), and "since icehouse" / "kilo之后" count from its day. A release is
# named by its name or, for the first alphabet, by its letter with 版 (J版, as Chinese posts write).
RELEASES: tuple[tuple[str, date], ...] = (
    ("austin", date(2010, 10, 21)), ("bexar", date(2011, 2, 3)), ("cactus", date(2011, 4, 15)),
    ("diablo", date(2011, 9, 22)), ("essex", date(2012, 4, 5)), ("folsom", date(2012, 9, 27)),
    ("grizzly", date(2013, 4, 4)), ("havana", date(2013, 10, 17)), ("icehouse", date(2014, 4, 17)),
    ("juno", date(2014, 10, 16)), ("kilo", date(2015, 4, 30)), ("liberty", date(2015, 10, 15)),
    ("mitaka", date(2016, 4, 7)), ("newton", date(2016, 10, 6)), ("ocata", date(2017, 2, 22)),
    ("pike", date(2017, 8, 30)), ("queens", date(2018, 2, 28)), ("rocky", date(2018, 8, 30)),
    ("stein", date(2019, 4, 10)), ("train", date(2019, 10, 16)), ("ussuri", date(2020, 5, 13)),
    ("victoria", date(2020, 10, 14)), ("wallaby", date(2021, 4, 14)), ("xena", date(2021, 10, 6)),
    ("yoga", date(2022, 3, 30)), ("zed", date(2022, 10, 5)), ("antelope", date(2023, 3, 22)),
    ("bobcat", date(2023, 10, 4)), ("caracal", date(2024, 4, 3)), ("dalmatian", date(2024, 10, 2)),
    ("epoxy", date(2025, 4, 2)), ("flamingo", date(2025, 10, 1)),
)
_RELEASE_DAY = dict(RELEASES)
_CYCLE_START = {name: (RELEASES[i - 1][1] + timedelta(days=1) if i else date(2010, 7, 1))
                for i, (name, _day) in enumerate(RELEASES)}
RELEASE_BY_LETTER = {name[0]: name for name, _day in RELEASES[:26]}  # j -> juno (A to Z, 2010-2022)
_RELEASE_NAMES = "|".join(name for name, _day in RELEASES)
_REL = rf"(?:(?<![0-9a-z])(?P<{{p}}>{_RELEASE_NAMES})(?![0-9a-z_-])|(?<![0-9a-z])(?P<{{p}}l>[a-z])版(?:本)?)"
_RELEASE_SCOPE = cued(
    # "during the juno cycle", "in the kilo release cycle", "juno dev cycle"
    r"(?:\b(?:during|in|over|for|throughout|across)\s+(?:the\s+)?)?" + _REL.format(p="c")
    + r"(?:\s+(?:release|development|dev))?\s+(?:cycle|timeframe|time frame)\b"
    # "during juno" (not "during juno-2", a milestone: a word to search for)
    + r"|\bduring\s+(?:the\s+)?" + _REL.format(p="d")
    # "icehouse周期", "J版开发周期", "kilo期间", "整个J版周期里", "juno这个周期内"
    + r"|(?:整个\s*)?" + _REL.format(p="z") + r"\s*(?:的|这个|整个)?\s*(?:开发周期|版本周期|发布周期|周期|开发期间|期间)(?:里|内|中)?"
    # "since icehouse", "after the juno release", "before kilo"
    + r"|\b(?P<side>since|after|before|until|till)\s+(?:the\s+)?" + _REL.format(p="s") + r"(?:\s+release)?"
    # "icehouse之后", "J版发布以来", "K版以前"
    + r"|" + _REL.format(p="y") + r"\s*(?:发布|版本发布)?\s*(?P<zside>以来|之后|以后|以前|之前)")



# The design summits (later the OpenStack Summits): the day each began, its city in both languages and
# the release it planned ("since the atlanta summit", "巴黎峰会之后的nova", "before the kilo summit",
# "峰会以来": the latest one up to now). Only with a side word: "atlanta summit" alone is a search.
SUMMITS: tuple[tuple[date, str, str, str], ...] = (
    (date(2012, 10, 15), "san diego", "圣地亚哥", "grizzly"), (date(2013, 4, 15), "portland", "波特兰", "havana"),
    (date(2013, 11, 5), "hong kong", "香港", "icehouse"), (date(2014, 5, 12), "atlanta", "亚特兰大", "juno"),
    (date(2014, 11, 3), "paris", "巴黎", "kilo"), (date(2015, 5, 18), "vancouver", "温哥华", "liberty"),
    (date(2015, 10, 27), "tokyo", "东京", "mitaka"), (date(2016, 4, 25), "austin", "奥斯汀", "newton"),
    (date(2016, 10, 25), "barcelona", "巴塞罗那", "ocata"), (date(2017, 5, 8), "boston", "波士顿", "pike"),
    (date(2017, 11, 6), "sydney", "悉尼", "queens"), (date(2018, 5, 21), "vancouver", "温哥华", "rocky"),
    (date(2018, 11, 13), "berlin", "柏林", "stein"), (date(2019, 4, 29), "denver", "丹佛", "train"),
    (date(2019, 11, 4), "shanghai", "上海", "ussuri"),
)
_SUMMIT_NAMES = "|".join(sorted({n for _d, city, zh, rel in SUMMITS for n in (city, zh, rel, rel[0] + "版")},
                                key=len, reverse=True))
_SUMMIT_SCOPE = cued(
    rf"\b(?P<side>since|after|before|until|till)\s+(?:the\s+)?(?:(?P<name>{_SUMMIT_NAMES})\s+|last\s+)?"
    rf"(?:design\s+)?summit\b"
    rf"|(?P<zname>{_SUMMIT_NAMES})?\s*(?:设计)?峰会\s*(?:结束)?\s*(?P<zside>以来|之后|以后|后(?!续)|以前|之前|前)")


def _summit(text: str, now: Callable[[], date]) -> tuple[dict, re.Match | None]:
    """The time since or before a summit: one named by its city or release, else the latest up to now."""
    m = _SUMMIT_SCOPE.search(text)
    if m is None:
        return {}, None
    name = m.group("name") or m.group("zname")
    if name:
        days = [d for d, city, zh, rel in SUMMITS if name in (city, zh, rel, rel[0] + "版")]
        up_to = [d for d in days if d <= now()]  # Vancouver twice: the latest one up to now
        day = max(up_to) if up_to else min(days)
    else:
        past = [d for d, *_ in SUMMITS if d <= now()]
        if not past:
            return {}, None
        day = max(past)
    side = m.group("side") or _ZH_SIDES[m.group("zside")]
    if side in ("since", "after"):
        return {"since": day}, m
    return {"until": day - timedelta(days=1)} if side == "before" else {"until": day}, m


def _release(text: str) -> tuple[dict, re.Match | None]:
    """A release's cycle, or the time since or before its day."""
    m = _RELEASE_SCOPE.search(text)
    if m is None:
        return {}, None
    g = m.groupdict()
    name = next((g[k] for k in ("c", "d", "z", "s", "y") if g[k]), None) \
        or next((RELEASE_BY_LETTER.get(g[k + "l"]) for k in ("c", "d", "z", "s", "y") if g[k + "l"]), None)
    if name is None:  # a letter no release of the first alphabet has
        return {}, None
    day = _RELEASE_DAY[name]
    side = g["side"] or _ZH_SIDES.get(g["zside"] or "")
    if side == "since":
        return {"since": day}, m
    if side == "after":
        return {"since": day + timedelta(days=1)}, m
    if side == "before":
        return {"until": day - timedelta(days=1)}, m
    if side in ("until", "till"):
        return {"until": day}, m
    return {"since": _CYCLE_START[name], "until": day}, m
_RECENT = cued(r"最近|近期|近来|\b(?:recent|recently|lately|new)\b")
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "few": 3, "couple of": 2, "a couple of": 2, "几": 3, "半": None}
_SIDES = {"since": "since", "from": "since", "on": "since", "onward": "since", "onwards": "since",
          "after": "after", "later": "since", "newer": "since",
          "before": "before", "prior": "before", "prior to": "before",
          "until": "until", "till": "until", "up to": "until", "earlier": "until", "older": "until"}
_ZH_SIDES = {"及以前": "until", "及之前": "until", "以前": "before", "之前": "before", "前": "before",
             "及以后": "since", "以来": "since", "起": "since", "开始": "since", "至今": "since",
             "之后": "after", "以后": "after", "后": "after"}


def _number(text: str | None) -> int | None:
    if not text:
        return None
    n = _EN_NUMBERS.get(text) or parse_number(text)
    return parse_english_number(text) if n is None else n


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
        return {"until": first - timedelta(days=1)}
    return {"since": first, "until": last}


def _months_back(day: date, n: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def _span_start(now: date, n: int, unit) -> date:
    """The first day of the last n units up to now."""
    if unit == "m":
        return _months_back(now, n)
    if unit == "y":
        return _months_back(now, 12 * n)
    return now - timedelta(days=n * unit - 1)


def _kind(pre: str, post: str) -> str:
    # "news from april 2014" is April's news; "from april 2014 on" (a post word) is since.
    return ("until" if post in _BEFORE or pre in ("before", "until", "till") else
            "since" if post in _AFTER or pre in ("自从", "自", "从", "since", "after") else "in")


def _quarter(text: str, now: Callable[[], date]) -> tuple[dict, re.Match | None]:
    """A quarter or a half of a year said in English, or this / last quarter in either language."""
    for m in _QUARTER.finditer(text):
        year = m.group("y1") or m.group("y2") or m.group("y3")
        rel = m.group("rel") or m.group("zrel")
        if rel:
            today = now()
            q = (today.month - 1) // 3 + 1
            if rel in ("this", "current", "本季度", "这个季度", "这季度", "当季"):
                return {"since": date(today.year, 3 * q - 2, 1)}, m
            y, q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
            return {"since": date(y, 3 * q - 2, 1), "until": _month_end(y, 3 * q, None)}, m
        if m.group("h") and not year:
            continue  # h1 / h2 alone is a word (a heading, HTTP/2): a half needs its year
        if m.group("nth"):
            n = _ORDINAL[m.group("nth")]
            if m.group("unit") == "half" and n > 2:
                continue
            first, last = ((3 * n - 2, 3 * n) if m.group("unit") == "quarter" else ((1, 6) if n == 1 else (7, 12)))
        elif m.group("q"):
            n = int(m.group("q"))
            first, last = 3 * n - 2, 3 * n
        else:
            first, last = (1, 6) if m.group("h") == "1" else (7, 12)
        if year:
            y = int(year)
        else:
            today = now()
            y = today.year if first <= today.month else today.year - 1
        return {"since": date(y, first, 1), "until": _month_end(y, last, None)}, m
    return {}, None


def _relative(text: str, now: Callable[[], date]) -> tuple[dict, re.Match | None]:
    """Times relative to now: spans (`last 3 months`), calendar periods (`last year`), and a
    month without a year (the latest such month up to now)."""
    zh = not text.isascii()  # (every _ZH_ pattern needs a Chinese character: an ASCII line is tried for none)
    m = _EN_SPAN.search(text) or (_ZH_SPAN.search(text) if zh else None)
    if m:
        said = m.groupdict().get("n") or m.groupdict().get("n2")
        n = _number(said) if said else 1
        unit = _UNIT[m.group("unit")]
        if said == "半":  # 半年, 半个月
            n, unit = (6, "m") if unit == "y" else (15, 1)
        return {"since": _span_start(now(), n, unit)}, m
    for pattern, (back, unit) in _CALENDAR:
        m = pattern.search(text)
        if m:
            today = now()
            if unit == "y":
                year = today.year - back
                return ({"since": date(year, 1, 1)} if back == 0 else
                        {"since": date(year, 1, 1), "until": date(year, 12, 31)}), m
            first = _months_back(today.replace(day=1), back)
            return ({"since": first} if back == 0 else
                    {"since": first, "until": _month_end(first.year, first.month, None)}), m
    m = _EN_MONTH.search(text)
    if m:
        month = _MONTHS[(m.group("mon") or m.group("mon2") or m.group("mon3") or m.group("mon4"))[:3]]
        kind = _kind(m.group("prep") or "", m.group("zside") or "")
    else:
        m = _ZH_MONTH.search(text) if zh else None
        if not m:
            return {}, None
        month, kind = _number(m.group("m")), _kind(m.group("pre") or "", m.group("post") or "")
        if not month or month > 12:
            return {}, None
    today = now()
    year = today.year if month <= today.month else today.year - 1
    return _dated(kind, year, month, None) or {}, m


def _issue_side(text: str) -> tuple[dict, re.Match | None]:
    """An issue range: `#109 and before`, `since issue 50`, `第100期以后`."""
    m = _EN_ISSUE_SIDE.search(text)
    if m:
        word = m.group("prep") or m.group("from") or m.group("post") or m.group("prep2") or m.group("prep3") or m.group("prep4")
        n = m.group("a") or m.group("f") or m.group("b") or m.group("c") or m.group("g") or m.group("h")
        side = _SIDES[word]
        if m.group("post"):  # "#109 and before": that issue too
            side = {"before": "until", "after": "since"}.get(side, side)
        return {"issue": int(n), "side": side}, m
    m = _ZH_ISSUE_SIDE.search(text) if not text.isascii() else None
    if m:
        n = _number(m.group("n"))
        if n is not None:
            side = _ZH_SIDES[m.group("post")]
            return {"issue": n, "side": side}, m
    return {}, None


def _issue_list(text: str, zh: bool) -> tuple[dict, re.Match | None]:
    """Issues named together (`issues 15 and 19`, `#24, #26`, `第十五期与第十九期`, `24、26期`):
    exactly those, in the order named (one named twice is one issue)."""
    m = _EN_ISSUE_LIST.search(text)
    if m:
        numbers = [int(n) for n in re.findall(r"\d+", m.group("list") or m.group("hash"))]
    else:
        m = _ZH_ISSUE_LIST.search(text) if zh else None
        if not m:
            return {}, None
        said = [_number(n) for n in re.findall(rf"[{_ZH_NUM}]+", m.group("list"))]
        if None in said:
            return {}, None
        numbers = said
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) == 1:
        return {"issue": numbers[0]}, m
    return {"issues": tuple(numbers)}, m


def _latest_months(m1: int, m2: int, today: date) -> tuple[int, int]:
    """The years of the latest months m1..m2 up to today ("8月到9月", "from june to august")."""
    y2 = today.year if m2 <= today.month else today.year - 1
    return (y2 if m1 <= m2 else y2 - 1), y2


def _range(text: str, now: Callable[[], date] | None = None) -> tuple[dict, re.Match | None]:
    """A range of issues (`issues 24-26`, `第24期到第26期`) or of dates (`from 2014-11-01 to
    2014-12-01`, `june 2014 - august 2014`, `2014年11月到12月`: the second end may leave out the year)."""
    m = _EN_ISSUE_RANGE.search(text)
    if m:
        lo, hi = int(m.group("a") or m.group("e") or m.group("c")), int(m.group("b") or m.group("f") or m.group("d"))
        return {"issue": min(lo, hi), "to_issue": max(lo, hi)}, m
    zh = not text.isascii()
    m = _ZH_ISSUE_RANGE.search(text) if zh else None
    if m:
        lo, hi = _number(m.group("a") or m.group("c")), _number(m.group("b") or m.group("d"))
        if lo is not None and hi is not None:
            return {"issue": min(lo, hi), "to_issue": max(lo, hi)}, m
    got = _issue_list(text, zh)
    if got[0]:
        return got
    m = _EN_MONTH_RANGE.search(text)
    if m and not (m.group("ayear") and m.group("byear")):  # (both years: _EN_DATE_RANGE's)
        m1, m2 = _MONTHS[m.group("amon")[:3]], _MONTHS[m.group("bmon")[:3]]
        y1, y2 = (int(m.group("ayear")) if m.group("ayear") else None), (int(m.group("byear")) if m.group("byear") else None)
        if y1 is None and y2 is None and now is not None:
            y1, y2 = _latest_months(m1, m2, now())
        if y1 is None and y2 is not None:
            y1 = y2 if m1 <= m2 else y2 - 1  # "november to february 2015": 2014-11 to 2015-02
        if y2 is None and y1 is not None:
            y2 = y1 if m1 <= m2 else y1 + 1
        if y1 is not None:
            return {"since": date(y1, m1, 1), "until": _month_end(y2, m2, None)}, m
    for pattern, english in ((_EN_DATE_RANGE, True), (_ZH_DATE_RANGE, False)):
        m = pattern.search(text) if english or zh else None
        if not m:
            continue
        ends = []
        for p in "ab":
            if english:  # a bare year is a whole year: "2014 to 2015" too
                month = _MONTHS.get((m.group(p + "mon") or "")[:3]) or _number(m.group(p + "m"))
                day = _number(m.group(p + "mday") or m.group(p + "d"))
                year = int(m.group(p + "year"))
            else:
                year = int(m.group(p + "year")) if m.group(p + "year") else None
                month, day = _number(m.group(p + "m")), _number(m.group(p + "d"))
            ends.append((year, month, day))
        (y1, m1, d1), (y2, m2, d2) = ends
        y1 = y1 or y2
        y2 = y2 or y1
        if y1 is None:  # "8月到9月": no year at all, the latest such months (as "九月份的heat")
            if now is None or not m1 or not m2 or m1 > 12 or m2 > 12:
                continue
            y1, y2 = _latest_months(m1, m2, now())
        first, last = _dated("in", y1, m1, d1), _dated("in", y2, m2, d2)
        if first and last and first["since"] <= last["until"]:
            return {"since": first["since"], "until": last["until"]}, m
    m = _ZH_MONTHS_RANGE.search(text) if zh else None
    if m:
        m1, m2 = _number(m.group("am")), _number(m.group("bm"))
        if m1 and m2 and m1 <= m2 <= 12:
            if m.group("year"):
                y1 = y2 = int(m.group("year"))
            elif now is not None:
                y1, y2 = _latest_months(m1, m2, now())
            else:
                return {}, None
            return {"since": date(y1, m1, 1), "until": _month_end(y2, m2, None)}, m
    return {}, None


# Every pattern take_scope tries: a line with none of their cues' first characters has no time word.
_ANY_CUE = AnyOf([v for v in tuple(globals().values()) if isinstance(v, Cued)] + [p for p, _ in (*_NTH, *_CALENDAR)])


# The English time words people slip on, and the slips a typist makes of them: a letter left out, two
# swapped, one doubled (sicne, newst, latset, befroe, isssue), and English's own misspelling of
# latest, "lastest". Only slips of five letters or more: a shorter one is too often a word (sine, util).
_SLIPPED = ("latest", "newest", "since", "before", "after", "until", "previous", "recent", "recently",
            "issue", "issues", "month", "months", "weeks", "years")


def _slips(word: str) -> set[str]:
    out = {word[:i] + word[i + 1:] for i in range(len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    return {w for w in out if len(w) >= 5}


MISSPELT_TIME_WORDS = {slip: word for word in _SLIPPED for slip in _slips(word)}
MISSPELT_TIME_WORDS.update({"lastest": "latest", "lastet": "latest", "latests": "latest"})
for _word in _SLIPPED:  # a time word is never a slip of another (issue of issues)
    MISSPELT_TIME_WORDS.pop(_word, None)


def misspelt_time_words(words: Iterable[str]) -> dict[str, str]:
    """The words (casefolded) that are slips of a time word, each with the word it slips on."""
    return {w: MISSPELT_TIME_WORDS[w] for w in words if w in MISSPELT_TIME_WORDS}


# A link pasted into a question: its path's dates (/2014/08/03/) and numbers are the link's words, no time.
_LINK = cued(r"(?:https?://|www\.)\S+")


def take_scope(text: str, now: Callable[[], date] = date.today) -> tuple[Scope, str]:
    """The time words of a normalised, casefolded line as a Scope, and the line without them
    (a link in it kept whole). `now` is asked only when a relative time word is there."""
    if "://" not in text and "www." not in text:
        return _take_scope(text, now)
    links = [m.group() for m in _LINK.finditer(text)][:256]
    for n, link in enumerate(links):  # each link stands in as one private-use character, no word of any pattern
        text = text.replace(link, f" {chr(0xE000 + n)} ", 1)
    scope, rest = _take_scope(text, now)
    for n, link in enumerate(links):
        rest = rest.replace(chr(0xE000 + n), link, 1)
    return scope, rest


_JOINER = cued(_AND + r"(?:the\s+)?")  # "the last issue and the previous one" (matched in place: .pattern)


def _counted_back(m: re.Match) -> int | None:
    """How far back from the newest a match of _FROM_NEWEST or of an _NTH pattern counts (1: the newest)."""
    if m.re is _FROM_NEWEST.pattern:
        up, said = m.group("up"), m.group("n") or m.group("en")
        return len(up) if up else _ORDINAL.get(said, 5) if m.group("en") else _number(said)
    return next((n for p, n in _NTH if p.pattern is m.re and n > 0), None)


def _joined_nths(text: str, m: re.Match, found: dict) -> str:
    """The line without the issue counted back that `m` found and, when another is named beside it
    ("上期和上上期", "the last issue and the one before", "上上期、上上上期"), without that one too:
    then `found` holds both as `nths`."""
    patterns = [_FROM_NEWEST.pattern] + [p.pattern for p, n in _NTH if n > 0]
    nths, start, end = [found["nth"]], m.start(), m.end()
    while (j := _JOINER.pattern.match(text, end)) is not None:  # after it
        at = (j.end(), j.start() + len(re.match(_AND, j.group()).group()))  # with "the" or without
        other = next((o for p in patterns for a in at if (o := p.match(text, a)) and o.end() > a), None)
        if other is None or (n := _counted_back(other)) is None:
            break
        nths.append(n)
        end = other.end()
    for p in patterns:  # before it
        before = next((o for o in p.finditer(text, 0, start)
                       if (j := _JOINER.pattern.fullmatch(text, o.end(), start)) is not None), None)
        if before is not None and (n := _counted_back(before)) is not None:
            nths.insert(0, n)
            start = before.start()
            break
    nths = list(dict.fromkeys(nths))
    if len(nths) > 1:
        del found["nth"]
        found["nths"] = tuple(nths)
    return text[:start] + " " + text[end:]


def _take_scope(text: str, now: Callable[[], date]) -> tuple[Scope, str]:
    if not _ANY_CUE.could(text):  # (mostly a Chinese sentence without one)
        return Scope(), text
    found: dict = {}

    def cut(m: re.Match) -> str:
        return text[:m.start()] + " " + text[m.end():]

    if "年" in text:
        text = _ZH_YEAR_WORD.sub(lambda y: f"{now().year - _YEARS_BACK[y.group('rel')]}年" if y.group("rel")
                                 else f"20{y.group('short')}年", text)
    got, m = _range(text, now)
    if got:
        found.update(got)
        text = cut(m)
    m = None if found else _ZH_PART.search(text)
    if m:
        q = "一二三四".find(m.group("q")) + 1 if m.group("q") and not m.group("q").isdigit() else int(m.group("q") or 0)
        first, last = (3 * q - 2, 3 * q) if q else ((1, 6) if m.group("half") == "上" else (7, 12))
        year = int(m.group("year")) if m.group("year") else now().year
        if not m.group("year") and first > now().month:  # "下半年" in March: last year's
            year -= 1
        kind = _kind(m.group("pre") or "", m.group("post") or "")
        start, end = date(year, first, 1), _month_end(year, last, None)
        found.update({"since": start} if kind == "since" else {"until": start - timedelta(days=1)} if kind == "until"
                     else {"since": start, "until": end})
        text = cut(m)
    if not found:
        got, m = _quarter(text, now)
        if got:
            found.update(got)
            text = cut(m)
    m = None if found or text.isascii() else _ZH_DATE.search(text)
    if m:
        got = _dated(_kind(m.group("pre") or "", m.group("post") or ""), int(m.group("year")),
                     _number(m.group("m")), _number(m.group("d")))
        if got:
            found.update(got)
            text = cut(m)
    elif not found:
        m = _EN_DATE.search(text)
        if m and not (m.group("prep") or m.group("zpre") or m.group("post") or m.group("zpost")) and m.group("d") \
                and "." in m.group():
            m = None  # a bare 2014.1.2 is a version (and how the posts write a day): a word to search for
        if m and (m.group("prep") or m.group("zpre") or m.group("mon") or m.group("m")):
            month = _MONTHS.get((m.group("mon") or "")[:3]) or _number(m.group("m"))
            got = _dated(_kind(m.group("prep") or m.group("zpre") or "", m.group("post") or m.group("zpost") or ""),
                         int(m.group("year")), month,
                         _number(m.group("mday") or m.group("d")))
            if got:
                found.update(got)
                text = cut(m)
    if not found:  # a summit first: "since the juno summit" is not since juno's release
        got, m = _summit(text, now)
        if got:
            found.update(got)
            text = cut(m)
    if not found:  # after the dates: "since june 2014" never runs the release pattern
        got, m = _release(text)
        if got:
            found.update(got)
            text = cut(m)
    if not found:
        got, m = _relative(text, now)
        if got:
            found.update(got)
            text = cut(m)
    got, m = ({}, None) if found else _issue_side(text)
    if got:
        found.update(got)
        text = cut(m)
    m = _LAST_N.search(text)
    if m:
        found["last"] = _number(m.group("a") or m.group("b") or m.group("c"))
        text = cut(m)
    m = None if found else _FROM_NEWEST.search(text)
    if m:
        n = _counted_back(m)
        if n:
            found["nth"] = n
            text = _joined_nths(text, m, found)
    m = None if "issue" in found or "nth" in found else _ISSUE.search(text)
    if m and m.group("g") and not m.group("g").endswith(("st", "nd", "rd", "th")):
        m = None  # "two issue…" counts issues; only an ordinal ("the 19th issue") names one
    if m:
        said = next(g for g in m.groups() if g)
        n = _number(said[:-2] if m.group("g") and said[0].isdigit() else said)
        if n is not None and not (m.group("e") and 1900 <= n <= 2100):
            found["issue"] = n
            text = cut(m)
    m = None if found else _AGO.search(text)
    if m:  # "two issues ago": the newest is none ago
        n = _number(m.group("n"))
        if n is not None and n < MAX_AGO:
            found["nth"] = n + 1
            text = cut(m)
    if not found:
        for pattern, nth in _NTH:
            m = pattern.search(text)
            if m:
                found["nth"] = nth
                text = _joined_nths(text, m, found)
                break
    if found.get("last") == 1 and "nths" not in found:  # "最新一期", "the last 1 issue": the newest issue
        found["nth"] = found.pop("last")
    m = _RECENT.search(text)
    if m:
        found["recent"] = True
        text = _RECENT.sub(" ", text)
    return Scope(**found), text
