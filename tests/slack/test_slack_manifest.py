"""The shipped manifest matches what the adapter uses (command, events, scopes, modes)."""
from __future__ import annotations

from slack_env import HERE

import pytest

from bot.config import SlackConfig

yaml = pytest.importorskip("yaml")
MANIFEST = yaml.safe_load((HERE.parent.parent / "slack-manifest.yml").read_text(encoding="utf-8"))


def test_slash_command_is_the_configured_default():
    [cmd] = MANIFEST["features"]["slash_commands"]
    assert cmd["command"] == SlackConfig().slash_command


def test_events_and_interactivity_match_the_listeners():
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True and SlackConfig().mode == "socket"


def test_scopes_cover_every_web_api_method_used():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {
        "commands",  # /digest
        "chat:write",  # chat.postMessage, chat.update
        "app_mentions:read",  # app_mention
        "im:history",  # message.im, conversations.history in DMs
        "im:write",  # conversations.open
        "channels:history", "groups:history",  # conversations.history in announcement channels
    }
    assert needed <= scopes


def test_people_can_message_the_bot():
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]
