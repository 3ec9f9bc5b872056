"""Which Slack events were already handled: what is Slack's about it. The ids themselves are
kept by the bot's state (`bot.state.SeenEvents`, built by the composition root), and the
adapter sees them through `bot.ports.SeenEventsPort`.

Slack re-sends an event it believes was not acknowledged in 3 seconds (`X-Slack-Retry-Num`,
or `retry_attempt` in Socket Mode), up to three times within about five minutes; the same
`event_id` also arrives twice when two connections are open. Claiming the id before
answering makes a re-send (even after a restart) produce no second answer.
"""
from __future__ import annotations

PLATFORM = "slack"  # whose event ids they are
KEEP_SECONDS = 3600.0  # Slack's last retry comes ~5 minutes after the first attempt
