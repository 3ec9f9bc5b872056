"""Every file the README, docs/*.md or slack-manifest.yml names exists (issue #9, item 13):
relative markdown links (and their #anchors within our own documents), and repository paths
mentioned in text, such as `bot/commands.py` or "follow docs/slack.md"."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "slack-manifest.yml"]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+|<[^>\s]+@[^>\s]+>", re.I)
# a relative path with a folder in it: bot/commands.py, docs/slack.md, examples/archive/_posts/
PATH = re.compile(r"(?<![\w/.~:$@<-])((?:[\w][\w.-]*/)+[\w.-]*)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)  # a link in code is an example, not a link
PLACEHOLDER = re.compile(r"[<>*{}]|YYYY|\.\.\.|…")


def top_level() -> set[str]:
    """What the repository has at its top (tracked files, so a fresh clone's view)."""
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {p.name for p in ROOT.iterdir()}
    return {f.split("/", 1)[0] for f in files.splitlines()} | {p.name for p in ROOT.iterdir()}


def anchors(doc: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"#{1,6}\s+(.*)", line):
            text = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower())
            out.add(text.replace(" ", "-"))
    return out


def named_paths(doc: Path) -> list[tuple[str, Path, str | None]]:
    """(as written, the path it names, anchor) for every link and path mention in `doc`."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for target in LINK.findall(CODE.sub(" ", text)):
        if URL.match(target) or target.startswith("mailto:"):
            continue
        path, _, anchor = target.partition("#")
        found.append((target, (doc.parent / path).resolve() if path else doc, anchor or None))
    roots = top_level()
    for token in PATH.findall(URL.sub(" ", LINK.sub(" ", text))):
        if PLACEHOLDER.search(token) or token.split("/", 1)[0] not in roots:
            continue  # not a path in this repository (`matrix-store/`, `markdown-it-py/linkify`)
        found.append((token, ROOT / token, None))
    return found


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_file_a_document_names_exists(doc):
    assert doc.is_file(), f"{doc.relative_to(ROOT)} is missing"
    missing = []
    for written, path, anchor in named_paths(doc):
        if not path.exists():
            missing.append(written)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            missing.append(f"{written} (no such heading)")
    assert not missing, f"{doc.relative_to(ROOT)} names what does not exist: {missing}"


def test_the_checker_sees_the_paths_it_should():
    readme = {w for w, _, _ in named_paths(ROOT / "README.md")}
    assert {"docs/slack.md", "slack-manifest.yml", "bot/commands.py"} <= readme
    manifest = {w for w, _, _ in named_paths(ROOT / "slack-manifest.yml")}
    assert "docs/slack.md" in manifest
