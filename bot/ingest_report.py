"""The ingest summary: what was read, and what was not, in a few lines whatever the archive.

A blog with hundreds of posts that are not issues gets one line per reason, with counts; files
that looked like issues but could not be read (broken front matter, a duplicate number) are named,
since someone has to fix them. `--verbose` names every file.
"""
from __future__ import annotations

import re
from collections import Counter

from archive.model import Skipped

_DETAIL = re.compile(r"\s*\(.*\)\s*$")  # "(title 'Hello')", "(content/b.md)": the file's own detail
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+")
NAMED_LIMIT = 10  # files that looked like issues, named without --verbose


def reason_kind(reason: str) -> str:
    """A reason without what is particular to one file: "duplicate of issue N"."""
    kind = _NUMBER.sub("N", _QUOTED.sub("…", _DETAIL.sub("", reason)))
    return kind or reason


def plural(n: int, word: str) -> str:
    """ "1 issue", "2 issues": the summary's counts, said as a person would."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# A folder with no post at all is mostly the wrong folder (its parent, the built site, a .rst
# Pelican site): say what was looked for, so the first run says why nothing is there.
NO_POSTS_WHY = "no .md, .markdown or .mdx file; `archive.posts` says which, if elsewhere"
NO_POSTS = f"no posts found there: {NO_POSTS_WHY}"


def lines(skipped: list[Skipped], not_taken: list[Skipped], verbose: bool = False) -> list[str]:
    files = [*skipped, *not_taken]
    if not files:
        return []
    out = [f"{plural(len(files), 'file')} not read as issues:"]
    counts = Counter(reason_kind(s.reason) for s in files)
    width = len(str(max(counts.values())))
    for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {n:>{width}}  {kind}")
    if verbose:
        out += [f"  {s.path}: {s.reason}" for s in sorted(files, key=lambda s: s.path)]
        return out
    digests = sorted((s for s in skipped if s.is_digest), key=lambda s: s.path)
    if digests:
        out.append("These looked like issues:")
        out += [f"  {s.path}: {s.reason}" for s in digests[:NAMED_LIMIT]]
        if len(digests) > NAMED_LIMIT:
            out.append(f"  … and {len(digests) - NAMED_LIMIT} more")
    out.append("(`digest-bot ingest --verbose` lists every file)")
    return out
