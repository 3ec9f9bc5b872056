"""A synthetic digest archive in the reference shape: N weekly issues, Chinese and English items,
`<url>` autolinks, `[text](url)` links and bare URLs, `##`/`###` headings, a grouping heading.

    python bench/synth.py OUT_DIR [N]
"""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

PROJECTS = ["Common", "Nova", "Neutron", "Cinder", "Swift", "Glance", "Keystone", "Heat",
            "Ceilometer", "Horizon", "Trove", "Ironic", "Tempest", "Sahara"]
PHRASES = ["如何配置热迁移", "live migration 的实现细节", "监控告警方案", "社区讨论了新的 API 设计",
           "性能优化与瓶颈分析", "high availability for the L3 agent", "升级到新版本的注意事项",
           "a deep dive into the scheduler", "存储后端的选择", "debugging tips from the core team",
           "峰会总结", "TripleO 与 Golden Images", "multiple external networks", "安全问题的讨论"]
DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """Chinese numeral for 1..99999 (enough for a synthetic archive)."""
    if n == 0:
        return DIGITS[0]
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out, zero = "", False
    for value, unit in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def issue_text(rng: random.Random, number: int, day: date) -> str:
    start = day - timedelta(days=6)
    fence = "--- " if number % 3 == 0 else "---"
    lines = [fence, "layout: post", f"title: OpenStack社区动态第{chinese(number)}期({start:%m%d}-{day:%m%d})",
             "category: 技术", fence, "", "**写在前面**  ", rng.choice(PHRASES) + "。", "", "---", ""]
    level = "##" if number % 2 else "###"
    if number % 5 == 0:
        lines += ["## 社区跟踪", ""]
        level = "###"
    for project in rng.sample(PROJECTS, rng.randint(3, 8)):
        lines += [f"{level} {project}  ", ""]
        for k in range(rng.randint(1, 6)):
            text = f"{project} {rng.choice(PHRASES)}，第{k + 1}条。"
            url = f"http://blog{rng.randint(1, 500)}.example.org/{number}/{project.lower()}_{k}"
            style = rng.randint(0, 2)
            if style == 0:
                lines += [text + "  ", f"<{url}>", ""]
            elif style == 1:
                lines += [f"{text}详见[这篇文章]({url})。", ""]
            else:
                lines += [f"{text}  ", url.replace("_", "\\_") + "。", ""]
    return "\n".join(lines) + "\n"


def write_archive(root: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    posts = root / "_posts"
    posts.mkdir(parents=True, exist_ok=True)
    first = date(2013, 1, 7)
    for number in range(1, n + 1):
        day = first + timedelta(days=number)  # one a day keeps 10,000 issues within a sane calendar
        (posts / f"{day.isoformat()}-openstack-activity-{number}.md").write_text(
            issue_text(rng, number, day), encoding="utf-8")
    return root


if __name__ == "__main__":
    out = write_archive(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    print(out)
