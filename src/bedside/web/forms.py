"""Pure helpers between HTML forms and bedside's documents: no I/O, no store.

Form field names are the documents' own paths (`audience.who`, `goals[0].by`,
`cadence.x.min_per_week`), so each one-line error from validation lands next to its field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bedside.strategy import METRICS, NETWORKS, Strategy

PROFILE_LISTS = ("phones", "emails", "addresses", "websites", "staff")
GOAL_ROWS = 3
_PATH_END = re.compile(r"[.\[]")


def lines(text: str) -> list[str]:
    """A textarea's non-blank lines, trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _toml_string(value: str) -> str:
    # JSON's string escapes are a subset of TOML basic strings' (\" \\ \n \t \uXXXX …).
    return json.dumps(value, ensure_ascii=False)


def profile_toml(*, name: str, specialty: str, timezone: str,
                 lists: Mapping[str, Sequence[str]]) -> str:
    """The practice TOML for what the profile form holds (the same layout as the file import)."""
    out = ["[practice]", f"name = {_toml_string(name.strip())}"]
    if specialty.strip():
        out.append(f"specialty = {_toml_string(specialty.strip())}")
    if timezone.strip():
        out.append(f"timezone = {_toml_string(timezone.strip())}")
    for key in PROFILE_LISTS:
        items = [i for i in lists.get(key, ()) if i.strip()]
        if items:
            out.append(f"{key} = [{', '.join(_toml_string(i.strip()) for i in items)}]")
    return "\n".join(out) + "\n"


def number(text: str) -> int | float | str:
    """A number typed in a form as a number; anything else as typed, for validation to name."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def strategy_data(form: Mapping[str, str], networks: Sequence[str]) -> dict[str, Any]:
    """The strategy document the strategy form describes (validated afterwards by
    bedside.strategy). Blank optional fields are left out so defaults apply."""
    data: dict[str, Any] = {
        "timezone": form.get("timezone", "").strip(),
        "networks": list(networks),
        "audience": {"who": form.get("audience.who", "").strip(),
                     "age_band": form.get("audience.age_band", "").strip(),
                     "needs": lines(form.get("audience.needs", ""))},
        "review_date": form.get("review_date", "").strip(),
    }
    share = form.get("max_promotional_share", "").strip()
    if share:
        data["max_promotional_share"] = number(share)
    start, end = form.get("quiet_hours.start", "").strip(), form.get("quiet_hours.end", "").strip()
    if start or end:
        data["quiet_hours"] = {"start": start, "end": end}
    cadence = {}
    for net in networks:
        low = form.get(f"cadence.{net}.min_per_week", "").strip()
        high = form.get(f"cadence.{net}.max_per_week", "").strip()
        if low or high:
            cadence[net] = {"min_per_week": number(low), "max_per_week": number(high)}
    if cadence:
        data["cadence"] = cadence
    goals = []
    for i in range(GOAL_ROWS):
        row = {k: form.get(f"goals[{i}].{k}", "").strip()
               for k in ("metric", "network", "target", "by")}
        if not (row["metric"] or row["target"] or row["by"]):
            continue
        goal: dict[str, Any] = {k: v for k, v in row.items() if v or k != "network"}
        goal["target"] = number(row["target"])
        goals.append(goal)
    data["goals"] = goals
    return data


def strategy_form(strategy: Strategy) -> dict[str, str]:
    """The form's values for an existing (or default) strategy."""
    values = {
        "timezone": strategy.timezone,
        "audience.who": strategy.audience.who,
        "audience.age_band": strategy.audience.age_band,
        "audience.needs": "\n".join(strategy.audience.needs),
        "review_date": strategy.review_date.isoformat(),
        "max_promotional_share": f"{strategy.max_promotional_share:g}",
        "quiet_hours.start": strategy.quiet_hours.start.strftime("%H:%M")
        if strategy.quiet_hours else "",
        "quiet_hours.end": strategy.quiet_hours.end.strftime("%H:%M")
        if strategy.quiet_hours else "",
    }
    for net, band in strategy.cadence.items():
        values[f"cadence.{net}.min_per_week"] = f"{band.min_per_week:g}"
        values[f"cadence.{net}.max_per_week"] = f"{band.max_per_week:g}"
    for i, goal in enumerate(strategy.goals[:GOAL_ROWS]):
        values[f"goals[{i}].metric"] = goal.metric
        values[f"goals[{i}].network"] = goal.network or ""
        values[f"goals[{i}].target"] = f"{goal.target:g}"
        values[f"goals[{i}].by"] = goal.by.isoformat()
    return values


def field_errors(problems: Iterable[str], fields: Iterable[str]) -> tuple[dict[str, list[str]],
                                                                           list[str]]:
    """Sort "path: message" lines onto the form's fields; the rest stay general.

    A line lands on the field whose name is its path, or the longest field its path is inside
    of (`networks[1]` on `networks`); a message about a whole group (`goals[0]`) lands on the
    group's first field.
    """
    names = sorted(fields, key=len, reverse=True)
    placed: dict[str, list[str]] = {}
    general: list[str] = []
    for line in problems:
        path, sep, message = line.partition(": ")
        if not sep:
            general.append(line)
            continue
        target = next((n for n in names if path == n or (path.startswith(n)
                       and _PATH_END.match(path[len(n):]))), None)
        if target is None:
            inside = sorted((n for n in names if n.startswith(path)
                             and _PATH_END.match(n[len(path):])), key=_order(names))
            target = inside[0] if inside else None
        if target is None:
            general.append(line)
        else:
            placed.setdefault(target, []).append(message)
    return placed, general


def _order(names: Sequence[str]) -> Any:
    order = {n: i for i, n in enumerate(reversed(names))}
    return lambda n: order[n]


def strategy_fields() -> list[str]:
    """Every field name the strategy form has, in page order."""
    names = ["timezone", "networks", "audience.who", "audience.age_band", "audience.needs"]
    for i in range(GOAL_ROWS):
        names += [f"goals[{i}].{k}" for k in ("metric", "network", "target", "by")]
    names.append("goals")
    for net in NETWORKS:
        names += [f"cadence.{net}.min_per_week", f"cadence.{net}.max_per_week"]
    names += ["cadence", "max_promotional_share", "quiet_hours.start", "quiet_hours.end",
              "quiet_hours", "review_date"]
    return names


METRIC_CHOICES = tuple((name, metric.meaning) for name, metric in METRICS.items())
