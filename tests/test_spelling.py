"""A word of the archive misspelt or run together, when a search found nothing (probe-ref
session, a newcomer over the real archive): any word an item writes, not only the glossary's
(`gnochi`, `heat-transltor`), two words typed as one (`l3ha`), a Chinese glossary term typed
with a homophone (热迁一 for 热迁移); and what is never corrected."""
from __future__ import annotations

from datetime import date

import pytest

from archive.store import Store
from bot.config import Config
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.conftest import TODAY
from tests.posts import write_issue

ME = Context(platform="console", user="kim", where="terminal", is_dm=True)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    write_issue(root, 40, date(2015, 5, 4), {
        "Ceilometer": ["Ceilometer 的新存储后端 Gnocchi 的设计。  \n<http://example.org/ceilometer/tsdb>"],
        "Heat": ["用 Heat-Translator 部署 TOSCA 模板。  \n<http://example.org/heat/tosca>"],
        "Neutron": ["Layer 3 High Availability 的实现。  \n<http://example.org/neutron/vrrp>",
                    "Blue Sky 项目的负载均衡方案。  \n<http://example.org/neutron/lb>"],
        "Nova": ["配置热迁移的步骤。  \n<http://example.org/nova/lm>"],
    })
    return root


@pytest.fixture
def bot(store, site) -> Core:
    config = Config()
    ingest(store, config, site, when=TODAY)
    return Core(store, config)


def ask(core: Core, text: str):
    return core.handle(text, ME)


@pytest.mark.parametrize("typed, meant, piece", [
    ("gnochi", "gnocchi", "Gnocchi"),  # a double letter typed once, in a word of no glossary
    ("heat-transltor", "heat translator", "Heat-Translator"),  # a letter left out of a long word, in a phrase
    ("gnochi design", "gnocchi", "Gnocchi"),  # beside a word the archive has
    ("gnocci", "gnocchi", "Gnocchi"),  # from six letters on, one left out
    ("heat-tranlator", "heat translator", "Heat-Translator"),
])
def test_a_misspelt_word_of_the_items_is_searched_as_the_items_write_it(bot, typed, meant, piece):
    reply = ask(bot, typed)
    assert reply.items and piece in reply.items[0].text
    assert f"“{meant}”" in (reply.notice or "")


def test_two_words_typed_as_one_are_searched_as_the_phrase(bot):
    reply = ask(bot, "bluesky")
    assert reply.items and "Blue Sky" in reply.items[0].text
    reply = ask(bot, "l3ha")  # the glossary's phrase: what the items write for it
    assert reply.items and "Layer 3 High Availability" in reply.items[0].text


@pytest.mark.parametrize("typed, piece", [("热迁一", "热迁移"), ("负载均恒", "负载均衡")])
def test_a_chinese_glossary_term_typed_with_a_homophone_is_that_term(bot, typed, piece):
    reply = ask(bot, typed)
    assert reply.items and piece in reply.items[0].text
    assert reply.lang == "zh" and typed in (reply.notice or "")


@pytest.mark.parametrize("typed", ["gnocchiology", "zzyzx", "heat-trans", "blueskies", "gnoci", "tosc"])
def test_what_is_no_clear_misspelling_stays_unanswered(bot, typed):  # (gnoci: two edits; tosc: under six letters)
    assert not ask(bot, typed).items


def test_a_word_of_the_archive_is_not_corrected(bot):
    spelling = bot.spelling
    assert spelling.word("gnocchi") is None and spelling.unglued("gnocchi") is None
    assert spelling.word("gnochi") == "gnocchi"
    assert spelling.unglued("bluesky") == "blue sky"


def test_a_read_only_database_is_spelt_too(store, site, tmp_path):
    ingest(store, Config(), site, when=TODAY)
    store.close()
    ro = Store(tmp_path / "digest.db", readonly=True)
    try:
        reply = Core(ro, Config()).handle("gnochi", ME)
        assert reply.items and "Gnocchi" in reply.items[0].text
    finally:
        ro.close()
