"""How to read one archive: the settings `archive/` needs, as a frozen type of its own, so that
`archive/` imports nothing from `bot/`. The bot's config file fills it in (`bot/config.py`,
section `[archive]`); the example archive's values are in `bot/embedded.toml`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_ARCHIVE = REPO_ROOT / "examples" / "archive"

# The reference digest's titles: "OpenStack社区动态第十九期(0826-0916)". The number is group `number`.
DEFAULT_TITLE_PATTERN = r"第\s*(?P<number>[0-9零〇一二两三四五六七八九十百千万]+)\s*期"
# What an unconfigured archive's titles are tried with (case-insensitive), in order: 第十九期,
# "#294", "Issue 42" / "No. 7" / "Edition 3", "This Week in Rust 665" / "Last Week in Rust 8" /
# "Haskell Weekly 150" / "Radio Notes 10" / "Community Update 12" (not a year: "Weekly update 2026"), and last "Vol. 3". A number inside a date in the title
# ("Week Ending August 16") never counts.
DEFAULT_TITLE_PATTERNS = (
    DEFAULT_TITLE_PATTERN,
    r"(?:^|[\s(\[])#\s?(?P<number>\d{1,5})\b",
    r"\b(?:issue|number|nr\.?|edition|episode|no\.?(?=\s*\d))\s*#?\s*(?P<number>\d{1,5})\b",
    r"\b(?:week|weekly|month|monthly|digest|newsletter|roundup|bulletin|news|notes|update|updates|report|recap|briefing|dispatch)\b.{0,40}?\s#?"
    r"(?!(?:19|20)\d\d\b)(?P<number>\d{1,5})\s*$",
    r"\b(?:vol\.?|volume)\s*(?P<number>\d{1,5})\b",  # "Vol. 3, No. 12" is 12: a volume only when alone
)
NUMBER_FROM = ("auto", "stated", "order")


@dataclass(frozen=True, slots=True)
class ArchiveConfig:
    path: Path = EXAMPLE_ARCHIVE
    title_pattern: str = DEFAULT_TITLE_PATTERN  # only used when title_pattern_set
    base_url: str = ""
    permalink: str = "/:categories/:year/:month/:day/:title.html"
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    group_headings: tuple[str, ...] = ()
    fuzzy_threshold: int = 85  # rapidfuzz score (0-100) a heading needs to match a known project
    max_file_bytes: int = 2_000_000
    posts: tuple[str, ...] = ()  # globs relative to path; () finds the common layouts
    date_format: str = ""  # strptime format of front matter dates ("%m-%d-%Y"); "" guesses
    topic_level: int = 0  # the heading level of topics; 0 detects it per post
    number_from: str = "auto"  # "stated" (front matter, title, path), "order" (by date), "auto"
    title_pattern_set: bool = False  # title_pattern configured: only titles matching it are issues

    @property
    def title_patterns(self) -> tuple[str, ...]:
        return (self.title_pattern,) if self.title_pattern_set else DEFAULT_TITLE_PATTERNS
