"""How well real digests are read, with nothing configured but `archive.path`.

    .venv/bin/python bench/real_digests.py DIR... [--truth truth.tsv] [--verbose]

Each DIR is one digest in its own repository layout (`content/...`, `_posts/...`,
`website/newsletter/294.mdx`, ...). It is ingested the way the bot does (`bot.ingest.ingest`, into
a fresh store) and the result is compared with what the posts state:

- files found by discovery, issues recognised, files skipped or not taken, with their reasons;
- each issue's number and date (and where the number came from);
- links: the http(s) links of an issue's items against an independent, simple count of the
  markdown links, autolinks, reference definitions and bare URLs in the post's text (outside
  front matter, code and HTML comments; an image's own address is not a link, the target of a
  linked image is), as recall (stated links found) and precision (links found that are stated);
- `latest`, and a search for a word of the latest issue's first item.

With `--truth`, a TSV of hand-read posts (`digest/relative/path<TAB>number<TAB>date<TAB>links`,
`#` comments; an empty field is not checked) is checked too. Nothing of the posts is printed
unless `--verbose` lists the links missed or extra.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import discovery  # noqa: E402
from archive.store import Store  # noqa: E402
from bot.config import ArchiveConfig, Config  # noqa: E402
from bot.ingest import ingest  # noqa: E402

FAR = date(2100, 1, 1)  # nothing is hidden as future-dated

_FRONT = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\+\+\+)[ \t]*\n", re.S)
_PELICAN = re.compile(r"\A(?:[A-Za-z][\w -]{0,30}:[^\n]*\n)+\n")
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?-->|\{/\*.*?\*/\}", re.S)
_SPAN = re.compile(r"`[^`\n]+`")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?[^)\s>]*>?(?:\s+\"[^\"]*\")?\s*\)")  # ![alt](src): the src is no link
_URL = re.compile(r"""(?:\]\(\s*<?|<|(?<![\w/(\[<"'=]))(https?://[^\s<>"')\]]+)""", re.M)
_ANCHOR = re.compile(r"""<a\s[^>]*?href=["'](https?://[^"'<>\s]+)["']""", re.I)  # an HTML link
_DEFINITION = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.M)
_REFERENCE = re.compile(r"\]\[([^\]]*)\]|\[([^\]\[]+)\](?!\()")  # [text][label], [label][], [label] (definitions already out)


def stated_links(text: str) -> set[str]:
    """The http(s) URLs a post's text points to, counted simply (see the module's doc)."""
    text = _FRONT.sub("", text, count=1) if text.startswith(("---", "+++")) else _PELICAN.sub("", text, count=1)
    for pattern in (_COMMENT, _FENCE, _SPAN, _IMAGE):
        text = pattern.sub(" ", text)
    # a reference definition is a link where the post uses its label; the first one of a label counts
    definitions: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        definitions.setdefault(_key(m[1]), m[2])
    text = _DEFINITION.sub(" ", text)
    used = {_key(m[1] or m[2]) for m in _REFERENCE.finditer(text) if (m[1] or m[2])}
    used |= {_key(m[2]) for m in re.finditer(r"\[([^\]]*)\]\[\]", text)}
    links = {_norm(m.group(1)) for m in _URL.finditer(text)}
    links |= {_norm(m.group(1)) for m in _ANCHOR.finditer(text)}
    links |= {_norm(url) for label, url in definitions.items()
              if label in used and url.startswith(("http://", "https://"))}
    return links


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _norm(url: str) -> str:
    url = url.replace("\\_", "_").replace("\\", "")
    # sentence punctuation, and a closing bracket the URL did not open
    while url and (url[-1] in ".,;:!?*'\"" or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    url = re.split("[\u3000-\u303f\uff01-\uff5e]", url)[0]  # Chinese punctuation ends a URL
    return unquote(url)


def read_truth(path: Path | None) -> dict[tuple[str, str], tuple[str, str, str]]:
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    if path is None:
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + ["", "", "", ""])[:4]
        digest, _, rel = cells[0].partition("/")
        rows[(digest, rel)] = (cells[1].strip(), cells[2].strip(), cells[3].strip())
    return rows


def measure(root: Path, truth: dict, verbose: bool) -> dict:
    name = root.name
    found = discovery.find(root)
    with tempfile.TemporaryDirectory(prefix="real-digest-") as tmp:
        store = Store(Path(tmp) / "db.sqlite")
        config = Config(archive=ArchiveConfig(path=root))
        summary = ingest(store, config, when=FAR)
        rows = [r for r in store.conn.execute(
            "SELECT key, number, date, path, visible, is_issue FROM issues ORDER BY date, number")]
        visible = {r[0] for r in rows if r[4]}
        by_path = {}
        for issue in store.issues(100_000)[0]:
            items, _ = store.issue_items(issue)
            by_path[issue.path] = (issue, {_norm(u) for item in items for u, _ in item.links
                                           if u.startswith(("http://", "https://"))})
        latest = store.latest_issue()
        search = None
        if latest is not None:
            items, _ = store.issue_items(latest, limit=1)
            words = [w for w in re.findall(r"\w{5,}", items[0].text)] if items else []
            if words:
                hits, total, _ = store.search([words[0].lower()], limit=5)
                search = (words[0], total, any(h.issue == latest.number for h in hits))
        skipped = store.skipped_files()
        store.close()
    print(f"\n== {name}: {len(found.posts)} posts found ({found.layout}), "
          f"{len(found.not_taken)} not taken, numbering {summary.numbering or '-'}")
    for s in found.not_taken:
        print(f"   not taken: {s[0]}: {s[1]}")
    for s in skipped:
        print(f"   skipped:   {s.path}: {s.reason}")
    hidden = [r for r in rows if r[5] and r[0] not in visible]
    print(f"   issues recognised: {len(visible)} visible + {len(hidden)} hidden (drafts) of {len(found.posts)} posts")
    stated_all = got_all = both_all = 0
    checks = bad = 0
    print(f"   {'path':<58}{'no.':>5} {'date':<11}{'stated':>7}{'found':>6}{'both':>5}  truth")
    hidden_by_path = {r[3]: (str(r[1]), str(r[2])) for r in hidden}
    for rel, path in found.posts:
        entry = by_path.get(rel)
        if entry is None and rel in hidden_by_path:  # a draft: not shown, so its links are not counted
            number, day = hidden_by_path[rel]
            print(f"   {rel[-58:]:<58}{number:>5} {day:<11}{'':>7}{'':>6}{'':>5}  (hidden: a draft)")
            continue
        stated = stated_links(path.read_text(encoding="utf-8", errors="replace"))
        got = entry[1] if entry else set()
        both = stated & got
        stated_all, got_all, both_all = stated_all + len(stated), got_all + len(got), both_all + len(both)
        number, day = (str(entry[0].number), entry[0].date.isoformat()) if entry else ("-", "-")
        note = ""
        if (name, rel) in truth:
            t_number, t_date, t_links = truth[(name, rel)]
            wrong = [f"{what} {want}≠{have}" for what, want, have in (
                ("number", t_number, number), ("date", t_date, day), ("links", t_links, str(len(got))))
                if want and want != have]
            checks += 3
            bad += len(wrong)
            note = "ok" if not wrong else "; ".join(wrong)
        print(f"   {rel[-58:]:<58}{number:>5} {day:<11}{len(stated):>7}{len(got):>6}{len(both):>5}  {note}")
        if verbose:
            for url in sorted(stated - got):
                print(f"        missed: {url}")
            for url in sorted(got - stated):
                print(f"        extra:  {url}")
    recall = both_all / stated_all if stated_all else 1.0
    precision = both_all / got_all if got_all else 1.0
    print(f"   links: recall {recall:.3f} ({both_all}/{stated_all}), precision {precision:.3f} ({both_all}/{got_all})")
    if latest is not None:
        print(f"   latest: #{latest.number} {latest.date}; search {search[0]!r}: {search[1]} hits,"
              f" latest among the first 5: {search[2]}" if search else f"   latest: #{latest.number} {latest.date}")
    if checks:
        print(f"   truth: {checks - bad}/{checks} checks right")
    return {"posts": len(found.posts), "issues": len(visible) + len(hidden), "stated": stated_all,
            "got": got_all, "both": both_all}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--truth", type=Path)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    truth = read_truth(args.truth)
    total = {"posts": 0, "issues": 0, "stated": 0, "got": 0, "both": 0}
    for root in args.dirs:
        if not root.is_dir():
            print(f"\n== {root}: not a folder, left out")
            continue
        for k, v in measure(root.resolve(), truth, args.verbose).items():
            total[k] += v
    recall = total["both"] / total["stated"] if total["stated"] else 1.0
    precision = total["both"] / total["got"] if total["got"] else 1.0
    print(f"\nall: {total['issues']}/{total['posts']} posts recognised as issues; links recall "
          f"{recall:.3f} ({total['both']}/{total['stated']}), precision {precision:.3f} ({total['both']}/{total['got']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
