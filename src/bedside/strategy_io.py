"""Reading strategy documents (TOML, YAML) into plain data and writing them back as TOML.

The standard library reads TOML but cannot write it; the layout is small (scalars, tables,
arrays of tables), so the writer is written here rather than taking a dependency for it.
YAML is read with a SafeLoader adjusted for files people type by hand (see _Loader).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from typing import Any, Literal

import yaml

__all__ = ["parse_document", "strategy_toml"]


class _Loader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
    """PyYAML's SafeLoader with three traps of YAML 1.1 closed for settings typed by hand.

    - `by: 2027-13-01` would fail inside PyYAML's date constructor with no line number, so
      timestamps stay text and the strategy's own check names the field.
    - `start: 21:00` is the base-60 integer 1260 in YAML 1.1; anything with a colon stays text.
    - A key written twice silently keeps the last value; here it is an error with its line.
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: SafeLoader reports it itself
                continue
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f'"{key}" appears twice', key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _scalar_text(loader: _Loader, node: Any) -> Any:
    return loader.construct_scalar(node)


def _int_unless_clock(loader: _Loader, node: Any) -> Any:
    text = loader.construct_scalar(node)
    return text if ":" in text else loader.construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _scalar_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _int_unless_clock)


def parse_document(text: str, fmt: Literal["toml", "yaml"]) -> Any:
    """Parse TOML or YAML text; raise ValueError with one line giving the position."""
    text = text.removeprefix("\ufeff")  # a byte-order mark from Windows editors
    if fmt == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"not valid TOML: {exc}") from None
    if fmt == "yaml":
        try:
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" (at line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise ValueError(f"not valid YAML: {exc.problem or exc.context}{where}") from None
        except yaml.YAMLError as exc:
            raise ValueError(f"not valid YAML: {exc}") from None
        if data is None:
            raise ValueError("the strategy is empty")
        return data
    raise ValueError(f'unknown format "{fmt}" (toml or yaml)')


def strategy_toml(data: dict[str, Any]) -> str:
    """Write nested plain data (a model dump) as TOML: scalars, then tables, then arrays of
    tables. None values are left out (TOML has no null; absent means None on reading)."""
    out = ["# bedside strategy: see examples/strategy.toml for what each setting means"]
    _write_table(out, (), data)
    return "\n".join(out).strip("\n") + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _write_table(out: list[str], path: tuple[str, ...], table: dict[str, Any]) -> None:
    scalars = [(k, v) for k, v in table.items()
               if v is not None and not isinstance(v, dict) and not _is_table_array(v)]
    tables = [(k, v) for k, v in table.items() if isinstance(v, dict)]
    arrays = [(k, v) for k, v in table.items() if _is_table_array(v)]
    if path and (scalars or not (tables or arrays)):
        out += ["", f"[{'.'.join(_key(p) for p in path)}]"]
    out += [f"{_key(k)} = {_value(v)}" for k, v in scalars]
    for key, sub in tables:
        _write_table(out, (*path, key), sub)
    for key, items in arrays:
        for item in items:
            if any(isinstance(v, dict) or _is_table_array(v) for v in item.values()):
                raise ValueError(f"{key}: tables inside arrays of tables are not supported")
            out += ["", f"[[{'.'.join(_key(p) for p in (*path, key))}]]"]
            out += [f"{_key(k)} = {_value(v)}" for k, v in item.items() if v is not None]


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("TOML here holds finite numbers only")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime):
        raise ValueError("no date-and-time values in a strategy")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        # "21:00" reads better than a TOML local time and the strategy reads both.
        return _string(value.strftime("%H:%M")) if not (value.second or value.microsecond) \
            else value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} as TOML")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    parts = []
    for ch in text:
        if ch in _ESCAPES:
            parts.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            parts.append(f"\\u{ord(ch):04X}")
        else:
            parts.append(ch)
    return '"' + "".join(parts) + '"'
