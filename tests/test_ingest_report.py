"""`digest-bot ingest` on a blog full of posts that are not issues: a summary that fits a screen."""
from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture
def blog(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGEST_BOT_CONFIG", raising=False)
    monkeypatch.setenv("DIGEST_BOT_DB", str(tmp_path / "cli.db"))
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    for i in range(179):
        (posts / f"2020-01-{i % 28 + 1:02d}-post-{i}.md").write_text(f"---\ntitle: Thoughts on thing {i}\n---\ntext\n")
    for n, day in ((1, 3), (2, 10), (2, 17)):
        (posts / f"2020-02-{day:02d}-weekly.md").write_text(
            f"---\ntitle: Weekly digest issue {n}\n---\n## News\n- [x](https://x.example/{day})\n")
    (posts / "2020-03-01-broken.md").write_text("---\ntitle: [Weekly digest issue 3\n---\n")
    return tmp_path / "blog"


def test_counts_per_reason_and_names_what_looked_like_an_issue(blog, capsys):
    assert main(["ingest", str(blog), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 12, out
    assert out[0].startswith("2 issues")
    assert "181 files not read as issues:" in out
    assert "  179  not a digest issue" in out
    assert "    1  duplicate of issue N" in out and "    1  broken front matter" in out
    # the duplicate and the broken file are named: the earliest post kept issue 2
    assert "  _posts/2020-02-17-weekly.md: duplicate of issue 2 (_posts/2020-02-10-weekly.md)" in out
    assert any(line.startswith("  _posts/2020-03-01-broken.md: broken front matter") for line in out)
    assert not any("post-17.md" in line for line in out)


def test_verbose_lists_every_file(blog, capsys):
    assert main(["ingest", str(blog), "--quiet", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "_posts/2020-01-18-post-17.md: not a digest issue" in out
    assert out.count("not a digest issue (") == 179
