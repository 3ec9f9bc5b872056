"""Config: parsed once into typed objects; a bad value fails with one message naming the key."""
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load, parse

ROOT = Path(__file__).resolve().parent.parent


def test_example_config_is_valid_and_typed():
    c = load(ROOT / "config.example.toml")
    assert c.archive.path == ROOT / "examples" / "archive"
    assert c.page_size == 10
    assert c.slack.mode == "socket" and c.slack.channels == ("C0123456789",)
    assert c.matrix.device_id == "DIGESTBOT"
    assert c.webhooks[0].url_env == "DIGEST_WEBHOOK_TEAM_URL" and c.webhooks[0].min_interval_seconds == 1.0
    assert dict(c.archive.aliases)["Tempest"] == ("tempst", "qa")


def test_embedded_default_needs_no_file():
    c = load(None)
    assert c == Config() and c.slack is None and c.matrix is None and c.archive.path.name == "archive"


@pytest.mark.parametrize(
    "doc, key",
    [
        ({"page_size": "ten"}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"archive": {"title_pattern": "第(.+)期"}}, "archive.title_pattern"),
        ({"archive": {"title_pattern": "("}}, "archive.title_pattern"),
        ({"archive": {"pathh": "x"}}, "archive.pathh"),
        ({"watch": {"rescan_seconds": -1}}, "watch.rescan_seconds"),
        ({"slack": {"mode": "carrier-pigeon"}}, "slack.mode"),
        ({"slack": {"channels": "C1"}}, "slack.channels"),
        ({"matrix": {"homeserver": "matrix.org", "user_id": "@a:b"}}, "matrix.homeserver"),
        ({"matrix": {"homeserver": "https://m", "user_id": "bob"}}, "matrix.user_id"),
        ({"webhook": [{"name": "a"}]}, "webhook[0].url_env"),
        ({"webhook": [{"name": "a", "url_env": "A"}, {"name": "a", "url_env": "B"}]}, "webhook[1].name"),
        ({"webhook": [{"name": "a", "url_env": "A", "min_interval_seconds": -1}]}, "webhook[0].min_interval_seconds"),
        ({"token": "xoxb-secret"}, "token"),
        ({"slack": {"history_per_minute": 0}}, "slack.history_per_minute"),
        ({"slack": {"dm_concurrency": -2}}, "slack.dm_concurrency"),
        # a secret pasted where the file names its variable: refused, and never repeated
        ({"slack": {"bot_token_env": "xoxb-secret-1234"}}, "slack.bot_token_env"),
        ({"slack": {"app_token_env": "xapp-1-xoxb-secret"}}, "slack.app_token_env"),
        ({"matrix": {"homeserver": "https://m", "user_id": "@a:b", "access_token_env": "syt_xoxb-secret"}},
         "matrix.access_token_env"),
        ({"webhook": [{"name": "a", "url_env": "https://hooks.example.com/xoxb-secret"}]}, "webhook[0].url_env"),
        ({"webhook": [{"name": "a", "url": "https://hooks.example.com/xoxb-secret"}]}, "webhook[0].url"),
        ({"slack": {"channels": ["#general"]}}, "slack.channels"),
        ({"slack": {"channels": ["C0123456789", "general"]}}, "slack.channels"),
    ],
)
def test_bad_values_name_the_key(doc, key, tmp_path):
    with pytest.raises(ConfigError) as e:
        parse(doc, tmp_path)
    assert str(e.value).startswith(key + ":"), str(e.value)
    assert "xoxb-secret" not in str(e.value)


@pytest.mark.parametrize("doc, message", [
    ({"page_size": "ten"}, "page_size: expected an integer, got a string 'ten'"),
    ({"archive": "/srv/site"}, "archive: expected a table, got a string '/srv/site'"),
    ({"watch": {"rescan_seconds": "5m"}}, "watch.rescan_seconds: expected a number, got a string '5m'"),
    ({"http": {"enabled": "yes"}}, "http.enabled: expected true or false, got a string 'yes'"),
    ({"slack": {"channels": "C1"}}, "slack.channels: expected an array [...], got a string 'C1'"),
    ({"archive": {"date_format": "%Q-%d"}}, "archive.date_format: a strptime format like \"%m-%d-%Y\", got '%Q-%d'"),
])
def test_type_errors_say_what_the_file_should_hold_in_toml_words(doc, message, tmp_path):
    with pytest.raises(ConfigError) as e:
        parse(doc, tmp_path)
    assert str(e.value) == message


def test_file_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text('[slack]\nmode = "carrier-pigeon"\n')
    with pytest.raises(ConfigError, match=r"c\.toml: slack\.mode: must be"):
        load(bad)
    bad.write_text("[slack\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(bad)


def test_config_is_frozen(tmp_path):
    c = parse({"archive": {"path": "a"}}, tmp_path)
    assert c.archive.path == tmp_path / "a"
    with pytest.raises(AttributeError):
        c.archive.path = Path("/elsewhere")  # type: ignore[misc]


@pytest.mark.parametrize("archive, key", [
    ({"number_from": "guess"}, "archive.number_from"),
    ({"topic_level": 7}, "archive.topic_level"),
    ({"posts": [1]}, "archive.posts"),
    ({"date_format": "mm-dd-yyyy"}, "archive.date_format"),
])
def test_bad_archive_reading_keys_name_the_key(archive, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse({"archive": archive}, ROOT)


def test_only_a_path_means_no_digest_is_built_in(tmp_path):
    c = parse({"archive": {"path": str(tmp_path), "posts": "news/*.md"}}, ROOT)
    assert c.archive.aliases == () and c.archive.group_headings == () and not c.archive.title_pattern_set
    assert c.archive.posts == ("news/*.md",) and c.archive.number_from == "auto"
    # the example archive keeps its own settings (bot/embedded.toml) when the path is not changed
    assert dict(parse({"archive": {"base_url": "https://x.example"}}, ROOT).archive.aliases)["Heat"] == ("orchestration",)


def test_slack_fan_out_settings(tmp_path):
    cfg = parse({"slack": {"history_per_minute": 1, "dm_concurrency": 4}}, tmp_path)
    assert (cfg.slack.history_per_minute, cfg.slack.dm_concurrency) == (1, 4)
    assert (parse({"slack": {}}, tmp_path).slack.history_per_minute, ) == (50, )


def test_http_is_off_by_default_and_checked(tmp_path):
    from bot.config import HttpConfig

    assert load(ROOT / "config.example.toml").http == HttpConfig(enabled=False, host="127.0.0.1", port=9464)
    assert parse({"http": {"enabled": True, "port": 0}}, tmp_path).http == HttpConfig(True, "127.0.0.1", 0)
    for doc, key in [({"http": {"port": 70000}}, "http.port"), ({"http": {"enabled": "yes"}}, "http.enabled"),
                     ({"http": {"path": "/m"}}, "http.path")]:
        with pytest.raises(ConfigError, match=rf"^{key}:"):
            parse(doc, tmp_path)
