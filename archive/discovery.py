"""Which files of an archive are posts, in the layouts site generators use.

`archive.posts` (globs relative to the archive) says it outright. Without it:
- Jekyll: `_posts/**` (the archive may also be the `_posts` folder itself); `_drafts` is Jekyll's
  and not published;
- Hugo, Zola, Pelican: `content/**`; a page bundle (a folder with an `index.md`) is one post, the
  other markdown in it is its resources;
- anything else (Docusaurus `newsletter/294.mdx` and `294/index.mdx`, a plain folder of `.md`):
  every markdown file under the archive, outside folders that hold no posts (`node_modules`,
  hidden ones, build output); in a Docusaurus site with a `blog/`, its `docs/` and `src/pages/`
  are pages, not posts.
Files that look like content but are not taken (a README, a section's `_index.md`, an MDX
partial `_jobs.mdx` that pages include, a file outside the globs) are counted with the reason,
so the ingest summary can say what was left.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

CONTENT_SUFFIXES = (".md", ".markdown", ".mdx", ".mdown", ".mkd")
# Post formats of the same generators that are not markdown (Pelican's reStructuredText, Hugo's
# AsciiDoc and Org): never read, but counted with the reason, so a site of them is not silent
OTHER_MARKUP = (".rst", ".adoc", ".asciidoc", ".org", ".textile")
# folders that never hold posts: dependencies, build output, site machinery
_NO_POSTS = frozenset("node_modules vendor _site public build dist site static assets themes"
                      " layouts _layouts _includes _data _sass __pycache__"
                      " i18n versioned_docs versioned_sidebars".split())  # Docusaurus: translations, old versions
# pages that are not posts whatever their folder
_NOT_POSTS = frozenset("readme changelog changes license licence contributing code_of_conduct"
                       " security authors maintainers history todo".split())


@dataclass
class Found:
    posts: list[tuple[str, Path]] = field(default_factory=list)  # (path relative to the root, file)
    not_taken: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    layout: str = ""  # "jekyll", "content", "globs", "folder"


def _walk(top: Path, skip_underscore: bool, suffixes: tuple[str, ...] = CONTENT_SUFFIXES) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _NO_POSTS
                             and not (skip_underscore and d.startswith("_")))
        for name in sorted(filenames):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                yield Path(dirpath, name)


def _not_markdown(name: str) -> str:
    return f"a .{name.rsplit('.', 1)[-1].lower()} file, not markdown (posts are .md, .markdown or .mdx)"


def _why_not(rel: str, siblings: set[str]) -> str | None:
    """Why a content file found by walking is not a post, or None when it may be one."""
    name = rel.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0].lower()
    if stem in _NOT_POSTS:
        return f"not a post ({name})"
    if stem == "_index":
        return "section index page (_index)"
    if stem.startswith("_"):
        return f"partial ({name}, included by other pages)"
    if stem == "index" and siblings:  # a folder's landing page, unlike a post's own 294/index.mdx
        return "folder index page (index)"
    return None


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0].lower()


def _bundle_of(folder: str, bundles: dict[str, Path]) -> Path | None:
    """The index file of the page bundle `folder` is in (itself or a folder above), if any."""
    path = Path(folder)
    for candidate in (path, *path.parents):
        index = bundles.get(str(candidate))
        if index is not None:
            return index
    return None


def _is_partial(name: str) -> bool:
    """Docusaurus MDX partials (`_jobs.mdx`) and what Jekyll leaves out of `_posts` (`_x.md`):
    included by other pages, never pages of their own."""
    return name.startswith("_")


def find(root: Path, globs: tuple[str, ...] = ()) -> Found:
    root = Path(root)
    found = Found()
    if globs:
        found.layout = "globs"
        taken: set[Path] = set()
        for pattern in globs:
            for p in sorted(root.glob(pattern)):
                if p.is_file() and p not in taken:
                    taken.add(p)
                    found.posts.append((p.relative_to(root).as_posix(), p))
        for p in _walk(root, skip_underscore=False):
            if p not in taken:
                found.not_taken.append((p.relative_to(root).as_posix(), "outside archive.posts"))
        return found
    folders = [root] if root.name == "_posts" else _posts_folders(root)
    if not folders:
        return _content_posts(root, found)
    found.layout = "jekyll"
    for posts in folders:
        _jekyll_posts(root, posts, found)
    return found


def _posts_folders(root: Path) -> list[Path]:
    """Jekyll's `_posts/`, and its category folders' (`news/_posts/`, `blog/releases/_posts/`, at
    any depth, as Jekyll reads them), outside the folders that never hold posts."""
    out = []
    for dirpath, dirnames, _files in os.walk(root):
        if "_posts" in dirnames:
            out.append(Path(dirpath, "_posts"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")) and d not in _NO_POSTS)
    return out


def _jekyll_posts(root: Path, posts: Path, found: Found) -> None:
    # inside _posts, files or folders starting with "." or "_" are not posts either (Jekyll)
    for dirpath, dirnames, filenames in os.walk(posts):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.lower().endswith(CONTENT_SUFFIXES) and not name.startswith("."):
                p = Path(dirpath, name)
                rel = p.relative_to(root).as_posix()
                if _is_partial(name):
                    found.not_taken.append((rel, f"partial ({name}, included by other pages)"))
                else:
                    found.posts.append((rel, p))
            elif name.lower().endswith(OTHER_MARKUP) and not name.startswith("."):
                found.not_taken.append((Path(dirpath, name).relative_to(root).as_posix(), _not_markdown(name)))


def _pelican_pages(root: Path, top: Path) -> Path | None:
    """Pelican's `content/pages/` (its PAGE_PATHS): About, Contact... pages, never articles. Only
    in a Pelican site (pelicanconf.py beside content/): elsewhere a `pages` folder may hold posts."""
    site = root if (root / "pelicanconf.py").is_file() else root.parent if top == root else None
    if site is None or not (site / "pelicanconf.py").is_file():
        return None
    return top / "pages" if (top / "pages").is_dir() else None


_DOCUSAURUS_CONFIGS = tuple(f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs"))


def _docusaurus_pages(root: Path, folders: Iterable[str]) -> list[Path]:
    """A Docusaurus site's doc pages (`docs/`) and stand-alone pages (`src/pages/`): when the site
    has a `blog/` folder, that is where its posts are, and these are no issues. A site is the
    folder holding a docusaurus.config.* above a folder named blog (`website/blog/`)."""
    sites = set()
    for folder in folders:
        rel = Path(folder).relative_to(root).parts
        sites |= {root.joinpath(*rel[:i]) for i, part in enumerate(rel) if part == "blog"}
    out = []
    for site in sorted(sites):
        if any((site / name).is_file() for name in _DOCUSAURUS_CONFIGS):
            out += [d for d in (site / "docs", site / "src" / "pages") if d.is_dir()]
    return out


def _top_files_are_pages(top: Path, by_dir: dict[str, list[Path]]) -> bool:
    """Hugo and Zola keep posts in sections (content/posts/, content/blog/); a file at the top of
    content/ beside them is a single page (About, Contact). So when one section holds more posts
    than the top does, and at least two, the top's files are pages."""
    per_section: dict[str, int] = {}
    for folder, files in by_dir.items():
        rel = Path(folder).relative_to(top).parts
        if rel:
            per_section[rel[0]] = per_section.get(rel[0], 0) + sum(1 for p in files if not _is_partial(p.name))
    loose = sum(1 for p in by_dir.get(str(top), []) if _why_not(p.name, set()) is None)
    biggest = max(per_section.values(), default=0)
    return biggest >= 2 and loose < biggest


def _content_posts(root: Path, found: Found) -> Found:
    top = root / "content" if (root / "content").is_dir() else root
    found.layout = "content" if top != root else "folder"
    by_dir: dict[str, list[Path]] = {}
    other: list[Path] = []  # posts in other markup: counted, never read (one walk finds both)
    for p in _walk(top, skip_underscore=True, suffixes=CONTENT_SUFFIXES + OTHER_MARKUP):
        if not p.name.lower().endswith(OTHER_MARKUP):
            by_dir.setdefault(str(p.parent), []).append(p)
        elif not p.name.startswith("_"):
            other.append(p)
    # Hugo/Zola page bundles: a folder with an index.md is one page; the other markdown in it
    # (and below it) is the page's resources, not posts
    found.not_taken += [(p.relative_to(root).as_posix(), _not_markdown(p.name)) for p in other]
    pages = _pelican_pages(root, top)
    docusaurus = _docusaurus_pages(root, by_dir) if top == root else []
    loose_pages = top != root and _top_files_are_pages(top, by_dir)
    bundles = {folder: next(p for p in files if _stem(p.name) == "index")  # (content/index.md itself is none)
               for folder, files in by_dir.items()
               if top != root and folder != str(top) and any(_stem(p.name) == "index" for p in files)}
    for folder, files in by_dir.items():
        names = {p.name for p in files if not _is_partial(p.name)}  # 294/index.mdx beside its partials is the post
        bundle = _bundle_of(folder, bundles)
        for p in files:
            rel = p.relative_to(root).as_posix()
            if bundle is not None and p != bundle:
                found.not_taken.append((rel, f"page bundle resource ({bundle.relative_to(root).as_posix()})"))
                continue
            reason = None if p == bundle else _why_not(rel, names - {p.name})
            if pages is not None and pages in p.parents:
                reason = f"Pelican page ({pages.relative_to(root).as_posix()}/: pages are no articles)"
            elif (doc := next((d for d in docusaurus if d in p.parents), None)) is not None:
                reason = f"Docusaurus page ({doc.relative_to(root).as_posix()}/: the site's posts are in its blog/)"
            elif loose_pages and not reason and p.parent == top:
                reason = "a page beside the sections that hold the posts (content/about.md)"
            if reason:
                found.not_taken.append((rel, reason))
            else:
                found.posts.append((rel, p))
    return found


def matches(rel: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch(rel, g) for g in globs)


def git_first_dates(root: Path, wanted: set[str]) -> dict[str, date]:
    """The date each file in `wanted` (paths relative to `root`) was first committed, when
    `root` is inside a git work tree; {} otherwise or when git is not there."""
    if not wanted or not _in_git(root):
        return {}
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "-c", "core.quotePath=false", "log", "--relative", "--diff-filter=A", "--no-renames",
             "--format=%x00%ad", "--date=short", "--name-only", "--reverse", "--", "."],
            capture_output=True, text=True, timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, date] = {}
    when: date | None = None
    for line in out.splitlines():
        if line.startswith("\x00"):
            try:
                when = date.fromisoformat(line[1:].strip())
            except ValueError:
                when = None
        elif line and when is not None and line in wanted and line not in dates:
            dates[line] = when
    return dates


def _in_git(root: Path) -> bool:
    p = Path(root).resolve()
    for folder in (p, *p.parents):
        if (folder / ".git").exists():
            return True
    return False
