"""Headings and user words mapped to canonical project names."""
import pytest

from archive.projects import ProjectNames, clean_heading
import dataclasses

from bot.config import EMBEDDED_ARCHIVE

NAMES = ProjectNames.from_config(EMBEDDED_ARCHIVE)


@pytest.mark.parametrize("heading,name", [
    ("Nova", "Nova"), ("nova", "Nova"), ("NEUTRON", "Neutron"), ("Tempst", "Tempest"),
    ("业界动态", "Industry news"), ("行业动态", "Industry news"), ("Compute", "Nova"),
    ("quantum", "Neutron"), ("Ceilomter", "Ceilometer"), ("Neutorn", "Neutron"),
    ("Keystnoe", "Keystone"), ("**Heat**", "Heat"), ("Heat:", "Heat"), ("Heat：", "Heat"),
    ("  Horizon   ", "Horizon"), ("Nova (compute)", "Nova"), ("Heat（编排）", "Heat"),
    ("block storage", "Cinder"), ("文档", "Docs"),
])
def test_canonical(heading, name):
    assert NAMES.canonical(heading) == name


@pytest.mark.parametrize("heading,kept", [
    ("Docker", "Docker"), ("Kubernetes:", "Kubernetes"), ("**写在后面**  ", "写在后面"),
    ("Heap", "Heap"), ("Novell", "Novell"), ("Setext heading", "Setext heading"),
])
def test_unknown_heading_keeps_its_clean_text(heading, kept):
    assert NAMES.canonical(heading) == kept


def test_group_headings():
    assert NAMES.is_group("社区跟踪")
    assert NAMES.is_group("## 社区跟踪  ")
    assert NAMES.is_group("Community Tracking:")
    assert not NAMES.is_group("Nova")


def test_threshold_comes_from_config():
    strict = ProjectNames.from_config(dataclasses.replace(EMBEDDED_ARCHIVE, fuzzy_threshold=100))
    assert strict.canonical("Ceilomter") == "Ceilomter"
    assert strict.canonical("tempst") == "Tempest"  # an alias, not a fuzzy match


def test_canonical_names_win_over_aliases_of_other_projects():
    names = ProjectNames([("Nova", ("heat",)), ("Heat", ())])
    assert names.canonical("heat") == "Heat"


def test_resolve_is_exact_and_never_fuzzy():
    assert NAMES.resolve("heat") == "Heat"
    assert NAMES.resolve("HEAT") == "Heat"
    assert NAMES.resolve(" quantum ") == "Neutron"
    assert NAMES.resolve("业界动态") == "Industry news"
    assert NAMES.resolve("neutorn") is None
    assert NAMES.resolve("") is None


def test_suggest():
    known = ["Nova", "Neutron", "Heat", "Common", "Ceilometer"]
    assert NAMES.suggest("neutorn", known)[0] == "Neutron"
    assert NAMES.suggest("ceilomter", known)[0] == "Ceilometer"
    assert NAMES.suggest("quantm", known)[0] == "Neutron"  # through its alias "quantum"
    assert NAMES.suggest("zzzzqqq", known) == []
    assert NAMES.suggest("", known) == []
    assert len(NAMES.suggest("n", known, limit=2)) <= 2
    assert NAMES.suggest("nova", []) == []


def test_clean_heading():
    assert clean_heading("## **Nova**:  ") == "Nova"
    assert clean_heading("Heat  and   Ceilometer") == "Heat and Ceilometer"
