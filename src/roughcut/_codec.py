"""The analysis store's value format: tagged JSON that can only ever build data, never run code.

A value is ``None``, a bool, int, float (NaN and infinities included, every float exact), str,
bytes, list, tuple, set, frozenset, dict (any hashable keys), :class:`~fractions.Fraction`,
:class:`~pathlib.Path`, a numpy array (stored as ``np.save`` bytes, never with pickle) or scalar,
an enum of roughcut or a dataclass of roughcut, nested as deep as needed. Anything that is not plain
JSON is one object with a single ``#`` key naming what it is. Decoding resolves a dataclass or enum
only by module and qualified name inside the ``roughcut`` package, and only when it is really a
dataclass (or an enum) defined there: a payload naming ``os.system`` or ``builtins.eval`` is refused
with :class:`CodecError`, as is any malformed payload.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import io
import json
from fractions import Fraction
from pathlib import Path, PurePath
from typing import Any

import numpy as np

#: Every encoded value starts with these bytes; a row without them (an old pickle) is not ours.
MAGIC = b"RCJ1"

_PACKAGE = "roughcut"


class CodecError(ValueError):
    """A value that cannot be encoded, or a payload that is not a value this codec made."""


# ------------------------------------------------------------------------------------------- encoding

_fields_of: dict[type, tuple[str, ...]] = {}


def _type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _array(value: np.ndarray) -> dict:
    buffer = io.BytesIO()
    try:
        np.save(buffer, value, allow_pickle=False)
    except ValueError as exc:  # object arrays
        raise CodecError(f"numpy array of {value.dtype} cannot be stored without pickle") from exc
    return {"#nd": base64.b64encode(buffer.getvalue()).decode("ascii")}


def _dict(value: dict) -> Any:
    if all(type(key) is str and not key.startswith("#") for key in value):
        return {key: _encode(item) for key, item in value.items()}
    return {"#dict": [[_encode(key), _encode(item)] for key, item in value.items()]}


def _dataclass(value: Any) -> dict:
    cls = type(value)
    names = _fields_of.get(cls)
    if names is None:
        if not cls.__module__.split(".")[0] == _PACKAGE:
            raise CodecError(f"{_type_name(cls)}: only roughcut's own dataclasses are stored")
        names = tuple(f.name for f in dataclasses.fields(cls))
        _fields_of[cls] = names
    return {"#dc": [_type_name(cls), {name: _encode(getattr(value, name)) for name in names}]}


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _items(value: tuple | list) -> list:
    if all(type(item) in _PLAIN for item in value):
        return list(value)
    return [_encode(item) for item in value]


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return {"#t": _items(value)}
    if kind is list:
        return _items(value)
    if kind is dict:
        return _dict(value)
    if kind in _fields_of or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return _dataclass(value)
    if kind is Fraction:
        return {"#q": [value.numerator, value.denominator]}
    if kind is np.ndarray:
        return _array(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"#np": [value.dtype.str, value.item()]}
    if isinstance(value, enum.Enum):
        if kind.__module__.split(".")[0] != _PACKAGE:
            raise CodecError(f"{_type_name(kind)}: only roughcut's own enums are stored")
        return {"#enum": [_type_name(kind), _encode(value.value)]}
    if isinstance(value, PurePath):
        return {"#path": str(value)}
    if kind is bytes:
        return {"#b": base64.b64encode(value).decode("ascii")}
    if kind is set or kind is frozenset:
        return {"#set" if kind is set else "#fset": [_encode(item) for item in value]}
    raise CodecError(f"{kind.__module__}.{kind.__qualname__} values cannot be stored in the analysis cache")


def encode(value: Any) -> bytes:
    """``value`` as bytes: :data:`MAGIC`, then UTF-8 JSON. Raises :class:`CodecError` for a type
    outside the format (a class of another package, an object array...)."""
    return MAGIC + json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False).encode()


# ------------------------------------------------------------------------------------------- decoding

_resolved: dict[tuple[str, str], type] = {}


def _roughcut_type(name: object, tag: str) -> type:
    """The dataclass (``tag == "#dc"``) or enum (``"#enum"``) named ``module:qualname`` in roughcut."""
    if not isinstance(name, str) or name.count(":") != 1:
        raise CodecError(f"bad type name {name!r}")
    cached = _resolved.get((tag, name))
    if cached is not None:
        return cached
    module_name, qualname = name.split(":")
    parts = qualname.split(".")
    modules = module_name.split(".")
    if modules[0] != _PACKAGE or not all(p.isidentifier() for p in modules + parts):
        raise CodecError(f"{name}: not a roughcut type")
    try:
        found: Any = importlib.import_module(module_name)
        for part in parts:
            found = found.__dict__[part] if isinstance(found, type) else getattr(found, part)
    except (ImportError, AttributeError, KeyError) as exc:
        raise CodecError(f"{name}: no such roughcut type") from exc
    if not isinstance(found, type) or found.__module__ != module_name or found.__qualname__ != qualname:
        raise CodecError(f"{name}: not a roughcut type")
    if tag == "#dc" and not dataclasses.is_dataclass(found):
        raise CodecError(f"{name}: not a dataclass")
    if tag == "#enum" and not issubclass(found, enum.Enum):
        raise CodecError(f"{name}: not an enum")
    _resolved[(tag, name)] = found
    return found


_field_names: dict[type, tuple[frozenset[str], tuple[str, ...]]] = {}


def _build_dataclass(payload: Any) -> Any:
    name, values = payload
    cls = _roughcut_type(name, "#dc")
    if not isinstance(values, dict):
        raise CodecError(f"{name}: fields are not an object")
    known = _field_names.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)
        known = frozenset(f.name for f in fields), tuple(f.name for f in fields if not f.init)
        _field_names[cls] = known
    names, not_init = known
    if not names.issuperset(values):
        raise CodecError(f"{name}: unknown fields {sorted(set(values) - names)}")
    later = {key: values.pop(key) for key in not_init if key in values}
    value = cls(**values)
    for key, item in later.items():
        object.__setattr__(value, key, item)
    return value


def _array_from(text: Any) -> np.ndarray:
    if not isinstance(text, str):
        raise CodecError("array payload is not text")
    return np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)


def _scalar_from(payload: Any) -> np.generic:
    dtype_name, item = payload
    dtype = np.dtype(dtype_name)
    if dtype.kind not in "biuf":
        raise CodecError(f"numpy scalar of {dtype} not allowed")
    return dtype.type(item)


_DECODERS = {
    "#t": tuple,
    "#q": lambda p: Fraction(*p) if len(p) == 2 and all(type(n) is int for n in p) else _bad("#q"),
    "#nd": _array_from,
    "#np": _scalar_from,
    "#dc": _build_dataclass,
    "#enum": lambda p: _roughcut_type(p[0], "#enum")(p[1]),
    "#path": lambda p: Path(p) if isinstance(p, str) else _bad("#path"),
    "#b": lambda p: base64.b64decode(p, validate=True),
    "#set": set,
    "#fset": frozenset,
    "#dict": lambda p: {key: item for key, item in p},
}


def _bad(tag: str) -> Any:
    raise CodecError(f"malformed {tag} payload")


def _hook(obj: dict) -> Any:
    if len(obj) == 1:
        ((key, payload),) = obj.items()
        if key.startswith("#"):
            decoder = _DECODERS.get(key)
            if decoder is None:
                raise CodecError(f"unknown tag {key!r}")
            return decoder(payload)
    elif any(key.startswith("#") for key in obj):
        raise CodecError("tag beside other keys")
    return obj


def decode(blob: bytes) -> Any:
    """The value :func:`encode` made. Raises :class:`CodecError` for anything else: another format
    (an old pickle), broken or truncated JSON, an unknown tag, a type outside roughcut, fields that
    do not fit the dataclass. Never runs code named by the payload."""
    if not isinstance(blob, bytes | memoryview) or bytes(blob[: len(MAGIC)]) != MAGIC:
        raise CodecError("not an encoded roughcut value")
    try:
        return json.loads(bytes(blob[len(MAGIC) :]), object_hook=_hook)
    except CodecError:
        raise
    except Exception as exc:  # whatever a malformed payload makes a constructor raise
        raise CodecError(f"corrupt value ({type(exc).__name__}: {exc})") from exc
