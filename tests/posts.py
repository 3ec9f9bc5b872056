"""Writing small digest posts for tests, in the reference shape."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from archive.numerals import format_number

chinese = format_number


def issue_text(number: int, day: date, sections: dict[str, list[str]], front: str = "", preface: str = "") -> str:
    start = day - timedelta(days=13)
    title = f"OpenStack社区动态第{chinese(number)}期({start:%m%d}-{day:%m%d})"
    body = ["--- ", "layout: post", f"title: {title}", "category: 技术", front.strip(), "---  ", ""]
    if preface:
        body += [preface, ""]
    for heading, items in sections.items():
        body += [f"### {heading}  ", ""]
        for item in items:
            body += [item, ""]
    return "\n".join(line for line in body if line is not None) + "\n"


def write_issue(root: Path, number: int, day: date, sections: dict[str, list[str]], *, front: str = "",
                slug: str | None = None, folder: str = "_posts") -> Path:
    path = root / folder / f"{day.isoformat()}-{slug or f'openstack-activity-{number}'}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(issue_text(number, day, sections, front), encoding="utf-8")
    return path


def site_core(tmp_path: Path, folder: str, posts: dict[str, str], when: date):
    """A Core (and its Store, to close) over a site whose `folder` under site/ holds these posts
    (file name -> text), ingested as of `when`."""
    from archive.store import Store
    from bot.config import ArchiveConfig, Config
    from bot.core import Core
    from bot.ingest import ingest
    content = tmp_path / "site" / folder
    content.mkdir(parents=True)
    for name, text in posts.items():
        (content / name).write_text(text, encoding="utf-8")
    config = Config(archive=ArchiveConfig(path=tmp_path / "site"))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=when)
    return Core(store, config), store
