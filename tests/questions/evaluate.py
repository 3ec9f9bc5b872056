"""success@3 of the question set over a code tree: `python tests/questions/evaluate.py [ROOT]`.

ROOT (default: this checkout) is any checkout of digest-bot, so the same questions measure the
code before and after a change. Prints success@3 overall, per language and cross-lingual, and
the share of Chinese questions answered in Chinese; with -v, each failure.
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARCHIVES = {
    "examples": HERE.parent.parent / "examples" / "archive",
    "fixtures": HERE.parent.parent.parent / "shared" / "fixtures" / "archive",
}
TODAY = date(2026, 11, 1)


def answered(reply, answers) -> bool:
    items = list(reply.items[:3])
    for number, piece in answers:
        if not piece and ((reply.issue and reply.issue.number == number) or any(i.issue == number for i in items)
                          or any(i.number == number for i in reply.issues[:3])):  # the issue itself, listed
            return True
        if piece and any(i.issue == number and piece.casefold() in i.text.casefold() for i in items):
            return True
    return False


def in_chinese(reply) -> bool:
    return getattr(reply, "lang", "en") == "zh"  # code before issue #10 had no `lang`: English only


def run(questions, cores) -> list[tuple[str, str, bool, bool, object]]:
    from bot.reply import Context
    out = []
    for n, (question, archive, tags, answers) in enumerate(questions):
        if archive not in cores:
            continue
        reply = cores[archive].handle(question, Context("cli", f"q{n}", "questions"))
        out.append((question, tags, answered(reply, answers), in_chinese(reply), reply))
    return out


def cores_for(root: Path, work: Path) -> dict:
    sys.path.insert(0, str(root))
    from archive.store import Store
    from bot.config import Config
    from bot.core import Core
    from bot.ingest import ingest
    cores = {}
    for name, path in ARCHIVES.items():
        if path.is_dir():
            store = Store(work / f"{name}.db")
            ingest(store, Config(), path, when=TODAY)
            cores[name] = Core(store, Config())
    return cores


def report(results) -> dict[str, float]:
    def rate(rows):
        return 100.0 * sum(ok for _, _, ok, _, _ in rows) / len(rows) if rows else float("nan")
    zh = [r for r in results if "zh" in r[1].split()]
    figures = {
        "all": rate(results),
        "en": rate([r for r in results if "en" in r[1].split()]),
        "zh": rate(zh),
        "cross": rate([r for r in results if "cross" in r[1].split()]),
        "zh answered in zh": 100.0 * sum(c for *_, c, _ in zh) / len(zh) if zh else float("nan"),
    }
    return figures


def main() -> int:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else HERE.parent.parent
    sys.path.insert(0, str(HERE))
    from question_set import Q
    with tempfile.TemporaryDirectory() as work:
        results = run(Q, cores_for(root, Path(work)))
    print(f"{len(results)} questions; success@3 " + ", ".join(f"{k}: {v:.0f} %" for k, v in report(results).items()))
    if "-v" in sys.argv:
        for question, tags, ok, zh, reply in results:
            if not ok:
                print(f"  FAIL [{tags}] {question!r}: {reply.title} | " + " / ".join(i.text[:40] for i in reply.items[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
