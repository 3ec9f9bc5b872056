"""Issue numbers as the digest writes them."""
import pytest

from archive.numerals import format_number, parse_english_number, parse_number


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十一", 21),
    ("九十九", 99), ("一百", 100), ("一百零八", 108), ("一百一十", 110), ("一百一十九", 119),
    ("两百", 200), ("二百五十", 250), ("〇", 0), ("零", 0), ("一千零一", 1001),
    ("一千零一十", 1010), ("三千二百零五", 3205), ("一万", 10_000), ("一万零五", 10_005),
    ("十万", 100_000), ("百", 100), ("二〇一四", 2014), ("一九", 19),
    ("19", 19), ("0", 0), ("007", 7), ("１９", 19), (" 十九 ", 19), ("拾玖", 19),
])
def test_values(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", " ", "十十", "百十百", "二三十", "十二三", "零十", "万", "一万万", "abc", "十a", "1十",
    "第十九期", "-3", "1.5", "²", None, 19,
])
def test_not_numbers(text):
    assert parse_number(text) is None


def test_format_number_round_trips():
    for n in list(range(0, 20_000)) + list(range(99_000, 101_000)) + [1_000_001, 20_019, 99_999_999]:
        assert parse_number(format_number(n)) == n, format_number(n)
    assert [format_number(n) for n in (19, 20, 108, 10_000)] == ["十九", "二十", "一百零八", "一万"]


@pytest.mark.parametrize("text,value", [
    ("nineteen", 19), ("twenty-four", 24), ("twenty four", 24), ("nineteenth", 19), ("twenty-first", 21),
    ("one hundred and eight", 108), ("a hundred", 100), ("two hundred twelve", 212), ("Forty", 40),
])
def test_english_words(text, value):
    assert parse_english_number(text) == value


@pytest.mark.parametrize("text", ["", "hundred", "eleven ten", "one two", "twenty twenty", "nova"])
def test_not_english_numbers(text):
    assert parse_english_number(text) is None
