"""The Bot API schema (``schema/api.json``): which methods exist, their parameters and types,
and how a form-encoded value is read back as JSON.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.standin.errors import JSONDict

DEFAULT_SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "api.json"


_KIND_OF_TYPE = {
    "String": ("str",),
    "Integer": ("int",),
    "Float": ("int", "float"),
    "Boolean": ("bool",),
    "InputFile": ("str",),
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


@dataclass(frozen=True)
class _Field:
    name: str
    types: tuple[str, ...]
    required: bool
    kinds: frozenset[str]

    @property
    def string_only(self) -> bool:
        return self.kinds == {"str"}


@dataclass(frozen=True)
class _Method:
    name: str
    fields: dict[str, _Field]
    required: tuple[str, ...]
    returns: tuple[str, ...]


_ALWAYS = re.compile(r'always "([a-z_]+)"')


@dataclass(frozen=True)
class _Schema:
    methods: dict[str, _Method]  # by lower-case name
    types: dict[str, JSONDict] = field(default_factory=dict)

    def check(self, type_name: str, value: Any, where: str = "") -> list[str]:
        """What is wrong with ``value`` as a ``type_name`` ("Update", "Array of ChatMember"):
        unknown or missing fields, wrong JSON types, a ``status`` a subtype does not allow."""
        where = where or type_name
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: a list expected, got {_kind(value)}"]
            inner = type_name.removeprefix("Array of ")
            return [
                p for i, item in enumerate(value) for p in self.check(inner, item, f"{where}[{i}]")
            ]
        if type_name in _KIND_OF_TYPE:
            kinds = _KIND_OF_TYPE[type_name]
            return [] if _kind(value) in kinds else [f"{where}: {type_name} expected"]
        spec = self.types.get(type_name)
        if spec is None:
            return []  # a type the schema file does not describe: not checked
        if "subtypes" in spec:
            tries = [self.check(sub, value, where) for sub in spec["subtypes"]]
            if any(not problems for problems in tries):
                return []
            fitting = [p for p in tries if not any(" always " in line for line in p)] or tries
            return [f"{where}: fits none of {', '.join(spec['subtypes'])}", *fitting[0]]
        if not isinstance(value, dict):
            return [f"{where}: an object expected, got {_kind(value)}"]
        fields = {item["name"]: item for item in spec.get("fields", [])}
        problems = [f"{where}: unknown field {name!r}" for name in value if name not in fields]
        for name, item in fields.items():
            if name not in value:
                if item["required"]:
                    problems.append(f"{where}: required field {name!r} missing")
                continue
            fixed = _ALWAYS.search(str(item.get("description", "")))
            if fixed and value[name] != fixed.group(1):
                problems.append(f"{where}.{name}: always {fixed.group(1)!r} in {type_name}")
                continue
            tries = [self.check(t, value[name], f"{where}.{name}") for t in item["types"]]
            if all(tries):
                problems.extend(tries[0])
        return problems

    @classmethod
    def parse(cls, data: JSONDict) -> _Schema:
        methods: dict[str, _Method] = {}
        for name, spec in data["methods"].items():
            fields: dict[str, _Field] = {}
            for item in spec.get("fields", []):
                kinds: set[str] = set()
                for type_name in item["types"]:
                    if type_name.startswith("Array of"):
                        kinds.add("list")
                    else:
                        kinds.update(_KIND_OF_TYPE.get(type_name, ("dict",)))
                fields[item["name"]] = _Field(
                    item["name"], tuple(item["types"]), bool(item["required"]), frozenset(kinds)
                )
            if name == "getUpdates":  # documented leniency: fractional long-poll timeouts
                timeout = fields["timeout"]
                fields["timeout"] = _Field(
                    timeout.name, timeout.types, timeout.required, timeout.kinds | {"float"}
                )
            required = tuple(f.name for f in fields.values() if f.required)
            methods[name.lower()] = _Method(name, fields, required, tuple(spec.get("returns", ())))
        return cls(methods, data.get("types", {}))


@functools.lru_cache(maxsize=4)
def _load_schema(path: str) -> _Schema:
    with open(path, encoding="utf-8") as handle:
        return _Schema.parse(json.load(handle))


def _decode_form_value(spec: _Field | None, raw: str) -> Any:
    """Decode one form value the way PTB encoded it: strings raw, everything else JSON."""
    if spec is not None and spec.string_only:
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, str) or value is None:
        return raw  # PTB never JSON-encodes a string: the quotes belong to the text
    if spec is not None and _kind(value) not in spec.kinds and "str" in spec.kinds:
        return raw
    return value
