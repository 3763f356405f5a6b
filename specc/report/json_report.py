"""The JSON report: `RunResult.to_dict()` made JSON-safe, the stable contract tools consume.

The contract is described by docs/report.schema.json and docs/reports.md. Values read from
the data (samples, metric details) may be DuckDB types that JSON lacks; `json_safe` writes
each as a fixed, documented text or number, so the same result always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import uuid
from decimal import Decimal
from enum import Enum

from ..results import RunResult
from .escape import json_output
from .options import RenderOptions


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    return dumps(result.to_dict(with_timings=options.with_timings))


def dumps(report: dict) -> str:
    """Indented UTF-8 JSON; characters a terminal would act on written as `\\uXXXX` escapes."""
    text = json.dumps(json_safe(report), indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False)
    return json_output(text) + "\n"


def json_safe(value):
    """`value` as plain JSON data; dicts keep their order, sets are sorted.

    Decimal -> its exact text ("12.50"); datetime -> ISO 8601, moved to UTC when it has a
    time zone; date, time -> ISO 8601; timedelta -> ISO 8601 seconds ("PT1.5S"); NaN and
    infinities -> "NaN", "Infinity", "-Infinity"; bytes -> lowercase hex; UUID -> text.
    """
    if value is None or isinstance(value, (bool, int, str)) and not isinstance(value, Enum):
        return value
    for kind, convert in _CONVERTERS:
        if isinstance(value, kind):
            return convert(value)
    return _other(value)


def _float(value: float):
    if math.isfinite(value):
        return float(value)
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.isoformat()


def _duration(value: dt.timedelta) -> str:
    microseconds = value // dt.timedelta(microseconds=1)
    seconds = Decimal(abs(microseconds)).scaleb(-6)
    text = format(seconds.normalize(), "f") if microseconds else "0"
    return f"{'-' if microseconds < 0 else ''}PT{text}S"


def _mapping(value: dict) -> dict:
    return {_key(key): json_safe(item) for key, item in value.items()}


def _key(key) -> str:
    safe = json_safe(key)
    return safe if isinstance(safe, str) else json.dumps(safe, sort_keys=True)


def _unordered(value) -> list:
    items = [json_safe(item) for item in value]
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))


def _other(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if hasattr(value, "to_dict"):
        return json_safe(value.to_dict())
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # numpy scalars and arrays
        return json_safe(value.tolist())
    return str(value)


_CONVERTERS = (
    (Enum, lambda value: json_safe(value.value)),
    (float, _float),
    (Decimal, str),
    (dt.datetime, _datetime),  # before date: a datetime is a date
    (dt.date, lambda value: value.isoformat()),
    (dt.time, lambda value: value.isoformat()),
    (dt.timedelta, _duration),
    ((bytes, bytearray, memoryview), lambda value: bytes(value).hex()),
    (uuid.UUID, str),
    (dict, _mapping),
    ((list, tuple), lambda value: [json_safe(item) for item in value]),
    ((set, frozenset), _unordered),
)
