"""What site generators add to markdown and render themselves, taken out of a post's body before it
is read as markdown, so that none of it ends up in an item's text:

- Hugo shortcodes `{{< name args >}}`, `{{% name %}}` (and their closing `{{< /name >}}`);
- Zola shortcodes `{{ name(args) }}`, `{% name(args) %}` ... `{% end %}`;
- Jekyll Liquid tags `{% tag %}`, `{{ variable }}`; `{% comment %}` and `{% highlight %}` blocks
  go whole (a comment, code), `{% raw %}` keeps its inside as written;
- Docusaurus admonition fences `:::note`, `:::tip Title`, `:::` (the lines inside stay);
- kramdown's attribute lists and extensions (`{: .note}`, `{:toc}` with its `* TOC` line,
  `{::comment}`...`{:/comment}`, whose inside goes).

The markdown between a pair of tags stays. Code (fenced blocks, `code spans`) is left as written:
`{{ }}` in a code span is text the post shows.
"""
from __future__ import annotations

import re

# a fenced code block, a code span, or a Liquid raw block: left as they are
_CODE = re.compile(r"(?ms)^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)"
                   r"|(`+)(?!`)[^\n]+?(?<!`)\2(?!`)"
                   r"|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}")
# blocks whose inside is not text: Liquid comments, highlighted code (Liquid's and Hugo's)
_DROPPED_BLOCK = re.compile(r"(?s)\{%-?\s*(comment|highlight)\b[^%]*%\}.*?\{%-?\s*end\1\s*-?%\}"
                            r"|\{\{([<%])\s*highlight\b.*?\{\{[<%]\s*/highlight\s*[>%]\}\}")
# one tag: {{< >}}, {{% %}}, {{ }}, {% %}; at most a few lines long
_TAG = re.compile(r"\{\{<.{0,400}?>\}\}|\{\{%.{0,400}?%\}\}|\{\{.{0,400}?\}\}|\{%.{0,400}?%\}", re.S)
_RAW_TAGS = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
# Docusaurus admonitions: ":::note", ":::tip Title", ":::info[Title]", ":::"
# kramdown (Jekyll): "* TOC\n{:toc}" is a generated table of contents, "{::comment}" a comment
_KRAMDOWN_TOC = re.compile(r"(?mi)^[ \t]*(?:[*+-]|\d+\.)[ \t]+[^\n]*\n[ \t]*\{:\s*toc\s*\}[ \t]*$")
_KRAMDOWN_COMMENT = re.compile(r"(?s)\{::comment\}.*?\{:/comment\}")
_KRAMDOWN = re.compile(r"\{::?[^}\n]*\}|\{:/[a-z]*\}")
_ADMONITION = re.compile(r"(?m)^[ \t]*:::+[ \t]*(?:[A-Za-z][\w-]*)?(?:[ \t\[{].*)?$")


def strip(body: str) -> str:
    """`body` without template tags and admonition fences (see the module's doc); quick when
    it has none."""
    tags = "{{" in body or "{%" in body
    fences = ":::" in body
    if "{:" in body:  # kramdown: code has none of these in practice, and a code span's "{:" stays
        body = _KRAMDOWN_TOC.sub("", body)
        body = _KRAMDOWN_COMMENT.sub("", body)
        kramdown = True
    else:
        kramdown = False
    if not tags and not fences and not kramdown:
        return body
    out: list[str] = []
    last = 0
    for m in _CODE.finditer(body):
        out.append(_strip_text(body[last:m.start()], tags, fences, kramdown))
        code = m.group()
        out.append(_RAW_TAGS.sub("", code) if code.startswith("{%") else code)
        last = m.end()
    out.append(_strip_text(body[last:], tags, fences, kramdown))
    return "".join(out)


def _strip_text(text: str, tags: bool, fences: bool, kramdown: bool) -> str:
    if kramdown and "{:" in text:
        text = _KRAMDOWN.sub("", text)
    if tags and ("{{" in text or "{%" in text):
        text = _DROPPED_BLOCK.sub("", text)
        text = _TAG.sub("", text)
    if fences and ":::" in text:
        text = _ADMONITION.sub("", text)
    return text
