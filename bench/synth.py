"""Synthetic digest archives. The reference shape (`write_archive`): N issues (one a day),
Chinese and English items, `<url>` autolinks, `[text](url)` links and bare URLs, `##`/`###`
headings, a grouping heading. The other layouts (`write_layout`), each about 20 KB an issue like
a big English weekly: Pelican header lines (`pelican`), Zola/Hugo `+++` TOML (`zola`), Docusaurus
MDX with folder-per-post (`docusaurus`), no front matter with the number in the file name
(`plain`), and Jekyll posts whose titles carry no number (`weekly`); all with nested headings,
linked headings, nested lists, reference links and text before the first heading.

    python bench/synth.py OUT_DIR [N] [LAYOUT]
"""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from archive.numerals import format_number  # noqa: E402

PROJECTS = ["Common", "Nova", "Neutron", "Cinder", "Swift", "Glance", "Keystone", "Heat",
            "Ceilometer", "Horizon", "Trove", "Ironic", "Tempest", "Sahara"]
# Topics recur, but no sentence repeats in every tenth item: items are drawn from a large
# vocabulary, and the benchmark's search terms are as rare as a real digest's (~0.5% of items).
RARE = ["如何配置热迁移", "live migration 的实现细节", "监控告警方案"]
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
ENGLISH = ("api scheduler cells quota agent router driver backend volume image token policy federation "
           "upgrade release summit blueprint spec review gate plugin tenant network subnet port flavor "
           "snapshot metering alarm stack template autoscaling dashboard database cluster replication "
           "storage object container orchestration telemetry identity baremetal messaging").split()


def phrase(rng: random.Random) -> str:
    if rng.random() < 0.005:
        return rng.choice(RARE)
    han = "".join(rng.choice(HAN) for _ in range(rng.randint(6, 14)))
    words = " ".join(rng.sample(ENGLISH, rng.randint(1, 3)))
    return f"{han} {words} {''.join(rng.choice(HAN) for _ in range(rng.randint(4, 10)))}"


chinese = format_number


def issue_text(rng: random.Random, number: int, day: date) -> str:
    start = day - timedelta(days=6)
    fence = "--- " if number % 3 == 0 else "---"
    lines = [fence, "layout: post", f"title: OpenStack社区动态第{chinese(number)}期({start:%m%d}-{day:%m%d})",
             "category: 技术", fence, "", "**写在前面**  ", phrase(rng) + "。", "", "---", ""]
    level = "##" if number % 2 else "###"
    if number % 5 == 0:
        lines += ["## 社区跟踪", ""]
        level = "###"
    for project in rng.sample(PROJECTS, rng.randint(3, 8)):
        lines += [f"{level} {project}  ", ""]
        for k in range(rng.randint(1, 6)):
            text = f"{project} {phrase(rng)}，第{k + 1}条。"
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


LAYOUTS = ("pelican", "zola", "docusaurus", "plain", "weekly")
TOPICS = ["Official", "Newsletters", "Project Updates", "Observations", "Walkthroughs", "Research",
          "Miscellaneous"]
PLACES = ["Virtual", "Africa", "Asia", "Europe", "North America", "Oceania"]
WORDS = ("async trait borrow compiler cargo crate macro release lifetime generic parser runtime embedded "
         "wasm async-std tokio serde allocator linker debugger profiler benchmark allocation iterator "
         "closure pattern const unsafe ffi bindings gui game audio network database cli tooling").split()


def _title(rng: random.Random, k: int = 5) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize()


def _url(rng: random.Random, number: int, i: int) -> str:
    return f"https://site{rng.randint(1, 900)}.example.org/{number}/{rng.choice(WORDS)}_{i}"


def _body(rng: random.Random, number: int) -> list[str]:
    """About 20 KB of an English weekly's body."""
    out = [f"Hello and welcome to another issue! Want something mentioned? Tell us on the "
           f"[forum](https://forum.example.org/{number}) or [send a pull request](https://git.example.org/pulls).",
           "", "<!-- contributors: one link per line, please -->", "", "## Updates from the Community", ""]
    i = 0
    for topic in TOPICS:
        out += [f"### {topic}", ""]
        for _ in range(rng.randint(4, 9)):
            i += 1
            out.append(f"* [{_title(rng)}]({_url(rng, number, i)}) by {rng.choice(WORDS)}")
        out.append("")
    out += ["## Crate of the Week", "", f"This week's crate is [{rng.choice(WORDS)}][cotw], a {_title(rng, 8).lower()}.",
            "", f"[cotw]: https://crates.example.org/{number}", ""]
    out += ["## Updates from the Project", "", f"{rng.randint(300, 700)} pull requests were "
            f"[merged in the last week](https://git.example.org/merged/{number})", ""]
    for team in ("Compiler", "Library", "Cargo"):
        out += [f"#### {team}", ""]
        for _ in range(rng.randint(5, 12)):
            i += 1
            out.append(f"* [{_title(rng, 4).lower()}]({_url(rng, number, i)})")
        out.append("")
    out += [f"### [Approved RFCs](https://rfcs.example.org/approved/{number})", "",
            "Changes to the process approved this week:", ""]
    for _ in range(3):
        i += 1
        out += [f"* [{_title(rng)}]({_url(rng, number, i)})", f"    * [Tracking issue]({_url(rng, number, i + 1000)})"]
    out += ["", "## Upcoming Events", "", "Events between now and next month:", ""]
    for place in PLACES:
        out += [f"### {place}", ""]
        for _ in range(rng.randint(5, 12)):
            i += 1
            out += [f"* 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} | {rng.choice(WORDS).title()} | "
                    f"[{rng.choice(WORDS).title()} Meetup]({_url(rng, number, i)})",
                    f"    * [**{_title(rng, 3)}**]({_url(rng, number, i + 2000)})"]
        out.append("")
    out += ["## Quote of the Week", "", f"> {_title(rng, 12)}.", "",
            f"– someone [on the forum](https://forum.example.org/t/{number})", ""]
    return out


def layout_post(layout: str, rng: random.Random, number: int, day: date) -> tuple[str, str]:
    """(path relative to the archive, text) of one issue in `layout`."""
    body = "\n".join(_body(rng, number)) + "\n"
    if layout == "pelican":
        return (f"content/{day.isoformat()}-this-week.md",
                f"Title: This Week in Things {number}\nNumber: {number}\nDate: {day.isoformat()}\n"
                f"Category: This Week\n\n{body}")
    if layout == "zola":
        return (f"content/newsletter/{day.isoformat()}-issue-{number}.md",
                f'+++\ntitle = "Things Newsletter #{number}"\ndate = {day.isoformat()}\n+++\n\n{body}')
    if layout == "docusaurus":
        path = f"website/newsletter/{number}/index.mdx" if number % 2 else f"website/newsletter/{number}.mdx"
        return (path, f'---\ntitle: "Things Weekly #{number}"\ndate: {day:%m-%d-%Y}\n---\n\n'
                      f"import Tweet from '@site/src/Tweet';\n\n<Tweet id=\"{number}\" />\n\n"
                      + body.replace("## Crate of the Week", "## 📦 Crate of the Week {#crate}"))
    if layout == "plain":
        return f"data/newsletter/{day.year}/issue-{number}.markdown", body
    if layout == "weekly":
        return (f"_posts/{day.isoformat()}-week-ending.md",
                f'---\nlayout: post\ntitle: "Week Ending {day:%B} {day.day}, {day.year}"\n'
                f"date: {day.isoformat()} 22:00:00 -0000\n---\n\n{body}")
    raise ValueError(layout)


def write_layout(root: Path, layout: str, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    first = date(2013, 1, 7)
    for number in range(1, n + 1):
        rel, text = layout_post(layout, rng, number, first + timedelta(days=7 * number))
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    if len(sys.argv) > 3:
        out = write_layout(Path(sys.argv[1]), sys.argv[3], count)
    else:
        out = write_archive(Path(sys.argv[1]), count)
    print(out)
