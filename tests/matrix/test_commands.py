"""Which messages are commands, and the per-room reply budget. No server."""
from __future__ import annotations

from adapters.matrix.commands import Me, command_text, strip_reply_fallback
from adapters.matrix.limits import RoomLimiter

ME = Me("@digestbot:digest.test", "Digest Bot")


def cmd(body: str, *, dm: bool = False, **content) -> str | None:
    return command_text({"body": body, **content}, ME, prefix="!digest", is_dm=dm)


def test_prefix():
    assert cmd("!digest latest heat links") == "latest heat links"
    assert cmd("!DIGEST  issue 19") == "issue 19"
    assert cmd("!digest") == "help"
    assert cmd("!digestive biscuits") is None
    assert cmd("hello !digest latest") is None


def test_plain_room_chatter_is_not_a_command():
    assert cmd("latest heat links") is None
    assert cmd("we should digest this") is None


def test_dm_any_message():
    assert cmd("latest heat links", dm=True) == "latest heat links"
    assert cmd("!digest latest", dm=True) == "latest"
    assert cmd("   ", dm=True) is None


def test_name_or_localpart_at_start():
    assert cmd("Digest Bot: latest") == "latest"
    assert cmd("digestbot, search 热迁移") == "search 热迁移"
    assert cmd("@digestbot:digest.test latest") == "latest"
    assert cmd("digestbot：latest") == "latest"
    assert cmd("digestbot") == "help"
    assert cmd("digestbots are great") is None


def test_pill_and_intentional_mentions():
    pill = '<a href="https://matrix.to/#/@digestbot:digest.test">Digest Bot</a>: latest'
    assert cmd("Digest Bot: latest", formatted_body=pill, format="org.matrix.custom.html") == "latest"
    encoded = '<a href="https://matrix.to/#/%40digestbot%3Adigest.test">x</a> hi'
    assert cmd("hey digestbot issue 19", formatted_body=encoded) == "hey issue 19"
    assert cmd("what does Digest Bot say about nova",
               **{"m.mentions": {"user_ids": ["@digestbot:digest.test"]}}) == "what does say about nova"
    assert cmd("latest", **{"m.mentions": {"user_ids": ["@someone:else"]}}) is None


def test_reply_fallback_is_stripped():
    body = "> <@alice:digest.test> something earlier\n> more\n\n!digest latest"
    relates = {"m.relates_to": {"m.in_reply_to": {"event_id": "$x"}}}
    assert cmd(body, **relates) == "latest"
    assert strip_reply_fallback("no quote") == "no quote"


def test_limiter_allows_a_burst_then_refills():
    now = [0.0]
    lim = RoomLimiter(3, clock=lambda: now[0])
    assert [lim.allow("!a") for _ in range(5)] == [True, True, True, False, False]
    assert lim.allow("!b")  # per room
    now[0] += 20.0  # 3 per minute: one token back every 20 s
    assert lim.allow("!a") and not lim.allow("!a")


def test_handled_events_forget_the_oldest_beyond_their_limit():
    from adapters.matrix.intake import HandledEvents

    handled = HandledEvents(limit=3)
    for ev in ("$1", "$2", "$3", "$2", "$4"):
        handled.add(ev)
    assert "$1" not in handled  # the oldest goes first
    assert all(ev in handled for ev in ("$2", "$3", "$4"))
