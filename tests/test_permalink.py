"""Jekyll permalinks."""
from datetime import date

import pytest

from archive.permalink import DEFAULT_PERMALINK, permalink

DAY = date(2014, 9, 6)


def test_default_pattern_with_a_chinese_category():
    url = permalink(date=DAY, slug="openstack-activity-0826-0916", categories=["技术"],
                    base_url="https://blog.example.com")
    assert url == "https://blog.example.com/%E6%8A%80%E6%9C%AF/2014/09/06/openstack-activity-0826-0916.html"
    assert DEFAULT_PERMALINK == "/:categories/:year/:month/:day/:title.html"


@pytest.mark.parametrize("style,expected", [
    ("date", "/tech/2014/09/06/my-post.html"),
    ("pretty", "/tech/2014/09/06/my-post/"),
    ("ordinal", "/tech/2014/249/my-post.html"),
    ("none", "/tech/my-post.html"),
    ("weekdate", "/tech/2014/W36/Sat/my-post.html"),
])
def test_builtin_styles(style, expected):
    assert permalink(style, date=DAY, slug="my-post", categories=["tech"]) == expected


def test_placeholders():
    url = permalink("/:short_year/:i_month/:i_day/:y_day/:short_month/:long_month/:slug:output_ext",
                    date=DAY, slug="s", categories=())
    assert url == "/14/9/6/249/Sep/September/s.html"


def test_no_categories_collapses_slashes():
    assert permalink(date=DAY, slug="x", categories=[]) == "/2014/09/06/x.html"


def test_categories_are_lowercased_deduplicated_and_escaped():
    url = permalink("/:categories/:title/", date=DAY, slug="a b", categories=["OpenStack", "openstack", "社区 动态"])
    assert url == "/openstack/%E7%A4%BE%E5%8C%BA%20%E5%8A%A8%E6%80%81/a%20b/"


def test_base_url_trailing_slash_and_unknown_placeholder():
    url = permalink("/:year/:nope/:title", date=DAY, slug="x", base_url="https://e.org/blog/")
    assert url == "https://e.org/blog/2014/:nope/x"


def test_pattern_without_leading_slash():
    assert permalink(":year/:title.html", date=DAY, slug="x") == "/2014/x.html"
