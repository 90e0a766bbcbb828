"""Result objects returned by :class:`memvid_sdk.Memvid`.

Each is a small read-only record: attribute access, a readable ``repr``, ``==`` against another
record of the same class, and ``to_dict()`` giving plain JSON-able values with the snake_case
keys of the SDK contract (the same values the CLI prints with ``--json``). Objects with a
``timestamp_ms`` field also have a ``timestamp`` property: an aware UTC ``datetime``.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Any, Dict, Iterator, List, Optional, Tuple

__all__ = [
    "Hit", "FindResult", "AskSource", "AskResult", "TimelineEntry", "Frame", "Stats",
    "Check", "VerifyReport", "Finding", "DoctorAction", "DoctorReport", "IngestSkip",
    "IngestedDocument", "IngestReport", "OwnerInfo", "RecoveryInfo", "RestoreReport",
]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


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


class _Record:
    """Base of the result classes: fields listed in ``_fields``, filled from a dict. ``==``
    compares every field except timings (elapsed_ms, retrieval_ms, generation_ms)."""

    __slots__ = ()
    _fields: Tuple[str, ...] = ()
    _nested: Dict[str, Any] = {}
    _timing: Tuple[str, ...] = ()  # left out of ==: two runs of the same search take different times

    def __init__(self, **values: Any) -> None:
        for name in self._fields:
            value = values.get(name)
            kind = self._nested.get(name)
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

    _fields = ("id", "score", "rank", "kind", "timestamp_ms", "title", "uri", "tags", "labels",
               "chunk", "chunk_count", "chunk_begin", "chunk_end", "page", "snippet",
               "highlights", "lexical_match", "semantic_match", "lexical_score",
               "semantic_score")
    __slots__ = _fields

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        object.__setattr__(self, "highlights", [list(s) for s in (self.highlights or [])])

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("id", "score", "rank", "title", "snippet")


class FindResult(_Record):
    """The hits of ``Memvid.find`` plus paging and mode information. Iterable; ``len()`` is
    the number of hits on this page."""

    _fields = ("hits", "next_cursor", "mode", "note", "elapsed_ms")
    __slots__ = _fields
    _nested = {"hits": Hit}
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

    _fields = ("number", "id", "title", "uri", "timestamp_ms", "page", "chunk_begin",
               "chunk_end", "score", "snippet", "text")
    __slots__ = _fields

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("number", "id", "title", "score", "snippet")


class AskResult(_Record):
    """The answer of ``Memvid.ask`` with its sources and citations."""

    _fields = ("question", "answer", "found", "used_model", "model", "note", "sources",
               "citations", "context", "mode", "retrieval_ms", "generation_ms",
               "prompt_tokens", "completion_tokens")
    __slots__ = _fields
    _nested = {"sources": AskSource}
    _timing = ("retrieval_ms", "generation_ms")

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("question", "answer", "found", "used_model", "sources", "citations")


class TimelineEntry(_Timestamped):
    """One frame in time order (see ``Memvid.timeline``)."""

    _fields = ("id", "timestamp_ms", "kind", "status", "title", "uri", "preview")
    __slots__ = _fields


class Frame(_Timestamped):
    """One frame's metadata and (with ``payload=True``) its payload (see ``Memvid.view``).

    ``metadata`` is the parsed JSON object ({} when none); ``text`` is the payload as str when
    it is valid UTF-8 (else None); ``data`` is the payload as bytes (None with payload=False).
    """

    _fields = ("id", "kind", "status", "timestamp_ms", "title", "uri", "tags", "labels",
               "metadata", "text", "data", "parent", "supersedes", "superseded_by",
               "content_hash", "payload_bytes", "stored_bytes", "compressed", "chunk_size",
               "chunk_overlap", "removed", "has_vector")
    __slots__ = _fields

    @classmethod
    def _from(cls, data: Dict[str, Any]) -> "Frame":
        data = dict(data)
        raw = data.pop("metadata_json", "") or ""
        if raw:
            try:
                data["metadata"] = _json.loads(raw)
            except ValueError:
                data["metadata"] = raw
        else:
            data["metadata"] = {}
        return cls(**data)

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("id", "kind", "status", "timestamp_ms", "title", "uri", "text")

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict; ``data`` stays bytes (the one value JSON cannot hold)."""
        return super().to_dict()


class Stats(_Record):
    """Counts and sizes of a memory (every memvid::Stats field)."""

    _fields = ("frames", "active_frames", "deleted_frames", "superseded_frames",
               "payload_bytes", "stored_bytes", "file_bytes", "wal_bytes", "wal_used_bytes",
               "wal_pending_transactions", "toc_segments", "generation", "embedding_model",
               "embedding_dimension", "vector_compression", "vectors", "semantic_unavailable")
    __slots__ = _fields


class Check(_Record):
    """One named verify check: status 'passed', 'failed' or 'skipped'."""

    _fields = ("name", "status", "detail")
    __slots__ = _fields


class VerifyReport(_Record):
    """The result of ``verify``: ``ok`` when every check passed or did not apply."""

    _fields = ("path", "deep", "ok", "checks", "damaged_frames", "frames", "file_bytes",
               "elapsed_ms")
    __slots__ = _fields
    _nested = {"checks": Check}
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

    _fields = ("severity", "check", "message")
    __slots__ = _fields


class DoctorAction(_Record):
    """A repair doctor planned or carried out: status 'planned', 'done', 'failed', 'skipped'."""

    _fields = ("name", "description", "status", "detail")
    __slots__ = _fields


class DoctorReport(_Record):
    """The result of ``doctor``: findings, actions, and the verify reports before and after."""

    _fields = ("path", "findings", "actions", "changed", "ok", "error", "output_path", "backup_path",
               "frames_recovered", "lost_frames", "bytes_before", "bytes_after", "before", "after")
    __slots__ = _fields
    _nested = {"findings": Finding, "actions": DoctorAction, "before": VerifyReport,
               "after": VerifyReport}

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("path", "ok", "changed", "findings", "actions")


class IngestSkip(_Record):
    """A file or record ``ingest`` did not take, with why."""

    _fields = ("path", "reason")
    __slots__ = _fields


class IngestedDocument(_Record):
    """A document ``ingest`` extracted (``frame`` is None in a dry run)."""

    _fields = ("path", "frame", "title", "mime", "text_bytes", "pages")
    __slots__ = _fields


class IngestReport(_Record):
    """The result of ``Memvid.ingest``."""

    _fields = ("files_seen", "files_processed", "documents", "ingested", "duplicates",
               "filtered", "skipped", "bytes_in", "text_bytes", "bytes_stored",
               "invalid_utf8_bytes", "items", "dry_run", "elapsed_ms")
    __slots__ = _fields
    _nested = {"skipped": IngestSkip, "items": IngestedDocument}
    _timing = ("elapsed_ms",)

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("files_seen", "documents", "ingested", "duplicates", "skipped", "dry_run")


class OwnerInfo(_Record):
    """The owner record of a memory's writer (see ``Memvid.who``)."""

    _fields = ("present", "alive", "pid", "host", "command", "started_ms", "heartbeat_ms",
               "nudge_requested")
    __slots__ = _fields


class RestoreReport(_Record):
    """The result of ``Memvid.restore``: what was installed, and what of a replaced memory the
    snapshot does not hold (``dropped_frames``; the replaced file is kept at ``backup_path``
    when there are any)."""

    _fields = ("snapshot", "dest", "snapshot_frames", "replaced", "replaced_frames",
               "dropped_frames", "dropped_ids", "backup_path")
    __slots__ = _fields

    def _repr_fields(self) -> Tuple[str, ...]:
        return ("dest", "snapshot_frames", "replaced", "dropped_frames", "backup_path")


class RecoveryInfo(_Record):
    """What opening the memory recovered (WAL replay, truncation, header/footer fallback)."""

    _fields = ("wal_records_replayed", "transactions_replayed", "bytes_truncated",
               "header_fallback", "footer_fallback")
    __slots__ = _fields
