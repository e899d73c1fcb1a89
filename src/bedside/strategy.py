"""The practice's strategy: measurable goals, audience, networks, cadence and limits.

Posting with no strategy is the first of the classic mistakes: the strategy says who the posts
are for, where they go, how often, how much may promote the practice, when the account stays
quiet and which numbers say it is working. It is a document the practice edits (TOML or YAML,
see examples/strategy.toml); this module reads, checks and writes it and does no I/O beyond
`load_strategy_file`.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bedside.errors import BedsideError
from bedside.strategy_io import parse_document, strategy_toml
from bedside.validation import (
    Day,
    Number,
    Text,
    TimeOfDay,
    Whole,
    number_text,
    problem,
    problem_lines,
    problems,
    shown,
)

__all__ = [
    "DEFAULT_MAX_PROMOTIONAL_SHARE", "METRICS", "NETWORKS", "Audience", "Cadence", "Goal",
    "Metric", "Neglect", "QuietHours", "Strategy", "StrategyError", "default_cadence",
    "default_strategy", "dump_strategy_toml", "load_strategy", "load_strategy_file",
    "validate_strategy",
]

Network = Literal["bluesky", "mastodon", "x", "facebook", "instagram", "linkedin", "threads",
                  "outbox"]
NETWORKS: tuple[str, ...] = typing.get_args(Network)
Direction = Literal["at_least", "at_most"]
MetricName = Literal["followers", "posts_per_week", "engagement_rate", "median_reply_hours",
                     "answered_share", "promotional_share", "link_clicks_per_month",
                     "fake_follower_share", "profile_completeness"]


@dataclass(frozen=True, slots=True)
class Metric:
    """A number the insights service measures: its unit and which way is better."""

    unit: Literal["count", "share", "hours"]
    better: Direction
    meaning: str


METRICS: dict[str, Metric] = {
    "followers": Metric("count", "at_least", "followers on the network (or all networks)"),
    "posts_per_week": Metric("count", "at_least", "posts published per week"),
    # (likes + comments + shares) / reach: Buffer's definition (../shared/domain/cadence.md)
    "engagement_rate": Metric("share", "at_least", "engagements per person reached"),
    "median_reply_hours": Metric("hours", "at_most", "median hours to answer a comment or review"),
    "answered_share": Metric("share", "at_least", "comments and reviews that got an answer"),
    "promotional_share": Metric("share", "at_most", "posts labelled promotional"),
    "link_clicks_per_month": Metric("count", "at_least", "clicks on links in posts, per month"),
    "fake_follower_share": Metric("share", "at_most", "sampled followers that look fake"),
    "profile_completeness": Metric("share", "at_least", "profile fields filled in"),
}


@dataclass(frozen=True, slots=True)
class _Band:
    low: float
    high: float


# Posts per week. facebook, instagram, linkedin, x: the suggested bands in the team's
# ../shared/domain/cadence.md (itself a design drawn from Hootsuite 2023, HubSpot and Buffer).
# bluesky, mastodon, threads and outbox are bedside's own design, with no study behind them:
# Bluesky and Threads are text-first conversational feeds like X, so they take X's band;
# Mastodon timelines are chronological, reward no volume and frown on floods, so 2-5;
# the outbox is a local sink with no audience, so a band wide enough never to nag.
_BANDS: dict[str, _Band] = {
    "facebook": _Band(2, 5), "instagram": _Band(2, 5), "linkedin": _Band(1, 3), "x": _Band(3, 7),
    "bluesky": _Band(3, 7), "threads": _Band(3, 7), "mastodon": _Band(2, 5),
    "outbox": _Band(0, 14),
}
# Days with no post before a network counts as neglected: 30 warns, 90 is critical (cadence.md;
# 90 days matches Socialbakers' "inactive").
NEGLECT_WARN_DAYS = 30
NEGLECT_CRITICAL_DAYS = 90
# The 80/20 guidance: about 80% inform and educate, about 20% promote (advertising.md).
DEFAULT_MAX_PROMOTIONAL_SHARE = 0.20


class StrategyError(BedsideError):
    """A strategy that cannot be read or is invalid: one line per problem, each naming its field."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(lines)
        super().__init__("\n".join(self.problems))


# --- field checks: each raises `problem(...)` with the words the user will read ---------------

def _network(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in NETWORKS:
        return value.strip().lower()
    hint = ' (write "x" for Twitter)' if str(value).strip().lower() == "twitter" else ""
    raise problem(f"{shown(value)} is not a network bedside knows ({', '.join(NETWORKS)}){hint}")


def _optional_network(value: Any) -> str | None:
    return None if value is None else _network(value)


def _metric(value: Any) -> str:
    if isinstance(value, str) and value.strip() in METRICS:
        return value.strip()
    close = difflib.get_close_matches(str(value), list(METRICS), n=1)
    hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(METRICS)}"
    raise problem(f"{shown(value)} is not a metric bedside measures ({hint})")


def _direction(value: Any) -> str:
    if value in typing.get_args(Direction):
        return str(value)
    raise problem(f'{shown(value)} must be "at_least" or "at_most"')


def _zone(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        try:
            ZoneInfo(value.strip())
            return value.strip()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise problem(f'{shown(value)} is not a time zone bedside knows (use an IANA name such as '
                  f'"America/New_York" or "Europe/London")')


def _age_band(value: Any) -> str:
    text = value.strip().replace("–", "-").replace(" ", "") if isinstance(value, str) else ""
    match = re.fullmatch(r"(\d{1,3})-(\d{1,3})|(\d{1,3})\+", text)
    if not match:
        raise problem(f'{shown(value)} is not an age band (write e.g. "35-64" or "65+")')
    if match[3] is None and int(match[1]) > int(match[2]):
        raise problem(f"{shown(value)}: the first age must not be above the second")
    if max(int(n) for n in match.groups() if n is not None) > 120:
        raise problem(f"{shown(value)}: ages above 120 are not an audience")
    return text


def _share(value: float, metric: str | None = None) -> float:
    if not 0 <= value <= 1:
        what = f", as {metric} is" if metric else ""
        hint = f" (write {number_text(value / 100)} for {number_text(value)}%)" \
            if 1 < value <= 100 else ""
        raise problem(f"{number_text(value)} is not a share between 0 and 1{what}{hint}")
    return value


NetworkName = Annotated[Network, BeforeValidator(_network)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Goal(_Model):
    """A measurable goal: `metric` on `network` (None: all networks) reaches `target` by `by`."""

    metric: Annotated[MetricName, BeforeValidator(_metric)]
    network: Annotated[Network | None, BeforeValidator(_optional_network)] = None
    target: Number
    by: Day
    # Omitted: the metric's better direction (followers at_least, median_reply_hours at_most).
    direction: Annotated[Direction, BeforeValidator(_direction)] = "at_least"

    @model_validator(mode="before")
    @classmethod
    def _default_direction(cls, data: Any) -> Any:
        if isinstance(data, dict) and "direction" not in data and data.get("metric") in METRICS:
            return {**data, "direction": METRICS[data["metric"]].better}
        return data

    @field_validator("target")
    @classmethod
    def _target_fits_metric(cls, value: float, info: ValidationInfo) -> float:
        if value < 0:
            raise problem(f"{number_text(value)} is below 0")
        metric = info.data.get("metric")
        if metric is not None and METRICS[metric].unit == "share":
            return _share(value, metric)
        return value

    def met_by(self, value: float) -> bool:
        """Whether a measured value meets the target."""
        return value >= self.target if self.direction == "at_least" else value <= self.target


class Audience(_Model):
    """Who the posts are for: a description, an age band ("35-64" or "65+") and their needs."""

    who: Text
    age_band: Annotated[str, BeforeValidator(_age_band)]
    needs: list[Text] = Field(default_factory=list)

    @property
    def ages(self) -> tuple[int, int | None]:
        """(youngest, oldest), oldest None for an open band such as "65+"."""
        low, _, high = self.age_band.rstrip("+").partition("-")
        return int(low), (int(high) if high else None)


class Cadence(_Model):
    """How many posts a week a network should get: a band, not a quota."""

    min_per_week: Number
    max_per_week: Number

    @field_validator("min_per_week")
    @classmethod
    def _min_not_negative(cls, value: float) -> float:
        if value < 0:
            raise problem(f"{number_text(value)} is below 0")
        return value

    @field_validator("max_per_week")
    @classmethod
    def _max_above_min(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("min_per_week")
        if low is not None and value < low:
            raise problem(f"must be ≥ min_per_week ({number_text(low)})")
        if value <= 0:
            raise problem("must be above 0 (remove the network if the practice does not post "
                          "there)")
        return value

    def judge(self, posts_per_week: float) -> Literal["too_few", "ok", "too_many"]:
        """Where a measured rate falls against the band."""
        if posts_per_week < self.min_per_week:
            return "too_few"
        return "too_many" if posts_per_week > self.max_per_week else "ok"


class QuietHours(_Model):
    """A daily span with no publishing, in the strategy's timezone; it may wrap midnight."""

    start: TimeOfDay
    end: TimeOfDay

    @field_validator("end")
    @classmethod
    def _not_empty(cls, value: time, info: ValidationInfo) -> time:
        if info.data.get("start") == value:
            raise problem("is the same as start; remove quiet_hours to have none")
        return value

    def contains(self, moment: time) -> bool:
        """Whether a wall-clock time falls inside (start included, end excluded)."""
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class Neglect(_Model):
    """Days with no post before a network is flagged as neglected (warn, then critical)."""

    warn_days: Whole = NEGLECT_WARN_DAYS
    critical_days: Whole = NEGLECT_CRITICAL_DAYS

    @field_validator("warn_days")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise problem("must be at least 1")
        return value

    @field_validator("critical_days")
    @classmethod
    def _after_warn(cls, value: int, info: ValidationInfo) -> int:
        warn = info.data.get("warn_days")
        if warn is not None and value <= warn:
            raise problem(f"must be more than warn_days ({warn})")
        return value


class Strategy(_Model):
    """The whole strategy document. Field order is checking order: networks come first."""

    timezone: Annotated[str, BeforeValidator(_zone)]
    networks: list[NetworkName]
    audience: Audience
    goals: list[Goal] = Field(default_factory=list)
    # Every network in use gets a band: the one written here or its suggested default.
    cadence: dict[NetworkName, Cadence] = Field(default_factory=dict, validate_default=True)
    max_promotional_share: Number = DEFAULT_MAX_PROMOTIONAL_SHARE
    quiet_hours: QuietHours | None = None
    neglect: Neglect = Field(default_factory=Neglect)
    review_date: Day

    @field_validator("networks")
    @classmethod
    def _networks_listed_once(cls, value: list[str]) -> list[str]:
        if not value:
            raise problem("list at least one network the practice posts on")
        found = [(f"[{i}]", f'"{name}" is listed twice') for i, name in enumerate(value)
                 if name in value[:i]]
        if found:
            raise problems(found)
        return value

    @field_validator("goals")
    @classmethod
    def _goals_on_networks_in_use(cls, value: list[Goal], info: ValidationInfo) -> list[Goal]:
        in_use = info.data.get("networks")
        found = [(f"[{i}].network", f'"{goal.network}" is not in networks '
                  f"({', '.join(in_use)}); add it there or change the goal")
                 for i, goal in enumerate(value)
                 if in_use is not None and goal.network is not None and goal.network not in in_use]
        if found:
            raise problems(found)
        return value

    @field_validator("cadence")
    @classmethod
    def _cadence_for_networks_in_use(cls, value: dict[str, Cadence],
                                     info: ValidationInfo) -> dict[str, Cadence]:
        in_use = info.data.get("networks")
        if in_use is None:
            return value
        found = [(name, f'"{name}" is not in networks ({", ".join(in_use)}); add it there or '
                  "remove this band") for name in value if name not in in_use]
        if found:
            raise problems(found)
        return {name: value[name] if name in value else default_cadence(name)
                for name in in_use}

    @field_validator("max_promotional_share")
    @classmethod
    def _promotion_is_a_share(cls, value: float) -> float:
        return _share(value)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def in_quiet_hours(self, moment: datetime) -> bool:
        """Whether an aware datetime falls in quiet hours, read on the practice's clock."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("in_quiet_hours needs an aware datetime")
        if self.quiet_hours is None:
            return False
        return self.quiet_hours.contains(moment.astimezone(self.zone).time())

    def cadence_for(self, network: str) -> Cadence:
        """The band for a network: the strategy's own, else the suggested default."""
        if network in self.cadence:
            return self.cadence[network]
        if network not in NETWORKS:
            raise StrategyError([f'"{network}" is not a network bedside knows '
                                 f"({', '.join(NETWORKS)})"])
        return default_cadence(network)


def default_cadence(network: str) -> Cadence:
    """The suggested band for a known network (see _BANDS for where each comes from)."""
    band = _BANDS[network]
    return Cadence(min_per_week=band.low, max_per_week=band.high)


def validate_strategy(data: Any) -> Strategy:
    """Check a parsed document (a mapping); raise StrategyError with one line per problem."""
    if not isinstance(data, dict):
        raise StrategyError([f"the strategy must be a table of settings, not {shown(data)}"])
    try:
        return Strategy.model_validate(data)
    except ValidationError as exc:
        raise StrategyError(problem_lines(exc, Strategy)) from None


def load_strategy(text: str, fmt: Literal["toml", "yaml"]) -> Strategy:
    """Read a strategy from TOML or YAML text; raise StrategyError naming every problem."""
    try:
        data = parse_document(text, fmt)
    except ValueError as exc:
        raise StrategyError([str(exc)]) from None
    return validate_strategy(data)


_FORMATS: dict[str, Literal["toml", "yaml"]] = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}


def load_strategy_file(path: str | Path) -> Strategy:
    """Read a strategy file, its format chosen by suffix; every error line starts with the path."""
    p = Path(path)
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise StrategyError([f"{p}: cannot tell the format; name the file .toml, .yaml or .yml"])
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise StrategyError([f"{p}: cannot read it: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise StrategyError([f"{p}: is not UTF-8 text; save it as UTF-8"]) from None
    try:
        return load_strategy(text, fmt)
    except StrategyError as exc:
        raise StrategyError(f"{p}: {line}" for line in exc.problems) from None


def dump_strategy_toml(strategy: Strategy) -> str:
    """Write a strategy as TOML that load_strategy reads back to an equal Strategy."""
    return strategy_toml(strategy.model_dump())


def default_strategy(networks: Iterable[str], timezone: str, *,
                     today: date | None = None) -> Strategy:
    """A sensible starting strategy for the given networks: suggested bands, quiet nights, one
    goal (answer within a day) and a review in a year. Raises StrategyError for bad input."""
    nets = list(networks)
    if today is None:
        try:
            today = datetime.now(ZoneInfo(timezone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            today = date.today()  # validation below names the bad zone
    review = today + timedelta(days=365)
    return validate_strategy({
        "timezone": timezone,
        "networks": nets,
        "audience": {"who": "patients of the practice and people nearby looking for care",
                     "age_band": "18+", "needs": []},
        "goals": [{"metric": "median_reply_hours", "target": 24, "by": review,
                   "direction": "at_most"}],
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "review_date": review,
    })
