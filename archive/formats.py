"""A post's header, in whichever form its site generator uses, detected per file.

- YAML between `---` fences (Jekyll, Hugo, Docusaurus, ...), fences with trailing spaces too;
- TOML between `+++` fences (Zola, Hugo), read by python-frontmatter's TOML handler;
- Pelican / MultiMarkdown `Key: value` lines up to the first blank line, keys in any case;
- none: the whole file is the body.
Keys come back lower-cased, so `Number:`, `number:` and `NUMBER =` are one key.
"""
from __future__ import annotations

import re

import frontmatter
import yaml

YAML, TOML, PELICAN, NONE = "yaml", "toml", "pelican", "none"

# A fence line with trailing spaces ("--- "): the handlers want bare fences.
_FENCE_SPACES = re.compile(r"^(---|\+\+\+)[ \t]+$", re.MULTILINE)
# Pelican's reader: "Title: x" lines, a key of letters, digits, "_" and "-" (MultiMarkdown allows spaces)
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_ -]{0,30}):(?:[ \t]+(.*))?$")
# keys Pelican and MultiMarkdown sites use; a first line with one of them starts a header
_HEADER_KEYS = frozenset(
    "title date number modified category categories tags slug author authors summary status lang"
    " template save_as url issue layout".split())
# MDX: ES module lines and JSX component lines are code, not text
_MDX_LINE = re.compile(r"^\s*(?:import\s.+\sfrom\s|import\s+['\"]|export\s|</?[A-Z][\w.]*[\s/>]|</?[A-Z][\w.]*$|\{/\*.*\*/\}\s*$)")


class HeaderError(ValueError):
    """The header is there but cannot be read; the message says why."""


_TOML = frontmatter.TOMLHandler() if frontmatter.TOMLHandler is not None else None
_YAML = frontmatter.YAMLHandler()


def split(text: str) -> tuple[str, dict, str]:
    """(format, header keys lower-cased, body) of a post's text (newlines already `\\n`)."""
    if text.startswith(("---", "+++")):
        text = _FENCE_SPACES.sub(r"\1", text, count=2)
    if text.startswith("---\n"):
        return YAML, _lower(_load(_YAML, text, "---")), _body(_YAML, text)
    if text.startswith("+++\n"):
        if _TOML is None:
            raise HeaderError("TOML front matter, but the toml package is not installed")
        return TOML, _lower(_load(_TOML, text, "+++")), _body(_TOML, text)
    meta = _pelican(text)
    if meta is not None:
        return PELICAN, meta[0], meta[1]
    return NONE, {}, text


def _load(handler, text: str, fence: str) -> dict:
    try:
        fm, _ = handler.split(text)
    except ValueError:
        raise HeaderError(f"front matter not closed (no second '{fence}')") from None
    try:
        meta = handler.load(fm)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""  # fm starts on line 1
        problem = getattr(e, "problem", None) or type(e).__name__
        raise HeaderError(f"broken front matter ({problem}{where})") from None
    except Exception as e:  # noqa: BLE001 - toml's TomlDecodeError and friends
        raise HeaderError(f"broken front matter ({type(e).__name__}: {str(e)[:60]})") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise HeaderError("front matter is not a mapping")
    return meta


def _body(handler, text: str) -> str:
    return handler.split(text)[1]


def _lower(meta: dict) -> dict:
    out: dict = {}
    for k, v in meta.items():
        out.setdefault(str(k).strip().lower(), v)
    return out


def _pelican(text: str) -> tuple[dict, str] | None:
    """`Key: value` lines at the very top, ended by a blank line; None when the file does not
    start that way (a first line "Note: ..." in prose is not a header: its key is unknown)."""
    lines = text.split("\n", 60)
    meta: dict[str, str] = {}
    last = None
    for n, line in enumerate(lines[:60]):
        if not line.strip():
            if meta:
                return meta, "\n".join(lines[n + 1:])
            return None
        m = _HEADER_LINE.match(line)
        if m and (meta or m[1].strip().lower() in _HEADER_KEYS):
            last = m[1].strip().lower()
            meta.setdefault(last, (m[2] or "").strip())
        elif last and line[:1] in " \t":  # a continued value (MultiMarkdown)
            meta[last] = f"{meta[last]} {line.strip()}"
        else:
            return None
    return None


def strip_mdx(body: str) -> str:
    """An MDX body without its import/export lines, JSX component lines and `{/* */}` comments."""
    out = []
    in_code = False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        elif not in_code and _MDX_LINE.match(line):
            continue
        out.append(line)
    return "\n".join(out)
