"""The strategy document: reading TOML and YAML, one clear line per problem, writing it back."""

from __future__ import annotations

import re
import typing
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedside.errors import BedsideError
from bedside.strategy import (
    METRICS,
    NETWORKS,
    Cadence,
    Goal,
    MetricName,
    QuietHours,
    Strategy,
    StrategyError,
    default_cadence,
    default_strategy,
    dump_strategy_toml,
    load_strategy,
    load_strategy_file,
    validate_strategy,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "strategy.toml"

MINIMAL = """
timezone = "America/New_York"
networks = ["linkedin", "x"]
review_date = 2026-12-31

[audience]
who = "Adults with heart disease"
age_band = "35-64"
"""


def base() -> dict[str, typing.Any]:
    """A valid strategy as plain data; each bad case below changes one thing."""
    return {
        "timezone": "America/New_York",
        "networks": ["linkedin", "x"],
        "audience": {"who": "Adults with heart disease", "age_band": "35-64",
                     "needs": ["what a stress test involves"]},
        "goals": [{"metric": "followers", "network": "linkedin", "target": 500,
                   "by": "2027-06-30"}],
        "cadence": {"x": {"min_per_week": 3, "max_per_week": 6}},
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "review_date": "2026-12-31",
    }


def test_minimal_strategy_gets_the_defaults() -> None:
    strategy = load_strategy(MINIMAL, "toml")
    assert strategy.networks == ["linkedin", "x"]
    assert strategy.max_promotional_share == 0.20
    assert strategy.quiet_hours is None
    assert strategy.goals == []
    assert (strategy.neglect.warn_days, strategy.neglect.critical_days) == (30, 90)
    # Every network in use has a band, in the order of `networks`.
    assert list(strategy.cadence) == ["linkedin", "x"]
    assert strategy.cadence["linkedin"] == Cadence(min_per_week=1, max_per_week=3)
    assert strategy.cadence["x"] == Cadence(min_per_week=3, max_per_week=7)


def test_example_file_loads() -> None:
    strategy = load_strategy_file(EXAMPLE)
    assert strategy.timezone == "America/Chicago"
    assert strategy.networks == ["facebook", "instagram", "linkedin"]
    assert strategy.audience.ages == (30, 64)
    assert len(strategy.audience.needs) == 4
    assert strategy.cadence_for("linkedin") == Cadence(min_per_week=1, max_per_week=2)
    assert strategy.quiet_hours == QuietHours(start=time(20, 30), end=time(7, 0))
    reply = next(g for g in strategy.goals if g.metric == "median_reply_hours")
    assert (reply.target, reply.direction, reply.network) == (24, "at_most", None)
    facebook = strategy.goals[0]
    assert (facebook.metric, facebook.network, facebook.target, facebook.by) == (
        "followers", "facebook", 1500, date(2026, 12, 31))
    assert facebook.direction == "at_least"  # from the metric, not written in the file
    assert dump_strategy_toml(strategy) and load_strategy(dump_strategy_toml(strategy),
                                                          "toml") == strategy


def with_change(path: str, value: typing.Any) -> dict[str, typing.Any]:
    """base() with one dotted path set (value DELETE removes it)."""
    data = base()
    *parents, last = path.split(".")
    node: typing.Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: typing.Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return data


DELETE = object()

BAD = [
    ("goals.0.by", "2027-13-01", 'goals[0].by: "2027-13-01" is not a date (YYYY-MM-DD)'),
    ("goals.0.by", "30/06/2027", 'goals[0].by: "30/06/2027" is not a date (YYYY-MM-DD)'),
    ("goals.0.by", datetime(2027, 6, 30, 9, 0),
     "goals[0].by: 2027-06-30T09:00:00 has a time of day; write only the date (YYYY-MM-DD)"),
    ("goals.0.metric", "folowers",
     'goals[0].metric: "folowers" is not a metric bedside measures (did you mean "followers"?)'),
    ("goals.0.network", "x", None),  # valid: x is in use
    ("goals.0.network", "facebook", 'goals[0].network: "facebook" is not in networks '
     "(linkedin, x); add it there or change the goal"),
    ("goals.0.target", -5, "goals[0].target: -5 is below 0"),
    ("goals.0.target", "500", 'goals[0].target: must be a number, not "500"'),
    ("goals.0.target", True, "goals[0].target: must be a number, not true"),
    ("goals.0.target", 10**400, "goals[0].target: must be a finite number"),
    ("goals.0.target", float("nan"), "goals[0].target: must be a finite number"),
    ("goals.0.direction", "more", 'goals[0].direction: "more" must be "at_least" or "at_most"'),
    ("goals.0.tagret", 5, 'goals[0].tagret: unknown setting (did you mean "target"?)'),
    ("goals.0.by", DELETE, "goals[0].by: is required"),
    ("cadence.x.max_per_week", 2, "cadence.x.max_per_week: must be ≥ min_per_week (3)"),
    ("cadence.x.min_per_week", -1, "cadence.x.min_per_week: -1 is below 0"),
    ("cadence.x.max_per_week", 0, "cadence.x.max_per_week: must be ≥ min_per_week (3)"),
    ("cadence.facebook", {"min_per_week": 1, "max_per_week": 2},
     'cadence.facebook: "facebook" is not in networks (linkedin, x); add it there or remove '
     "this band"),
    ("cadence.tiktok", {"min_per_week": 1, "max_per_week": 2},
     'cadence.tiktok: "tiktok" is not a network bedside knows (bluesky, mastodon, x, facebook, '
     "instagram, linkedin, threads, outbox)"),
    ("cadence.x", 5, "cadence.x: must be a table of settings, not 5"),
    ("networks", ["linkedin", "tiktok"],
     'networks[1]: "tiktok" is not a network bedside knows (bluesky, mastodon, x, facebook, '
     "instagram, linkedin, threads, outbox)"),
    ("networks", ["twitter"], 'networks[0]: "twitter" is not a network bedside knows '
     '(bluesky, mastodon, x, facebook, instagram, linkedin, threads, outbox) (write "x" for '
     'Twitter)'),
    ("networks", ["x", "linkedin", "x"], 'networks[2]: "x" is listed twice'),
    ("networks", [], "networks: list at least one network the practice posts on"),
    ("networks", "x", 'networks: must be a list, not "x"'),
    ("timezone", "Eastern", 'timezone: "Eastern" is not a time zone bedside knows (use an IANA '
     'name such as "America/New_York" or "Europe/London")'),
    ("timezone", "../../etc/passwd", None),  # checked below: rejected, not read
    ("audience.who", "  ", "audience.who: is empty"),
    ("audience.age_band", "adults",
     'audience.age_band: "adults" is not an age band (write e.g. "35-64" or "65+")'),
    ("audience.age_band", "64-35",
     'audience.age_band: "64-35": the first age must not be above the second'),
    ("audience.age_band", "65-150", 'audience.age_band: "65-150": ages above 120 are not an '
     "audience"),
    ("audience.needs", ["x", ""], "audience.needs[1]: is empty"),
    ("audience", DELETE, "audience: is required"),
    ("max_promotional_share", 20,
     "max_promotional_share: 20 is not a share between 0 and 1 (write 0.2 for 20%)"),
    ("max_promotional_share", -0.1, "max_promotional_share: -0.1 is not a share between 0 and 1"),
    ("quiet_hours.end", "25:00",
     'quiet_hours.end: "25:00" is not a time of day (HH:MM, 24-hour clock)'),
    ("quiet_hours.end", "21:00", "quiet_hours.end: is the same as start; remove quiet_hours to "
     "have none"),
    ("review_date", DELETE, "review_date: is required"),
    ("colour", "blue", "colour: unknown setting (known here: timezone, networks, audience, "
     "goals, cadence, max_promotional_share, quiet_hours, neglect, review_date)"),
    ("neglect", {"warn_days": 30, "critical_days": 30},
     "neglect.critical_days: must be more than warn_days (30)"),
    ("neglect", {"warn_days": 1.5}, "neglect.warn_days: must be a whole number, not 1.5"),
]


@pytest.mark.parametrize(("path", "value", "line"), BAD, ids=[f"{p}={v!r}" for p, v, _ in BAD])
def test_each_problem_is_one_line_naming_its_field(path: str, value: typing.Any,
                                                   line: str | None) -> None:
    data = with_change(path, value)
    if line is None:
        if path == "timezone":
            with pytest.raises(StrategyError, match="is not a time zone"):
                validate_strategy(data)
        else:
            validate_strategy(data)
        return
    with pytest.raises(StrategyError) as caught:
        validate_strategy(data)
    assert caught.value.problems == (line,)
    assert str(caught.value) == line
    assert isinstance(caught.value, BedsideError)


def test_share_goals_must_be_shares() -> None:
    data = with_change("goals.0", {"metric": "promotional_share", "target": 25,
                                   "by": "2027-01-01"})
    with pytest.raises(StrategyError) as caught:
        validate_strategy(data)
    assert caught.value.problems == ("goals[0].target: 25 is not a share between 0 and 1, as "
                                     "promotional_share is (write 0.25 for 25%)",)


def test_all_problems_are_reported_at_once_in_document_order() -> None:
    text = """
timezone = "Mars/Olympus"
networks = ["x"]
review_date = "soon"
[audience]
who = "Runners"
age_band = "18-"
[cadence.x]
min_per_week = 5
max_per_week = 1
[[goals]]
metric = "followers"
target = 100
by = "2027-13-01"
"""
    with pytest.raises(StrategyError) as caught:
        load_strategy(text, "toml")
    assert caught.value.problems == (
        'timezone: "Mars/Olympus" is not a time zone bedside knows (use an IANA name such as '
        '"America/New_York" or "Europe/London")',
        'audience.age_band: "18-" is not an age band (write e.g. "35-64" or "65+")',
        'goals[0].by: "2027-13-01" is not a date (YYYY-MM-DD)',
        "cadence.x.max_per_week: must be ≥ min_per_week (5)",
        'review_date: "soon" is not a date (YYYY-MM-DD)',
    )
    assert "pydantic" not in str(caught.value) and "errors.pydantic.dev" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("timezone = \n", "toml", "not valid TOML: Invalid value (at line 1, column 12)"),
        ("networks: [x\n", "yaml", "not valid YAML: expected ',' or ']', but got '<stream end>' "
         "(at line 2, column 1)"),
        ("", "yaml", "the strategy is empty"),
        ("- a\n- b\n", "yaml", "the strategy must be a table of settings, not a list"),
        ("networks: [x]\nnetworks: [linkedin]\n", "yaml",
         'not valid YAML: "networks" appears twice (at line 2, column 1)'),
    ],
)
def test_unreadable_documents(text: str, fmt: typing.Literal["toml", "yaml"],
                              message: str) -> None:
    with pytest.raises(StrategyError) as caught:
        load_strategy(text, fmt)
    assert str(caught.value) == message


YAML = """
timezone: Europe/London
networks: [bluesky, mastodon]
review_date: 2026-12-31
audience:
  who: People living with asthma
  age_band: 18+
  needs: [inhaler technique, pollen days]
quiet_hours:
  start: 21:30
  end: 06:45
goals:
  - metric: median_reply_hours
    target: 12
    by: 2026-10-01
"""


def test_yaml_reads_the_same_model_and_avoids_yaml_1_1_traps() -> None:
    strategy = load_strategy(YAML, "yaml")
    # 21:30 is base-60 integer 1290 to a plain YAML 1.1 loader; here it is a time of day.
    assert strategy.quiet_hours == QuietHours(start=time(21, 30), end=time(6, 45))
    assert strategy.review_date == date(2026, 12, 31)
    assert strategy.goals[0].direction == "at_most"
    assert strategy.cadence_for("mastodon") == Cadence(min_per_week=2, max_per_week=5)
    assert load_strategy(dump_strategy_toml(strategy), "toml") == strategy


def test_yaml_bad_date_names_the_field() -> None:
    text = YAML.replace("by: 2026-10-01", "by: 2026-13-01")
    with pytest.raises(StrategyError) as caught:
        load_strategy(text, "yaml")
    assert caught.value.problems == ('goals[0].by: "2026-13-01" is not a date (YYYY-MM-DD)',)


def test_file_errors_start_with_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "strategy.toml"
    bad.write_text(MINIMAL.replace('"35-64"', '"old"'), encoding="utf-8")
    with pytest.raises(StrategyError) as caught:
        load_strategy_file(bad)
    assert caught.value.problems == (
        f'{bad}: audience.age_band: "old" is not an age band (write e.g. "35-64" or "65+")',)

    with pytest.raises(StrategyError, match=r"cannot tell the format; name the file \.toml"):
        load_strategy_file(tmp_path / "strategy.txt")
    with pytest.raises(StrategyError, match="cannot read it: No such file or directory"):
        load_strategy_file(tmp_path / "absent.yaml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(MINIMAL.replace("Adults", "Adultes âgés").encode("latin-1"))
    with pytest.raises(StrategyError, match="is not UTF-8 text; save it as UTF-8"):
        load_strategy_file(latin)


def test_file_with_byte_order_mark_and_yml_suffix(tmp_path: Path) -> None:
    path = tmp_path / "strategy.yml"
    path.write_bytes(b"\xef\xbb\xbf" + YAML.encode("utf-8"))
    assert load_strategy_file(path).timezone == "Europe/London"
    toml = tmp_path / "strategy.TOML"
    toml.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_strategy_file(toml).networks == ["linkedin", "x"]


NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "end", "moment", "quiet"),
    [
        ("21:00", "07:00", datetime(2026, 7, 1, 20, 59, tzinfo=NY), False),
        ("21:00", "07:00", datetime(2026, 7, 1, 21, 0, tzinfo=NY), True),
        ("21:00", "07:00", datetime(2026, 7, 1, 23, 59, tzinfo=NY), True),
        ("21:00", "07:00", datetime(2026, 7, 2, 0, 0, tzinfo=NY), True),
        ("21:00", "07:00", datetime(2026, 7, 2, 6, 59, tzinfo=NY), True),
        ("21:00", "07:00", datetime(2026, 7, 2, 7, 0, tzinfo=NY), False),
        ("21:00", "07:00", datetime(2026, 7, 2, 12, 0, tzinfo=NY), False),
        ("12:00", "13:30", datetime(2026, 7, 2, 12, 45, tzinfo=NY), True),
        ("12:00", "13:30", datetime(2026, 7, 2, 13, 30, tzinfo=NY), False),
        ("12:00", "13:30", datetime(2026, 7, 2, 11, 59, tzinfo=NY), False),
        # Read on the practice's clock: 01:30 UTC in July is 21:30 the evening before in NY.
        ("21:00", "07:00", datetime(2026, 7, 2, 1, 30, tzinfo=UTC), True),
        # 11:30 UTC is 07:30 in July (EDT, quiet over) but 06:30 in January (EST, still quiet).
        ("21:00", "07:00", datetime(2026, 7, 2, 11, 30, tzinfo=UTC), False),
        ("21:00", "07:00", datetime(2026, 1, 2, 11, 30, tzinfo=UTC), True),
    ],
)
def test_in_quiet_hours(start: str, end: str, moment: datetime, quiet: bool) -> None:
    data = base() | {"quiet_hours": {"start": start, "end": end}}
    assert validate_strategy(data).in_quiet_hours(moment) is quiet


def test_quiet_hours_need_an_aware_datetime_and_may_be_absent() -> None:
    strategy = validate_strategy(base())
    with pytest.raises(ValueError, match="aware"):
        strategy.in_quiet_hours(datetime(2026, 7, 1, 22, 0))
    none = validate_strategy({k: v for k, v in base().items() if k != "quiet_hours"})
    assert none.in_quiet_hours(datetime(2026, 7, 1, 23, 0, tzinfo=NY)) is False


def test_cadence_for() -> None:
    strategy = validate_strategy(base())
    assert strategy.cadence_for("x") == Cadence(min_per_week=3, max_per_week=6)  # its own
    assert strategy.cadence_for("linkedin") == default_cadence("linkedin")
    assert strategy.cadence_for("instagram") == Cadence(min_per_week=2, max_per_week=5)
    with pytest.raises(StrategyError, match='"myspace" is not a network bedside knows'):
        strategy.cadence_for("myspace")


@pytest.mark.parametrize(("rate", "verdict"), [(0, "too_few"), (2.9, "too_few"), (3, "ok"),
                                               (6, "ok"), (6.5, "too_many")])
def test_cadence_judges_a_rate(rate: float, verdict: str) -> None:
    assert Cadence(min_per_week=3, max_per_week=6).judge(rate) == verdict


def test_every_known_network_has_a_default_band() -> None:
    for network in NETWORKS:
        band = default_cadence(network)
        assert 0 <= band.min_per_week < band.max_per_week


@pytest.mark.parametrize(("metric", "direction", "value", "met"), [
    ("followers", "at_least", 499, False), ("followers", "at_least", 500, True),
    ("median_reply_hours", "at_most", 24, True), ("median_reply_hours", "at_most", 24.5, False),
])
def test_goal_direction_defaults_from_metric(metric: str, direction: str, value: float,
                                             met: bool) -> None:
    goal = Goal.model_validate({"metric": metric, "target": 500 if metric == "followers" else 24,
                                "by": "2027-01-01"})
    assert goal.direction == direction
    assert goal.met_by(value) is met


def test_metric_table_matches_the_type() -> None:
    assert set(METRICS) == set(typing.get_args(MetricName))


def test_default_strategy() -> None:
    strategy = default_strategy(["facebook", "Instagram"], "America/Chicago",
                                today=date(2026, 3, 1))
    assert strategy.networks == ["facebook", "instagram"]
    assert strategy.review_date == date(2027, 3, 1)
    assert strategy.quiet_hours == QuietHours(start=time(21, 0), end=time(7, 0))
    assert strategy.goals[0].metric == "median_reply_hours"
    assert strategy.goals[0].direction == "at_most" and strategy.goals[0].target == 24
    assert strategy.cadence == {"facebook": default_cadence("facebook"),
                                "instagram": default_cadence("instagram")}
    assert load_strategy(dump_strategy_toml(strategy), "toml") == strategy
    # With no date given it reviews a year from today on the practice's clock.
    assert default_strategy(["x"], "UTC").review_date > date.today()


@pytest.mark.parametrize(("networks", "zone", "line"), [
    (["tiktok"], "UTC", 'networks[0]: "tiktok" is not a network bedside knows'),
    (["x"], "Nowhere/City", 'timezone: "Nowhere/City" is not a time zone bedside knows'),
    ([], "UTC", "networks: list at least one network"),
])
def test_default_strategy_rejects_bad_input(networks: list[str], zone: str, line: str) -> None:
    with pytest.raises(StrategyError, match=re.escape(line)):
        default_strategy(networks, zone)


def test_strategy_is_frozen_and_serialises_for_the_web() -> None:
    strategy = validate_strategy(base())
    with pytest.raises(ValueError, match="frozen"):
        strategy.timezone = "UTC"  # type: ignore[misc]
    as_json = strategy.model_dump(mode="json")
    assert as_json["quiet_hours"] == {"start": "21:00:00", "end": "07:00:00"}
    assert Strategy.model_validate(strategy.model_dump()) == strategy
    assert validate_strategy(as_json) == strategy  # what the web API sends back


# Round trip: whatever the text fields hold (quotes, backslashes, newlines, control characters,
# any script), the TOML written reads back to an equal strategy.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None)
@given(
    who=TEXT,
    needs=st.lists(TEXT, max_size=4),
    networks=st.lists(st.sampled_from(NETWORKS), min_size=1, max_size=4, unique=True),
    share=st.floats(0, 1, allow_nan=False),
    low=st.floats(0, 20, allow_nan=False), extra=st.floats(0.01, 20, allow_nan=False),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    target=st.floats(0, 1),
    by=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    quiet=st.booleans(),
)
def test_dump_round_trips(who: str, needs: list[str], networks: list[str], share: float,
                          low: float, extra: float, start: time, target: float, by: date,
                          quiet: bool) -> None:
    end = time((start.hour + 9) % 24, start.minute)
    data: dict[str, typing.Any] = {
        "timezone": "Asia/Kolkata", "networks": networks,
        "audience": {"who": who, "age_band": "65+", "needs": needs},
        "goals": [{"metric": "engagement_rate", "network": networks[0], "target": target,
                   "by": by}, {"metric": "followers", "target": 10**6, "by": by}],
        "cadence": {networks[0]: {"min_per_week": low, "max_per_week": low + extra}},
        "max_promotional_share": share, "review_date": by,
    }
    if quiet:
        data["quiet_hours"] = {"start": start, "end": end}
    strategy = validate_strategy(data)
    text = dump_strategy_toml(strategy)
    assert load_strategy(text, "toml") == strategy
