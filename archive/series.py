"""Which posts of a blog are the digest, when no post states a number.

A site's blog often holds the digest beside other posts ("This Week in Matrix <date>" among
"<server> 1.3.1 released" and "<project> merch now available"). The digest's titles repeat: the same
words once dates and numbers are taken out. When one such series is a clear part of the posts,
but not nearly all of them, the posts outside it are not issues. A digest whose posts nearly all
share a series (a few odd titles: "Holiday break") keeps every post, and so does one
whose titles share nothing.
"""
from __future__ import annotations

import re
from collections import Counter

from .dates import DATE_IN_TEXT

_NOT_WORDS = re.compile(r"[\W\d_]+")
SERIES_WORDS = 2  # "this week" (in Matrix ...), "week ending" (April 12, 2020)
MIN_POSTS = 10
MIN_SHARE, MAX_SHARE = 0.1, 0.8


def series_key(title: str) -> str:
    """The first words of a title without its dates, numbers and punctuation, case-folded."""
    words = _NOT_WORDS.sub(" ", DATE_IN_TEXT.sub(" ", title.casefold())).split()
    return " ".join(words[:SERIES_WORDS])


def digest_series(titles: list[str]) -> str | None:
    """The series key of the digest among a blog's posts, or None when every post is one."""
    if len(titles) < MIN_POSTS:
        return None
    counts = Counter(series_key(t) for t in titles)
    key, n = counts.most_common(1)[0]
    share = n / len(titles)
    if key and n >= MIN_POSTS and MIN_SHARE <= share < MAX_SHARE:
        return key
    return None
