"""digest-bot as a Slack app (slack-bolt AsyncApp): commands, mentions, DMs, announcements.

    app, answers = make_app(cfg, core, SeenEvents(store.db.conn))  # tokens from cfg's env vars
    slack = SlackAdapter(app, answers, cfg)
    await slack.start()                            # http server or Socket Mode, per cfg.mode
    outbox destinations += slack.destinations()    # "slack:<channel>" ..., "slack-dm"
    await slack.stop()
"""
from adapters.slack.listeners import make_app, make_client
from adapters.slack.seen import SeenEvents
from adapters.slack.server import EVENTS_PATH, SlackAdapter
from adapters.slack.destinations import DM_DESTINATION, SlackChannelDestination, SlackDMDestination

__all__ = [
    "DM_DESTINATION",
    "EVENTS_PATH",
    "SeenEvents",
    "SlackAdapter",
    "SlackChannelDestination",
    "SlackDMDestination",
    "make_app",
    "make_client",
]
