"""Pydantic validation errors as one plain line per problem, naming the field path.

A doctor editing a settings file should read `goals[0].by: "2027-13-01" is not a date
(YYYY-MM-DD)`, never a pydantic dump. Validators raise `problem(...)` with the exact wording;
`problem_lines` words pydantic's own error types the same way and suggests the nearest field
name for a typo.
"""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

__all__ = ["Day", "Number", "Text", "TimeOfDay", "Whole", "field_path", "number_text", "problem",
           "problem_lines", "problems", "shown"]

_ONE = "bedside"  # an error type whose text is complete as written
_MANY = "bedside_many"  # several problems found at once, each with a path below the field


def problem(message: str) -> PydanticCustomError:
    """An error for a validator to raise; `message` is shown as written after the path."""
    return PydanticCustomError(_ONE, "{detail}", {"detail": message})


def problems(found: Sequence[tuple[str, str]]) -> PydanticCustomError:
    """Several problems at once: (path below the failing field, message) pairs."""
    return PydanticCustomError(_MANY, "{count} problems", {"count": len(found),
                                                          "problems": list(found)})


def shown(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it: strings quoted, long ones cut."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int | float):
        text = number_text(value)
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "a list"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_text(value: float) -> str:
    """3 rather than 3.0; 0.2 as 0.2."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def field_path(loc: Iterable[int | str]) -> str:
    """("goals", 0, "by") -> "goals[0].by"; a dict key's own error drops pydantic's "[key]"."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problem_lines(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """Turn a ValidationError raised by `model` into one line per problem."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        path = field_path(loc)
        ctx = err.get("ctx") or {}
        kind = err["type"]
        if kind == _MANY:
            for sub, message in ctx["problems"]:
                lines.append(f"{_join(path, sub)}: {message}")
            continue
        if kind == _ONE:
            message = str(ctx["detail"])
        else:
            message = _describe(kind, err, model, loc)
        lines.append(f"{path}: {message}" if path else message)
    return lines


def _join(path: str, sub: str) -> str:
    if not path:
        return sub
    if not sub:
        return path
    return path + sub if sub.startswith("[") else f"{path}.{sub}"


def _describe(kind: str, err: Any, model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    value = err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        known = _sibling_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        if close:
            return f'unknown setting (did you mean "{close[0]}"?)'
        return f"unknown setting (known here: {', '.join(known)})" if known else "unknown setting"
    if kind in ("string_type", "str_type"):
        return f"must be text, not {shown(value)}"
    if kind == "list_type":
        return f"must be a list, not {shown(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a table of settings, not {shown(value)}"
    if kind == "literal_error":
        return f"{shown(value)} is not one of {err.get('ctx', {}).get('expected', '')}"
    # Anything else: pydantic's own one-line wording with the value the user wrote.
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {shown(value)})"


def _sibling_fields(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the model found at `loc` inside `model` (empty if it is not one)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(annotation: Any, part: int | str) -> Any:
    """The annotation one step down a location: into a model field, a list item or a dict value."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """Optional[X] and Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


# --- value checks shared by settings models: each raises `problem(...)` -------------------------

def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise problem(f"must be text, not {shown(value)}")
    if not value.strip():
        raise problem("is empty")
    return value.strip()


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise problem(f"must be a number, not {shown(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = float("inf")
    if number != number or number in (float("inf"), float("-inf")):
        raise problem("must be a finite number")
    return number


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem(f"must be a whole number, not {shown(value)}")
    return value


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        raise problem(f"{shown(value)} has a time of day; write only the date (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise problem(f"{shown(value)} is not a date (YYYY-MM-DD)")


def _time_of_day(value: Any) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise problem("write the time without a zone (the settings' timezone applies)")
        return value
    # "HH:MM" as people write it; ":SS" too, as JSON from the web API spells a time.
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value.strip()) \
        if isinstance(value, str) else None
    if match and int(match[1]) < 24 and int(match[2]) < 60 and int(match[3] or 0) < 60:
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    raise problem(f"{shown(value)} is not a time of day (HH:MM, 24-hour clock)")


Text = Annotated[str, BeforeValidator(_text)]  # non-empty text, stripped
Number = Annotated[float, BeforeValidator(_number)]  # a finite number, never a bool or a string
Whole = Annotated[int, BeforeValidator(_whole)]  # an integer, never a bool or a float
Day = Annotated[date, BeforeValidator(_day)]  # a date, or "YYYY-MM-DD" text; never a datetime
TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]  # a naive time, or "HH:MM" text
