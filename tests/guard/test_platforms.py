"""Platform rules: each network's own length units, hashtags and links."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from bedside.guard.context import NETWORKS, Context
from bedside.guard.findings import Finding
from bedside.guard.lengths import NetworkLimits, find_urls, overflow_start, units
from bedside.guard.platforms import check_platform, limits, measure


def _on(network: str | None) -> Context:
    return Context(network=network)


def _rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


# --- the limits file ------------------------------------------------------------------------


@pytest.mark.parametrize("network", NETWORKS)
def test_every_network_has_checked_and_sourced_limits(network: str) -> None:
    lim = limits(network)
    assert lim.max_length > 0
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", lim.checked)
    assert lim.source.startswith("https://")
    assert all(u.startswith("https://") for u in lim.also)
    names = {f.name for f in dataclasses.fields(NetworkLimits)}
    assert lim.uncertain <= names  # every uncertain tag names a real field


def test_limits_values_and_units() -> None:
    assert (limits("x").max_length, limits("x").unit, limits("x").url_weight) == (
        280, "weighted", 23)
    assert (limits("bluesky").unit, limits("bluesky").max_bytes) == ("graphemes", 3000)
    assert limits("mastodon").url_weight == 23
    assert limits("threads").max_length == 500
    assert limits("instagram").max_length == 2200 and not limits("instagram").links_clickable
    assert limits("facebook").max_length == 63206
    assert limits("linkedin").max_length == 3000
    assert [limits(n).max_images for n in ("x", "bluesky", "mastodon")] == [4, 4, 4]
    assert limits("mastodon").alt_text_max == 1500


def test_limits_are_frozen_and_unknown_network_raises() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(limits("x"), "max_length", 1)  # noqa: B010
    with pytest.raises(KeyError):
        limits("myspace")


# --- counting in each network's units -------------------------------------------------------

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467"  # one grapheme, five code points
THUMB = "\U0001F44D\U0001F3FD"  # thumbs up + skin tone: one grapheme, two code points


@pytest.mark.parametrize(
    ("text", "network", "expected"),
    [
        ("hello", "x", 5),
        ("日本語", "x", 6),  # CJK weighs 2
        ("한국어 ok", "x", 9),
        ("café — “quoted” ’s", "x", 18),  # Latin, dashes and curly quotes weigh 1
        ("…", "x", 2),
        (FAMILY, "x", 2),  # an emoji sequence weighs 2
        ("❤️ 1️⃣ 🇺🇸", "x", 8),
        ("a\r\nb", "x", 3),
        ("https://example.com/" + "a" * 100, "x", 23),  # every link counts 23
        ("see example.com now", "x", 31),  # so does a bare domain
        ("x.co", "x", 23),
        ("email a@b.com", "x", 13),  # an email address is not a link
        ("e.g. Dr.Smith at 3.5 mg", "x", 23),
        (FAMILY, "bluesky", 1),
        (THUMB * 3, "bluesky", 3),
        ("e\u0301", "bluesky", 1),
        ("https://example.com/" + "a" * 100, "bluesky", 120),  # Bluesky counts links in full
        ("https://example.com/" + "a" * 100, "mastodon", 23),
        ("example.com/" + "a" * 100, "mastodon", 112),  # Mastodon: http(s) links only
        ("hi @alice@mastodon.social", "mastodon", 9),  # the server part is not counted
        ("\U0001F637", "threads", 4),  # emoji count as UTF-8 bytes
        ("ok " + FAMILY, "threads", 3 + 18),
        (FAMILY, "facebook", 5),  # code points
        ("", "x", 0),
    ],
)
def test_measure(text: str, network: str, expected: int) -> None:
    assert measure(text, network) == expected


def test_measure_agrees_with_unit_walk() -> None:
    alphabet = [*"ab .\r\n/:#@-", "https://", "www.", ".com", "clinic.org/x", "@x@y.social",
                "\U0001F637", THUMB, FAMILY, "\u200d", "\ufe0f", "é", "e\u0301", "日", "한",
                "🇺🇸", "©", "1\u20e3", "’"]
    rng = random.Random(7)
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for network in NETWORKS:
            net = limits(network)
            walk = list(units(text, net))
            assert measure(text, network) == sum(w for _, w in walk), (network, text)
            limit = rng.randint(0, 60)
            total, naive = 0, len(text)
            for start, weight in walk:
                total += weight
                if total > limit:
                    naive = start
                    break
            assert overflow_start(text, net, limit) == naive, (network, text, limit)


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Book at https://clinic.org/flu-shots.", ["https://clinic.org/flu-shots"]),
        ("(see www.clinic.org/a)", ["www.clinic.org/a"]),
        ("visit lakeside.health today", ["lakeside.health"]),
        ("foo.us alone is not a link, foo.us/path is", ["foo.us/path"]),
        ("e.g. Dr.Smith, 3.5mg, U.S. data", []),
        ("write to nurse@clinic.org", []),
        ("http://localhost is not", []),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert [m.group() for m in find_urls(text)] == urls


# --- too long -------------------------------------------------------------------------------


def _too_long(text: str, network: str) -> Finding:
    found = [f for f in check_platform(text, _on(network)) if f.rule == "platform.too_long"]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("text", "network", "start"),
    [
        ("a" * 281, "x", 280),
        ("日" * 141, "x", 140),  # CJK: 141 x 2 = 282
        ("a" * 260 + " https://example.com/" + "b" * 50, "x", 261),  # the link is the overflow
        ("a" * 301, "bluesky", 300),
        ("a" * 299 + "é" + FAMILY + "z", "bluesky", 300),  # starts at the 301st grapheme
        ("a" * 501, "mastodon", 500),
        ("a" * 498 + "\U0001F637", "threads", 498),  # 498 + 4 bytes > 500
        ("a" * 2201, "instagram", 2200),
        ("a" * 3001, "linkedin", 3000),
    ],
)
def test_too_long_span_covers_the_overflow(text: str, network: str, start: int) -> None:
    f = _too_long(text, network)
    assert (f.start, f.end) == (start, len(text))
    assert f.excerpt == text[start:]
    assert f.severity == "block" and f.category == "platform"
    assert str(limits(network).max_length) in f.message.replace(",", "")


def test_emoji_heavy_bluesky_post_fits_in_graphemes() -> None:
    text = (THUMB + " ") * 140  # 280 graphemes, 420 code points
    assert len(text) > 300
    assert measure(text, "bluesky") == 280
    assert _rules(check_platform(text, _on("bluesky"))) == []
    assert _rules(check_platform(text + "x" * 21, _on("bluesky"))) == ["platform.too_long"]


def test_bluesky_byte_limit() -> None:
    text = FAMILY * 200  # 200 graphemes but 3,600 bytes
    f = _too_long(text, "bluesky")
    assert "bytes" in f.message
    assert f.start == len(FAMILY) * 166  # 166 x 18 bytes = 2,988; the 167th goes past 3,000


@pytest.mark.parametrize("network", ["bluesky", "threads", "x", "mastodon"])
def test_a_lone_surrogate_is_counted_not_raised(network: str) -> None:
    """JSON input can hold a lone surrogate ("\\ud800"); UTF-8 cannot encode it, and counting
    bytes used to raise. It counts its three bytes, and the long post is still too long."""
    text = "Flu shots today \ud800 " * 200  # 4,600 characters, 5,000 bytes
    assert _rules(check_platform(text, _on(network))) == ["platform.too_long"]
    assert check_platform("hi \ud800", _on(network)) == []


def test_x_long_link_counts_23() -> None:
    text = "a" * 250 + " https://example.com/" + "b" * 200
    assert measure(text, "x") == 274
    assert check_platform(text, _on("x")) == []


def test_facebook_limit_is_uncertain_so_it_only_warns() -> None:
    assert _too_long("a" * 63207, "facebook").severity == "warn"


def test_fits_exactly() -> None:
    for network in NETWORKS:
        text = "a" * limits(network).max_length
        found = check_platform(text, _on(network))
        assert [f for f in found if f.rule == "platform.too_long"] == []


# --- hashtags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "network", "expected"),
    [
        ("Flu shots are in. #FluSeason #PublicHealth", "x", []),
        ("Flu shots #FluSeason #PublicHealth #Vaccines #Health", "x",
         [("platform.too_many_hashtags", "warn", "#Vaccines #Health")]),
        ("Shots #a1 #b2 #c3 #d4", "linkedin",
         [("platform.too_many_hashtags", "warn", "#d4")]),
        ("We are #1 in care, call 555 #2", "x", []),  # numbers are not hashtags
        ("C# and https://clinic.org/#top and page#anchor", "x", []),
        ("#Heart #Skin #Flu #Sleep #Stress #Kids #Teens", "instagram",
         [("platform.hashtag_limit", "warn", "#Kids #Teens")]),  # uncertain: warns
        ("#One #Two", "threads", [("platform.too_many_hashtags", "warn", "#Two")]),
    ],
)
def test_hashtag_counts(text: str, network: str, expected: list[tuple[str, str, str]]) -> None:
    found = [f for f in check_platform(text, _on(network)) if "hashtag" in f.rule]
    assert [(f.rule, f.severity, f.excerpt) for f in found] == expected
    for f in found:
        assert text[f.start:f.end] == f.excerpt


@pytest.mark.parametrize(
    ("text", "camel"),
    [
        ("Go #mentalhealthawareness", "#MentalHealthAwareness"),
        ("Go #HEARTHEALTHMONTH", "#HeartHealthMonth"),
    ],
)
def test_hashtag_readability(text: str, camel: str) -> None:
    found = [f for f in check_platform(text, _on("mastodon"))
             if f.rule == "platform.hashtag_readability"]
    assert len(found) == 1
    assert (found[0].start, found[0].end, found[0].severity) == (3, len(text), "info")
    assert camel in found[0].suggestion


@pytest.mark.parametrize(
    "text", ["#gastroenterology", "#MentalHealthAwareness", "#FOAMed", "#COVID19", "#healthcare"]
)
def test_readable_hashtags_pass(text: str) -> None:
    assert check_platform(text, _on("mastodon")) == []


# --- links ----------------------------------------------------------------------------------


def test_instagram_link_is_not_clickable() -> None:
    text = "Flu shots now! Details: https://clinic.org/flu"
    (f,) = check_platform(text, _on("instagram"))
    assert (f.rule, f.severity, f.start, f.end) == (
        "platform.link_not_clickable", "warn", 24, len(text))
    assert "bio" in f.suggestion


def test_instagram_bare_domain_is_only_info() -> None:
    (f,) = check_platform("More at clinic.org.", _on("instagram"))
    assert (f.rule, f.severity, f.excerpt) == ("platform.link_not_clickable", "info", "clinic.org")


def test_links_are_fine_elsewhere() -> None:
    text = "Details: https://clinic.org/flu"
    for network in NETWORKS:
        if network != "instagram":
            assert check_platform(text, _on(network)) == []


def test_link_shortener() -> None:
    text = "Read this: bit.ly/3xYz and https://www.tinyurl.com/abc"
    found = check_platform(text, _on("facebook"))
    assert [(f.rule, f.severity, f.excerpt) for f in found] == [
        ("platform.link_shortener", "info", "bit.ly/3xYz"),
        ("platform.link_shortener", "info", "https://www.tinyurl.com/abc"),
    ]
    assert check_platform("Read this: https://bitly.example.org/a", _on("facebook")) == []


def test_threads_refuses_more_than_five_links() -> None:
    links = " ".join(f"https://site{i}.org" for i in range(7))
    found = [f for f in check_platform(links, _on("threads"))
             if f.rule == "platform.too_many_links"]
    assert len(found) == 1
    start = links.index("https://site5.org")
    assert (found[0].start, found[0].end, found[0].severity) == (start, len(links), "block")
    same = " ".join(["https://site.org"] * 7)  # one link seven times is one link
    assert check_platform(same, _on("threads")) == []


# --- no network -----------------------------------------------------------------------------


@pytest.mark.parametrize("network", [None, "myspace"])
def test_no_findings_without_a_known_network(network: str | None) -> None:
    text = "a" * 5000 + " #a #b #c #d #e #f #g https://bit.ly/x"
    assert check_platform(text, _on(network)) == []


def test_shouting_hashtag_without_known_words_gets_generic_advice() -> None:
    (f,) = check_platform("#QWERTYUIOP", _on("x"))
    assert (f.rule, f.start, f.end) == ("platform.hashtag_readability", 0, 11)
    assert "#HeartHealthMonth" in f.suggestion


def test_limit_findings_cite_the_checked_source() -> None:
    f = _too_long("a" * 281, "x")
    assert limits("x").source in f.source and limits("x").checked in f.source
