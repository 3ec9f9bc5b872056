"""Issue numbers as the digest writes them."""
import pytest

from archive.numerals import parse_number


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


def test_every_number_up_to_a_thousand_round_trips():
    digits = "零一二三四五六七八九"

    def chinese(n: int) -> str:
        if n < 10:
            return digits[n]
        if n < 20:
            return "十" + (digits[n % 10] if n % 10 else "")
        if n < 100:
            return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
        rest = n % 100
        tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else ""))
        return digits[n // 100] + "百" + tail

    for n in range(1000):
        assert parse_number(chinese(n)) == n, chinese(n)
