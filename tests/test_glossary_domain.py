"""The shipped glossary is OpenStack's: its English<->English alternatives (`ml` is "mailing list",
`instance` "virtual machine") count only over an archive of that domain (two sections or more named
after its projects, bot/data/glossary.toml's [domain]); its English<->Chinese pairs and a config's
own synonyms count over any archive. Real SQLite stores over samples written here."""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from archive.store import Store
from bot.config import DEFAULT_SYNONYMS, DOMAIN_PROJECTS, ArchiveConfig, Config, parse
from bot.core import Core
from bot.ingest import ingest
from bot.reply import Context
from tests.posts import write_issue

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = ROOT.parent / "shared" / "fixtures" / "digests"
TODAY = date(2027, 1, 1)
ASKER = Context(platform="console", user="tester", where="terminal", is_dm=True)

# the same four items under the sections of a functional-programming weekly, or of OpenStack's
LIST = "The parser library now has a mailing list for its users."
ML = "An ML toolkit written with pure functions only."
SHOW = "Deriving a Show instance for records, step by step."
VM = "Writing a virtual machine for a tiny bytecode."
SECTIONS = {"fp": ("Featured", "Libraries"), "openstack": ("Nova", "Neutron")}


def _archive(root: Path, kind: str) -> Path:
    first, second = SECTIONS[kind]
    write_issue(root, 1, date(2026, 3, 2), {first: [LIST, ML], second: [SHOW, VM]})
    return root


def _core(tmp_path: Path, kind: str, config: dict | None = None) -> Core:
    root = _archive(tmp_path / kind, kind)
    cfg = parse({"archive": {"path": str(root)}, **(config or {})}, tmp_path)
    store = Store(tmp_path / f"{kind}.sqlite")
    ingest(store, cfg, when=TODAY)
    return Core(store, cfg)


def _found(core: Core, question: str) -> set[str]:
    return {i.text for i in core.handle(question, ASKER).items}


@pytest.fixture
def fp(tmp_path):
    core = _core(tmp_path, "fp")
    yield core
    core.store.close()


@pytest.fixture
def openstack(tmp_path):
    core = _core(tmp_path, "openstack")
    yield core
    core.store.close()


@pytest.mark.parametrize("question, own, domain", [
    ("ml", {ML}, {ML, LIST}),  # ml: "mailing list" in OpenStack's words
    ("instance", {SHOW}, {SHOW, VM}),  # instance: a virtual machine
    ("vm", set(), {VM, SHOW}),  # the archive writes "virtual machine", never "vm"
])
def test_english_alternatives_only_over_an_archive_of_the_glossarys_domain(fp, openstack, question, own, domain):
    assert _found(fp, question) == own
    assert _found(openstack, question) == domain


def test_english_to_chinese_pairs_count_over_any_archive(fp, openstack):
    for core in (fp, openstack):
        assert VM in _found(core, "虚拟机")  # virtual machine
        assert LIST in _found(core, "邮件列表")  # mailing list


def test_the_domain_is_decided_from_the_archive(fp, openstack):
    assert not fp.glossary.of_domain(fp.store.projects())
    assert openstack.glossary.of_domain(openstack.store.projects())
    # one project's name among other sections is no OpenStack archive (Swift is also a language)
    assert not fp.glossary.of_domain([("Swift", 3), ("Featured", 5), ("Jobs", 2)])
    assert fp.glossary.of_domain([("Swift", 3), ("OpenStack-Ansible", 1), ("Jobs", 2)])


def test_the_domain_changes_with_an_ingest(tmp_path):
    """An archive that grows OpenStack sections is of the domain from that ingest on."""
    core = _core(tmp_path, "fp")
    assert _found(core, "ml") == {ML}
    write_issue(core.store.path.parent / "fp", 2, date(2026, 3, 9),
                {"Nova": ["Nova 的调度器重构。"], "Cinder": ["Cinder 的新后端。"]})
    ingest(core.store, core.config, when=TODAY)
    assert _found(core, "ml") == {ML, LIST}
    core.store.close()


def test_a_configs_own_synonyms_count_over_any_archive(tmp_path):
    own = {"search": {"synonyms": {"mailing list": ["ml"], "bytecode vm": ["virtual machine"]}}}
    core = _core(tmp_path, "fp", own)
    assert _found(core, "ml") == {ML, LIST}  # a key of the glossary, replaced by the config's own
    assert _found(core, "bytecode vm") == {VM}  # a key of the config's own
    assert _found(core, "instance") == {SHOW}  # the rest of the glossary still only cross-lingual
    core.store.close()


def test_config_example_s_copy_of_the_glossary_is_the_glossary():
    example = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    search = parse({"search": {"synonyms": example["search"]["synonyms"]}}, ROOT).search
    assert search.synonyms == () and search.glossary == DEFAULT_SYNONYMS
    search = parse({"search": {"synonyms": {"ml": ["machine learning"]}}}, ROOT).search
    assert search.synonyms == (("ml", ("machine learning",)),) and "ml" not in dict(search.glossary)


def test_the_domain_lists_openstack_s_projects():
    projects = set(DOMAIN_PROJECTS)
    assert {"nova", "neutron", "cinder", "swift", "glance", "keystone", "heat", "horizon"} <= projects
    assert len(projects) == len(DOMAIN_PROJECTS)  # none twice


@pytest.mark.skipif(not DIGESTS.is_dir(), reason="../shared/fixtures/digests is not here")
@pytest.mark.parametrize("digest, posts", [("this-week-in-rust", "content"), ("haskell-weekly", "data")])
def test_the_real_digests_of_other_communities_are_not_of_the_domain(tmp_path, digest, posts):
    config = Config(archive=ArchiveConfig(path=DIGESTS / digest))
    store = Store(tmp_path / "db.sqlite")
    ingest(store, config, when=TODAY)
    core = Core(store, config)
    assert store.projects() and not core.glossary.of_domain(store.projects())
    for word in ("instance", "ml", "ci", "review"):  # OpenStack's English words for them are not searched
        alternatives = core._alternatives(word)
        assert alternatives[0] == word and len(alternatives) > 1 and all(not a.isascii() for a in alternatives[1:])
    store.close()
