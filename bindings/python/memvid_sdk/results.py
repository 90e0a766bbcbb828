"""Result objects returned by :class:`memvid_sdk.Memvid`.

Each is a small read-only record: attribute access, a readable ``repr``, ``==`` against another
record of the same class, and ``to_dict()`` giving plain values with the snake_case keys of the
SDK contract. The fields of every class are the library's own lists (memvid/fields.hpp, read
here through ``_memvid.result_schema()``), the same names and values the CLI prints with
``--json``: a field added there appears here, and the type stubs are checked against them.
Objects with a ``timestamp_ms`` field also have a ``timestamp`` property: an aware UTC
``datetime``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _memvid

__all__ = [
    "Hit", "FindResult", "AskSource", "AskResult", "TimelineEntry", "Frame", "Stats",
    "CheckResult", "Check", "VerifyReport", "Finding", "DoctorAction", "DoctorReport", "IngestSkip",
    "IngestedDocument", "IngestReport", "OwnerInfo", "RecoveryInfo", "RestoreReport", "FactRecord",
    "EntityInfo", "FollowEdge", "FollowResult", "Correction", "SlotSchema", "EnrichReport", "TimeWindow",
    "TimeMention", "WhenResult", "SessionInfo", "SessionAction", "SessionView", "ReplayStep", "ReplayReport", "CompareStep",
    "CompareReport", "AuditSource", "AuditReport", "SCHEMA",
]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

#: Every result type's fields as (name, type) pairs, as the library lists them. A type is one
#: of bool, int, float, str, time (ms since the epoch), span ([begin, end]), bytes, json (a
#: parsed object), enum:NAME (a lowercase name), a result type's name; "?" marks a field that
#: may be None and "[]" a list.
SCHEMA: Dict[str, List[Tuple[str, str]]] = {k: [tuple(f) for f in v] for k, v in _memvid.result_schema().items()}

_CLASSES: Dict[str, type] = {}


def ms_to_datetime(ms: int) -> _dt.datetime:
    """An aware UTC datetime for milliseconds since the epoch."""
    return _EPOCH + _dt.timedelta(milliseconds=ms)


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _RecordMeta(type):
    """Gives a result class the fields of its type in SCHEMA (``schema=`` in the class
    statement, else the class's name): ``_fields``, ``__slots__`` and the nested result
    classes."""

    def __new__(mcls, name: str, bases: Tuple[type, ...], ns: Dict[str, Any], schema: Optional[str] = None):
        if schema is None and name not in SCHEMA:
            return super().__new__(mcls, name, bases, ns)
        type_name = schema or name
        fields = SCHEMA[type_name]
        ns["_fields"] = tuple(f for f, _ in fields)
        ns["__slots__"] = ns["_fields"]
        ns["_schema"] = type_name
        # field -> the result type it holds (a name, looked up when a record is built)
        ns["_nested"] = {f: t.rstrip("?[]") for f, t in fields if t.rstrip("?[]") in SCHEMA}
        cls = super().__new__(mcls, name, bases, ns)
        _CLASSES[type_name] = cls
        return cls


class _Record(metaclass=_RecordMeta):
    """Base of the result classes: fields listed in ``_fields``, filled from a dict. ``==``
    compares every field except timings (elapsed_ms, retrieval_ms, generation_ms)."""

    __slots__ = ()
    _fields: Tuple[str, ...] = ()
    _nested: Dict[str, str] = {}
    _timing: Tuple[str, ...] = ()  # left out of ==: two runs of the same search take different times

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(unknown))}")
        for name in self._fields:
            value = values.get(name)
            kind = _CLASSES.get(self._nested.get(name, ""))
            if kind is not None and value is not None:
                if isinstance(value, list):
                    value = [v if isinstance(v, kind) else kind(**v) for v in value]
                elif isinstance(value, dict):
                    value = kind(**value)
            object.__setattr__(self, name, value)

    @classmethod
    def _from(cls, data: Dict[str, Any]) -> "_Record":
        return cls(**data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict of plain JSON-able values (lists, dicts, str, int, float, bool, None)."""
        return {name: _plain(getattr(self, name)) for name in self._fields}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields if n not in self._timing)

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]

    def _repr_fields(self) -> Tuple[str, ...]:
        return self._fields

    def __repr__(self) -> str:
        parts = []
        for name in self._repr_fields():
            value = getattr(self, name)
            if isinstance(value, str) and len(value) > 60:
                value = value[:57] + "..."
            if isinstance(value, list) and len(value) > 3 and isinstance(value[0], _Record):
                parts.append(f"{name}=[{len(value)} items]")
                continue
            parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __getstate__(self) -> Dict[str, Any]:
        return {n: getattr(self, n) for n in self._fields}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        for name in self._fields:
            object.__setattr__(self, name, state.get(name))


class _Timestamped(_Record):
    __slots__ = ()

    @property
    def timestamp(self) -> _dt.datetime:
        """``timestamp_ms`` as an aware UTC datetime."""
        return ms_to_datetime(getattr(self, "timestamp_ms"))


class Hit(_Timestamped):
    """One search hit (see ``Memvid.find``)."""


    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        object.__setattr__(self, "highlights", [list(s) for s in (self.highlights or [])])

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("id", "score", "rank", "title", "snippet")


class FindResult(_Record):
    """The hits of ``Memvid.find`` plus paging and mode information. Iterable; ``len()`` is
    the number of hits on this page."""

    _timing = ("elapsed_ms",)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> Hit:
        return self.hits[index]

    def __bool__(self) -> bool:
        return bool(self.hits)


class AskSource(_Timestamped):
    """One numbered passage of an answer's context."""


    def _repr_fields(self) -> Tuple[str, ...]:
        return ("number", "id", "title", "score", "snippet")


class AskResult(_Record):
    """The answer of ``Memvid.ask`` with its sources and citations."""

    _timing = ("retrieval_ms", "generation_ms")

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("question", "answer", "found", "used_model", "sources", "citations")


class TimelineEntry(_Timestamped):
    """One frame in time order (see ``Memvid.timeline``)."""



class Frame(_Timestamped):
    """One frame's metadata and (with ``payload=True``) its payload (see ``Memvid.view``).

    ``metadata`` is the parsed JSON object ({} when none); ``text`` is the payload as str when
    it is valid UTF-8 (else None); ``data`` is the payload as bytes (None with payload=False).
    """


    def _repr_fields(self) -> Tuple[str, ...]:
        return ("id", "kind", "status", "timestamp_ms", "title", "uri", "text")

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict; ``data`` stays bytes (the one value JSON cannot hold)."""
        return super().to_dict()


class Stats(_Record):
    """Counts and sizes of a memory (every memvid::Stats field)."""



class CheckResult(_Record):
    """One named verify check: status 'passed', 'failed' or 'skipped'."""



class VerifyReport(_Record):
    """The result of ``verify``: ``ok`` when every check passed or did not apply."""

    _timing = ("elapsed_ms",)

    def check(self, name: str) -> Optional[Check]:
        """The check with this name, or None."""
        for c in self.checks:
            if c.name == name:
                return c
        return None

    @property
    def failed(self) -> List[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.status == "failed"]

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("path", "deep", "ok", "frames", "damaged_frames")


class Finding(_Record):
    """Something doctor observed: severity 'info', 'warn' or 'error'."""



class DoctorAction(_Record):
    """A repair doctor planned or carried out: status 'planned', 'done', 'failed', 'skipped'."""



class DoctorReport(_Record):
    """The result of ``doctor``: findings, actions, and the verify reports before and after."""


    def _repr_fields(self) -> Tuple[str, ...]:
        return ("path", "ok", "changed", "findings", "actions")


class IngestSkip(_Record):
    """A file or record ``ingest`` did not take, with why."""



class IngestedDocument(_Record):
    """A document ``ingest`` extracted (``frame`` is None in a dry run)."""



class IngestReport(_Record):
    """The result of ``Memvid.ingest``."""

    _timing = ("elapsed_ms",)

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("files_seen", "documents", "ingested", "duplicates", "skipped", "dry_run")


class OwnerInfo(_Record):
    """The owner record of a memory's writer (see ``Memvid.who``)."""



class RestoreReport(_Record):
    """The result of ``Memvid.restore``: what was installed, and what of a replaced memory the
    snapshot does not hold (``dropped_frames``; the replaced file is kept at ``backup_path``
    when there are any)."""


    def _repr_fields(self) -> Tuple[str, ...]:
        return ("dest", "snapshot_frames", "replaced", "dropped_frames", "backup_path")


class RecoveryInfo(_Record):
    """What opening the memory recovered (WAL replay, truncation, header/footer fallback)."""


Check = CheckResult  # the name before 0.x: kept so that imports keep working


class FactRecord(_Record):
    """A fact about an entity (see ``Memvid.facts``): the value, its slot, where it was said
    (frame, uri, value_begin/value_length in the frame's text), when it was valid
    (valid_from_ms, valid_to_ms: None while valid) and what ended it (superseded_by, retracted).
    ``valid_from`` and ``valid_to`` are aware UTC datetimes."""

    @property
    def valid_from(self) -> _dt.datetime:
        return ms_to_datetime(self.valid_from_ms)  # type: ignore[attr-defined]

    @property
    def valid_to(self) -> Optional[_dt.datetime]:
        v = self.valid_to_ms  # type: ignore[attr-defined]
        return None if v is None else ms_to_datetime(v)

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("entity_name", "slot", "value", "polarity", "valid_from_ms", "valid_to_ms", "frame", "current")


class EntityInfo(_Record):
    """An entity the facts speak of (see ``Facts.entities``)."""


class FollowEdge(_Record):
    """One entity-valued fact walked by ``Facts.follow`` (inverse: walked from its value)."""


class FollowResult(_Record):
    """What ``Facts.follow`` reached: the edges in breadth-first order and the entities."""


class TimeWindow(_Record):
    """The window [start_ms, end_ms) a time phrase names (``resolve_time``); an edge is None
    when open ("since 2024"). ``start_local``/``end_local`` are the edges in the zone's time;
    ``ambiguous`` and ``note`` say when a reading had to be chosen (03/04/2025)."""


class TimeMention(_Record):
    """A date a text mentions (``find_time_mentions``, ``Memvid.when(mentions=True)``): its
    frame, UTF-8 byte span (``begin``, ``end``), ``text``, the calendar days it names
    (``first_day``/``last_day``, ISO dates, both included, in no time zone), ``granularity``,
    and whether it is ``relative`` to the day the text was written or ``ambiguous``."""


class WhenResult(_Record):
    """What ``Memvid.when`` found: the resolved ``window`` and the ``frames`` in it; with
    ``mentions=True`` also the ``mentions`` in the window."""


class SessionInfo(_Record):
    """A recorded session (``mem.sessions``): its id (the frame of its start), name, times,
    whether it is open, and how many actions it holds."""


class SessionAction(_Record):
    """One recorded action: put, put_many, update, delete, find, ask or checkpoint, with the
    hash of its inputs, the frames it wrote or the ordered hits it read."""


class SessionView(_Record):
    """A session and its actions in order (``mem.sessions.view``)."""


class ReplayStep(_Record):
    """One replayed action: recorded and replayed hits, and what differs."""


class ReplayReport(_Record):
    """What ``mem.sessions.replay`` found; ``ok`` only when every step matched."""


class CompareStep(_Record):
    """Two sessions' actions at one position, compared."""


class CompareReport(_Record):
    """What ``mem.sessions.compare`` found."""


class AuditSource(_Timestamped):
    """One source of an audit: its frame, uri, byte range, page, time, whether it is a
    correction, the passage and the facts read from it."""


class AuditReport(_Record):
    """What ``mem.audit`` found: the answer and every source's provenance."""


class Correction(_Record):
    """What ``Facts.correct`` stored: the statement's frame and the facts read from it."""


class EnrichReport(_Record):
    """What one ``Facts.enrich`` run did: frames read and skipped, facts recorded, the
    enrichment frames written."""


class SlotSchema(_Record):
    """A slot's spec and how the memory uses it (see ``Facts.schema``)."""

