"""An item that is only a link (`- https://…` in a list, as plain folders of links are written)
is shown as that link: no empty bullet in the terminal, no dangling dash in Matrix."""
from __future__ import annotations

from datetime import date

from adapters.matrix_render import render
from adapters.text import render_text
from bot.reply import IssueRef, Item, Reply

BARE = Item(3, "Links", "", (("https://a.example.org/four", ""), ("https://a.example.org/five", "")), date(2026, 8, 15))
WORDED = Item(3, "Links", "Rook endings", (("https://a.example.org/rook", ""),), date(2026, 8, 15))


def test_the_terminal_shows_a_bare_link_on_its_bullet():
    lines = render_text(Reply(title="Links", items=(BARE, WORDED))).splitlines()
    assert lines[1:] == ["• [#3 Links] https://a.example.org/four", "    https://a.example.org/five",
                         "• [#3 Links] Rook endings", "    https://a.example.org/rook"], lines
    one_issue = render_text(Reply(title="Issue 3", kind="issue", items=(BARE,),
                                  issue=IssueRef(3, "Issue 3", date(2026, 8, 15)))).splitlines()
    assert "• https://a.example.org/four" in one_issue and "•" not in one_issue, one_issue


def test_matrix_shows_a_bare_link_without_a_dash():
    plain = render(Reply(title="Links", items=(BARE, WORDED))).body.splitlines()
    assert plain[2:] == ["• https://a.example.org/four, https://a.example.org/five",
                         "• Rook endings — https://a.example.org/rook"], plain
