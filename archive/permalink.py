"""Where Jekyll publishes a post: its permalink pattern filled in, as Jekyll 4 does it."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as Date
from urllib.parse import quote

DEFAULT_PERMALINK = "/:categories/:year/:month/:day/:title.html"

# Jekyll's built-in permalink styles.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

_PLACEHOLDER = re.compile(r":([a-z_]+)")
# Jekyll leaves these alone; everything else in a path segment is percent-encoded (RFC 3986
# pchar: unreserved, sub-delims, ":" and "@", plus "/" between segments).
_SAFE = "/-._~!$&'()*+,;=:@"
_PLAIN = re.compile(r"[a-zA-Z0-9./-]*")


def _escape(value: str) -> str:
    return value if _PLAIN.fullmatch(value) else quote(value, safe=_SAFE)


def permalink(
    pattern: str = DEFAULT_PERMALINK,
    *,
    date: Date,
    slug: str,
    categories: Iterable[str] = (),
    base_url: str = "",
) -> str:
    """The URL of a post: `base_url` + the pattern (or a style name) with placeholders filled.

    Categories are lowercased and de-duplicated like Jekyll's `:categories` (Ruby's downcase is
    Unicode-aware; Chinese has no case so "技术" stays "技术"), each placeholder value is
    percent-encoded, and repeated slashes collapse.
    """
    template = STYLES.get(pattern, pattern) or DEFAULT_PERMALINK
    cats = list(dict.fromkeys(c.lower() for c in categories if c))
    iso = date.isocalendar()
    values = {
        "categories": "/".join(cats),
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "i_month": str(date.month),
        "i_day": str(date.day),
        "short_year": f"{date.year % 100:02d}",
        "y_day": f"{date.timetuple().tm_yday:03d}",
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "week": f"{iso[1]:02d}",
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "title": slug,
        "slug": slug,
        "output_ext": ".html",
    }

    def fill(m: re.Match) -> str:
        name = m.group(1)
        # Jekyll allows "name_" so that ":title_v1"-like patterns can be written.
        for key in (name, name.rstrip("_")):
            if key in values:
                return _escape(values[key]) + name[len(key):]
        return m.group(0)  # unknown placeholder: left as written, never an error here

    path = _PLACEHOLDER.sub(fill, template)
    path = re.sub(r"/+", "/", path)
    path = re.sub(r"/\.{1,2}(?=/|$)", "", path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    return base_url.rstrip("/") + path
