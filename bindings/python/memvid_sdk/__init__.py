"""memvid_sdk: Python SDK of memvid-cpp, a single-file AI memory (.mv2).

Open or create a memory with :func:`use` (or :func:`create`), write documents with
:meth:`Memvid.put` / :meth:`Memvid.put_many`, search with :meth:`Memvid.find` and answer
questions with :meth:`Memvid.ask`::

    import memvid_sdk as mv

    with mv.use("basic", "notes.mv2") as mem:
        mem.put("The quick brown fox", title="fox", tags=["animals"])
        for hit in mem.find("fox"):
            print(hit.id, hit.score, hit.title)

Every library error is a :class:`MemvidError` subclass (see :mod:`memvid_sdk.errors`). Calls
into the library release the GIL, so threads searching the same or separate handles run in
parallel.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json as _json
import os
import warnings as _warnings
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from . import _memvid
from .errors import (
    AlreadyExistsError, AuxiliaryFileDetected, CorruptError, DecryptError, EncryptedError,
    InvalidArgumentError, InvalidTocError, LockedError, MemvidError, MemvidIOError,
    MemvidWarning, ModelMismatchError, ModelUnavailableError, NoSpaceError, NotAMemoryError,
    NotFoundError, OperationInterruptedError, ProviderError, QueryError, ReadOnlyError, ClosedError,
    RecoveryNeededError, TransactionStateError, _from_native, error_class,
)
from .results import (
    AskResult, AskSource, Check, CheckResult, Correction, SlotSchema, EnrichReport, DoctorAction, DoctorReport, EntityInfo, FactRecord, Finding,
    FindResult, FollowEdge, FollowResult, Frame, Hit, IngestReport, IngestedDocument, IngestSkip, OwnerInfo,
    RecoveryInfo, RestoreReport, Stats, TimelineEntry, TimeMention, TimeWindow, VerifyReport, WhenResult, ms_to_datetime,
    SessionInfo, SessionAction, SessionView, ReplayStep, ReplayReport, CompareStep, CompareReport,
    AuditSource, AuditReport,
)

_memvid.set_error_factory(_from_native)


def _warn(code: str, step: str, message: str) -> None:
    # Called by the extension, with the GIL, for each warning of a call. stacklevel 3 points
    # past this function and the SDK method at the caller's line.
    _warnings.warn(MemvidWarning(message, code, step), stacklevel=3)


_memvid.set_warning_sink(_warn)


def last_warnings() -> List[MemvidWarning]:
    """The warnings of this thread's latest memvid call (empty when it had none).

    A warning means the call's work was committed and a later step did not go through (a
    checkpoint on a full disk, say): the data is in, and retrying would add it twice. Each is
    also issued through :mod:`warnings` as a :class:`MemvidWarning`.
    """
    return [MemvidWarning(message, code, step) for code, step, message in _memvid.last_warnings()]

__version__ = "0.1.0"

__all__ = [
    "use", "create", "open_memory", "verify", "doctor", "who", "nudge", "restore", "Memvid",
    "parse_timestamp", "resolve_time", "find_time_mentions", "last_warnings", "SUPPORTED_KINDS", "Facts",
    # results
    "FactRecord", "EntityInfo", "FollowEdge", "FollowResult", "Correction", "SlotSchema", "EnrichReport",
    "AskResult", "AskSource", "Check", "CheckResult", "DoctorAction", "DoctorReport", "Finding", "FindResult",
    "Frame", "Hit", "IngestReport", "IngestedDocument", "IngestSkip", "OwnerInfo",
    "RecoveryInfo", "RestoreReport", "Stats", "TimelineEntry", "VerifyReport", "TimeWindow", "TimeMention", "WhenResult",
    "Sessions", "SessionInfo", "SessionAction", "SessionView", "ReplayStep", "ReplayReport", "CompareStep",
    "CompareReport", "AuditSource", "AuditReport",
    # errors
    "MemvidError", "InvalidArgumentError", "NotFoundError", "AlreadyExistsError", "LockedError",
    "CorruptError", "InvalidTocError", "RecoveryNeededError", "AuxiliaryFileDetected",
    "MemvidIOError", "NoSpaceError", "ReadOnlyError", "ClosedError", "TransactionStateError", "QueryError",
    "ModelUnavailableError", "ModelMismatchError", "ProviderError", "OperationInterruptedError",
    "DecryptError", "NotAMemoryError", "EncryptedError", "MemvidWarning", "error_class",
]

SUPPORTED_KINDS = ("basic",)

_OPEN_OPTIONS = frozenset({"lock_timeout_ms", "sync", "recovery", "nudge_poll_ms", "command",
                           "vector_graph_min_rows"})
_CREATE_OPTIONS = frozenset({"language", "chunk_size", "chunk_overlap", "embedding_model",
                             "embedding_dimension", "vector_compression", "capacity_bytes",
                             "wal_bytes", "extract_facts", "index_time_mentions"})
_MODES = ("auto", "create", "open", "read_only")

PathLike = Union[str, "os.PathLike[str]"]
TimestampLike = Union[int, _dt.datetime, _dt.date, str]


# ---- argument helpers ---------------------------------------------------------------------

def _invalid(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, "InvalidArgument")


def _where(options: Dict[str, Any], value: Union[Mapping[str, Any], str, None]) -> None:
    """find/ask/timeline's where: a dict (sent as JSON) or a JSON text; None: no filter."""
    if value is None:
        return
    if isinstance(value, str):
        options["where"] = value
    elif isinstance(value, Mapping):
        try:
            options["where"] = _json.dumps(value)
        except (TypeError, ValueError) as e:
            raise _invalid(f"where: {e}") from None
    else:
        raise TypeError(f"where must be a dict or a JSON str, not {type(value).__name__}")


def _semantic_floor(options: Dict[str, Any], value: Union[float, bool, None]) -> None:
    """find/ask's semantic_floor: None keeps the default, False turns it off, a number sets it."""
    if value is False:
        options["semantic_floor_off"] = True
    elif value is True:
        raise _invalid("semantic_floor must be a number, None or False")
    elif value is not None:
        options["semantic_floor"] = float(value)


def parse_timestamp(value: TimestampLike, name: str = "timestamp") -> int:
    """Milliseconds since the epoch for an int (already ms), a datetime (naive means UTC),
    a date (midnight UTC) or an ISO-8601 / integer string (as the CLI accepts).

    Raises TypeError for other types and InvalidArgumentError for an unparsable string.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int (ms), datetime, date or ISO-8601 string, not bool")
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise _invalid(f"{name}: {value} ms is outside the 64-bit range a frame stores")
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, _dt.date):
        return (value - _dt.date(1970, 1, 1)).days * 86400000
    if isinstance(value, str):
        ms = _memvid.parse_timestamp_ms(value)
        if ms is None:
            raise _invalid(f"{name}: cannot parse '{value}' as a timestamp "
                           "(milliseconds or ISO-8601 like 2024-01-31T12:34:56Z)")
        return ms
    raise TypeError(f"{name} must be an int (ms), datetime, date or ISO-8601 string, "
                    f"not {type(value).__name__}")


def _now_ms() -> int:
    return int(_dt.datetime.now(_dt.timezone.utc).timestamp() * 1000)


def resolve_time(phrase: str, *, tz: str = "UTC", anchor: Optional[TimestampLike] = None) -> TimeWindow:
    """The window of instants a time phrase names ("last monday", "Q4 2025", "in the last 24
    hours", "2025-11-17", "since march"), in an IANA time zone (``tz``: "Europe/Berlin", "UTC",
    "+05:30", "local"), counted from ``anchor`` (default: now). A day is [00:00, next 00:00)
    local, so DST days last 23 or 25 hours; ranges keep their last day. Raises
    InvalidArgumentError for a phrase, zone or date it cannot resolve.
    """
    _check_str(phrase, "phrase")
    _check_str(tz, "tz")
    anchor_ms = _now_ms() if anchor is None else parse_timestamp(anchor, "anchor")
    return TimeWindow(**_memvid.resolve_time(phrase, tz, anchor_ms))


def find_time_mentions(text: str, *, written: Optional[TimestampLike] = None) -> List[TimeMention]:
    """The dates a text mentions ("March 5, 2024", "last week", "Q4 2025", "Copyright
    1998-2004"), relative ones counted from ``written`` (default: now), in text order. Each has
    its ``begin``/``end`` (UTF-8 byte offsets), ``text``, ``first_day``/``last_day`` (ISO dates,
    both included, in no time zone), ``granularity``, ``relative`` and ``ambiguous``.
    """
    _check_str(text, "text")
    written_ms = _now_ms() if written is None else parse_timestamp(written, "written")
    return [TimeMention(**m) for m in _memvid.find_time_mentions(text, written_ms)]


def _str_list(value: Any, name: str) -> List[str]:
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{name} must be a list of str, not {type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must be a list of str, found {type(item).__name__}")
    return items


def _int(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if value >= 2**63:
        raise ValueError(f"{name} must be < 2**63, got {value}")
    return value


def _floats(value: Any, name: str) -> List[float]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers")
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers") from None


def _check_str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


_DOC_KEYS = frozenset({"text", "data", "title", "uri", "tags", "labels", "label", "metadata",
                       "timestamp", "vector", "vector_model", "kind", "chunk_size",
                       "chunk_overlap", "parent", "extract_facts"})


def _document(text: Optional[str] = None, *, data: Optional[bytes] = None,
              title: Optional[str] = None, uri: Optional[str] = None,
              tags: Optional[Iterable[str]] = None, labels: Optional[Iterable[str]] = None,
              label: Optional[str] = None, metadata: Union[Mapping[str, Any], str, None] = None,
              timestamp: Optional[TimestampLike] = None, vector: Optional[Sequence[float]] = None,
              vector_model: Optional[str] = None, kind: Optional[str] = None,
              chunk_size: Optional[int] = None, chunk_overlap: Optional[int] = None,
              parent: Optional[int] = None, extract_facts: Optional[bool] = None) -> Dict[str, Any]:
    """Checks put()'s arguments and builds the dict the extension reads."""
    doc: Dict[str, Any] = {}
    if text is not None and data is not None:
        raise ValueError("give text or data, not both")
    if text is not None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str (use data= for bytes), not {type(text).__name__}")
        doc["payload"] = text.encode("utf-8")
    elif data is not None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        doc["payload"] = bytes(data)
        if kind is None:
            kind = "binary"
    else:
        raise ValueError("a document needs text or data")
    if kind is not None:
        doc["kind"] = _check_str(kind, "kind")
    if title is not None:
        doc["title"] = _check_str(title, "title")
    if uri is not None:
        doc["uri"] = _check_str(uri, "uri")
    if tags is not None:
        doc["tags"] = _str_list(tags, "tags")
    if labels is not None or label is not None:
        all_labels = _str_list(labels, "labels") if labels is not None else []
        if label is not None:
            all_labels.append(_check_str(label, "label"))
        doc["labels"] = all_labels
    if metadata is not None:
        if isinstance(metadata, str):
            doc["metadata_json"] = metadata
        elif isinstance(metadata, Mapping):
            doc["metadata_json"] = _json.dumps(dict(metadata), ensure_ascii=False) if metadata else ""
        else:
            raise TypeError(f"metadata must be a dict (or a JSON object string), not {type(metadata).__name__}")
    if timestamp is not None:
        doc["timestamp_ms"] = parse_timestamp(timestamp)
    if vector is not None:
        doc["vector"] = _floats(vector, "vector")
    if vector_model is not None:
        doc["vector_model"] = _check_str(vector_model, "vector_model")
    if chunk_size is not None:
        doc["chunk_size"] = _int(chunk_size, "chunk_size")
    if chunk_overlap is not None:
        doc["chunk_overlap"] = _int(chunk_overlap, "chunk_overlap")
    if parent is not None:
        doc["parent"] = _int(parent, "parent")
    if extract_facts is not None:
        if not isinstance(extract_facts, bool):
            raise TypeError(f"extract_facts must be a bool, not {type(extract_facts).__name__}")
        doc["extract_facts"] = extract_facts
    return doc


def _frame_id(value: Any, name: str = "id") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 2**63:
        # No frame has such an id; say so as the library does for any missing frame.
        raise NotFoundError(f"no frame {value} (ids are below 2**63)", "NotFound")
    return _int(value, name)


# ---- the handle ---------------------------------------------------------------------------

class _Hybrid:
    """A method that works on an instance (its own path) and on the class (a path argument)."""

    def __init__(self, on_class: Any, on_instance: Any) -> None:
        self._on_class = on_class
        self._on_instance = on_instance
        self.__doc__ = on_class.__doc__

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self._on_class
        return self._on_instance.__get__(instance, owner)


def _verify_path(path: PathLike, deep: bool = False) -> VerifyReport:
    """Read-only integrity checks of the memory at path (takes no lock, changes nothing).

    With deep=True also checks every frame's payload and the index coverage. Returns a
    VerifyReport (``ok`` False and the failed checks listed when something is wrong); raises
    only when the file cannot be opened at all (NotFoundError, ...).
    """
    return VerifyReport._from(_memvid.verify(os.fspath(path), bool(deep)))


_DOCTOR_KEYS = ("plan_only", "rebuild_time_index", "rebuild_lex_index", "rebuild_vec_index",
                "vacuum")


def _doctor_path(path: PathLike, *, plan_only: bool = False, rebuild_time_index: bool = False,
                 rebuild_lex_index: bool = False, rebuild_vec_index: bool = False,
                 vacuum: bool = False, lock_timeout_ms: Optional[int] = None,
                 output: Optional[PathLike] = None, keep_backup: bool = True) -> DoctorReport:
    """Finds what is wrong with the memory at path (a deep verify), plans repairs and, unless
    plan_only, carries them out under the writer lock (LockedError while a writer is active).

    The rebuild_* flags and vacuum ask for those actions even when nothing is wrong. Only a
    memory is repaired: any other file raises NotAMemoryError (EncryptedError for a capsule)
    and is left unchanged. ``output``: write the repaired memory there (it must not exist) and
    leave path as it is. Otherwise a salvage, which drops damaged bytes, keeps the damaged file
    beside path first (``report.backup_path``) unless ``keep_backup=False``. A repair that
    cannot be carried out (a full disk, say) raises its error (NoSpaceError, ...) and changes
    nothing.
    """
    options: Dict[str, Any] = {"plan_only": bool(plan_only),
                               "rebuild_time_index": bool(rebuild_time_index),
                               "rebuild_lex_index": bool(rebuild_lex_index),
                               "rebuild_vec_index": bool(rebuild_vec_index),
                               "vacuum": bool(vacuum),
                               "keep_backup": bool(keep_backup)}
    if lock_timeout_ms is not None:
        options["lock_timeout_ms"] = _int(lock_timeout_ms, "lock_timeout_ms")
    if output is not None:
        options["output"] = os.fspath(output)
    report = _memvid.doctor(os.fspath(path), options)
    code = report["error_code"]
    if report["error"] is not None:
        # The repair could not be carried out (a full disk, say); nothing was changed.
        raise error_class(code)(f"doctor could not repair {os.fspath(path)}: {report['error']} "
                                "(the memory was not changed)", code)
    return DoctorReport._from(report)


class Memvid:
    """One open memory (a .mv2 file). Make one with :func:`use` or :func:`create`.

    A writer handle holds the file's writer lock until :meth:`close` (or the end of a
    ``with`` block). Every method releases the GIL while the library works; one handle
    serializes its own calls, separate handles (e.g. several read-only ones) run in parallel.
    """

    __slots__ = ("_h", "__weakref__")

    def __init__(self, handle: Any) -> None:
        """Internal: use :func:`use` or :func:`create`."""
        self._h = handle

    # -- lifecycle --

    def __enter__(self) -> "Memvid":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else ("read-only" if self.read_only else "writer")
        return f"<Memvid {self.path!r} {state}>"

    def __len__(self) -> int:
        return self.frame_count

    @property
    def path(self) -> str:
        """The memory's file path."""
        return self._h.path

    @property
    def read_only(self) -> bool:
        """True for a read-only handle."""
        return self._h.read_only

    @property
    def closed(self) -> bool:
        """True after close() or seal()."""
        return self._h.closed

    @property
    def frame_count(self) -> int:
        """How many frames were ever written (whatever their status)."""
        return self._h.frame_count()

    @property
    def in_transaction(self) -> bool:
        """True between begin() and commit()/rollback()."""
        return self._h.in_transaction()

    def audit(self, question: str, *, k: int = 8, mode: str = "auto", scope: Optional[str] = None,
              start: Optional[TimestampLike] = None, end: Optional[TimestampLike] = None,
              model: Optional[str] = None, base_url: Optional[str] = None,
              api_key_env: Optional[str] = None, format: Optional[str] = None) -> Any:
        """An answer with every source's provenance (frame, uri, byte range, page, time,
        whether it is a correction, the facts read from the passage): an AuditReport, or with
        ``format="markdown"`` / ``"text"`` its rendering, for a reviewer to file."""
        _check_str(question, "question")
        if format not in (None, "markdown", "text", "json"):
            raise _invalid(f"format must be 'markdown', 'text' or 'json', not {format!r}")
        o: Dict[str, Any] = {"k": _int(k, "k"), "mode": _check_str(mode, "mode")}
        for name, v in (("scope", scope), ("model", model), ("base_url", base_url), ("api_key_env", api_key_env)):
            if v is not None:
                o[name] = _check_str(v, name)
        if start is not None:
            o["start_ms"] = parse_timestamp(start, "start")
        if end is not None:
            o["end_ms"] = parse_timestamp(end, "end")
        out = self._h.audit(question, o)
        if format in ("markdown", "text"):
            return out[format]
        return AuditReport(**out["report"])

    @property
    def sessions(self) -> "Sessions":
        """Recorded sessions of this memory (start, end, list, view, replay, compare)."""
        return Sessions(self._h)

    @contextlib.contextmanager
    def session(self, name: str = "") -> Iterator["SessionInfo"]:
        """``with mem.session("name") as s:`` records every put, update, delete, find and
        ask made through this handle inside the block into a session kept in the memory
        file, and ends it when the block exits (also on an exception)."""
        info = self.sessions.start(name)
        try:
            yield info
        finally:
            if not self.closed:
                self.sessions.end()

    @property
    def facts(self) -> "Facts":
        """Facts about people read from the memory's texts (docs/FACTS.md)."""
        return Facts(self._h)

    @property
    def recovery_info(self) -> RecoveryInfo:
        """What opening the memory recovered (WAL replay, truncated bytes, fallbacks)."""
        return RecoveryInfo._from(self._h.recovery_info())

    def close(self) -> None:
        """Commits, checkpoints, syncs and releases the lock. A second close is a no-op."""
        self._h.close()

    def seal(self) -> None:
        """Commits, checkpoints and syncs everything, then closes the handle."""
        self._h.seal()

    def refresh(self) -> None:
        """Read-only handle: moves to the newest committed state (a no-op on a writer)."""
        self._h.refresh()

    # -- writes --

    def put(self, text: Optional[str] = None, **fields: Any) -> int:
        """Adds a document and returns its frame id.

        Args:
            text: the document's text (or give ``data=bytes`` for a binary payload).
            title, uri: strings. tags, labels: lists of str (``label='x'`` adds one label).
            metadata: a dict (stored as a JSON object). timestamp: int ms since the epoch,
            datetime (naive means UTC), date, or ISO-8601 string; default now.
            vector: the document's embedding (list of floats) with optional vector_model.
            kind: 'text' | 'document' | 'binary' (default 'text', 'binary' for data).
            chunk_size, chunk_overlap: how the index splits this text into passages.
            extract_facts: read the facts the text states (default: as the memory was
                created; see :attr:`facts`).
        """
        return self._h.put(self._doc(text, fields))

    @staticmethod
    def _doc(text: Optional[str], fields: Dict[str, Any]) -> Dict[str, Any]:
        unknown = set(fields) - _DOC_KEYS
        if unknown:
            raise TypeError(f"unexpected document field(s): {', '.join(sorted(unknown))}")
        return _document(text, **fields)

    def put_many(self, documents: Iterable[Mapping[str, Any]]) -> List[int]:
        """Adds many documents in one transaction; returns their ids in order.

        Each document is a dict with the keyword arguments of :meth:`put` (``text`` or
        ``data`` plus optional fields). Far faster than separate puts: one commit for all.
        """
        docs = []
        for i, d in enumerate(documents):
            if not isinstance(d, Mapping):
                raise TypeError(f"put_many: document {i} must be a dict, not {type(d).__name__}")
            fields = dict(d)
            text = fields.pop("text", None)
            docs.append(self._doc(text, fields))
        return list(self._h.put_many(docs))

    def update(self, id: int, text: Optional[str] = None, **fields: Any) -> int:
        """Writes a new version of frame ``id`` (same arguments as :meth:`put`) and returns the
        new frame id; the old frame becomes 'superseded'."""
        return self._h.update(_frame_id(id), self._doc(text, fields))

    def delete(self, id: int) -> None:
        """Marks frame ``id`` deleted (a tombstone: find no longer returns it)."""
        self._h.delete(_frame_id(id))

    def begin(self) -> None:
        """Starts a transaction: later writes are committed together by :meth:`commit`."""
        self._h.begin()

    def commit(self) -> None:
        """Ends an open transaction (if any) and checkpoints everything into the file."""
        self._h.commit()

    def rollback(self) -> None:
        """Discards the open transaction's writes (TransactionStateError outside one)."""
        self._h.rollback()

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Memvid"]:
        """``with mem.transaction():`` begins; commits on success, rolls back on an exception."""
        self._h.begin()
        try:
            yield self
        except BaseException:
            if self._h.in_transaction():
                self._h.rollback()
            raise
        else:
            self._h.commit()

    # -- reads --

    def view(self, id: int, *, payload: bool = True) -> Frame:
        """Frame ``id`` with its metadata and (payload=True) its text/bytes.

        Raises NotFoundError for an unknown id.
        """
        return Frame._from(self._h.frame(_frame_id(id), bool(payload)))

    def find(self, query: str, *, k: int = 10, mode: str = "auto", snippet_chars: int = 200,
             scope: Optional[str] = None, cursor: Optional[str] = None, offset: int = 0,
             as_of_frame: Optional[int] = None, as_of: Optional[TimestampLike] = None,
             collapse_chunks: bool = True, vector: Optional[Sequence[float]] = None,
             vector_model: Optional[str] = None, fusion: Optional[str] = None,
             semantic_weight: Optional[float] = None, title_weight: Optional[float] = None,
             candidates: Optional[int] = None, ef_search: Optional[int] = None,
             nprobe: Optional[int] = None, correction_boost: bool = True, strict: bool = False,
             collapse_duplicates: bool = True,
             semantic_floor: Union[float, bool, None] = None,
             where: Union[Mapping[str, Any], str, None] = None, time_zone: str = "UTC",
             time_anchor: Optional[TimestampLike] = None) -> FindResult:
        """Ranked search (docs/QUERY.md syntax: terms, "phrases", AND/OR/NOT, title:/tag:/...).

        mode: 'lex' (BM25), 'sem' (nearest vectors) or 'auto' (both fused; falls back to lex
        with a note when semantic search is unavailable). Page with ``cursor=result.next_cursor``
        (or ``offset``). A correction (``facts.correct``) the query matches ranks by its BM25
        score times its boost; ``correction_boost=False`` ranks it as any frame.

        Text that is not valid query syntax (``std::vector``, ``a OR``) is read as plain words
        and ``result.note`` says so; ``strict=True`` raises QueryError instead. Copies of one
        content fold into one hit (``hit.duplicate_ids``) unless ``collapse_duplicates=False``.
        Hits found by meaning alone must pass a relevance floor: ``semantic_floor`` sets it in
        standard deviations above the query's typical similarity (None: the default, False: no
        floor). Highlight spans are code point offsets into ``hit.snippet``. ``where`` keeps
        frames whose metadata matches, e.g. ``{"user": "alice", "score": {"$gte": 3}}``
        (operators $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not; docs/QUERY.md).
        Time phrases in ``date:`` clauses (``date:"last week"``) are read in ``time_zone`` from
        ``time_anchor`` (default: now).
        """
        _check_str(query, "query")
        o: Dict[str, Any] = {"k": _int(k, "k"), "mode": _check_str(mode, "mode"),
                             "snippet_chars": _int(snippet_chars, "snippet_chars"),
                             "offset": _int(offset, "offset"),
                             "collapse_chunks": bool(collapse_chunks),
                             "correction_boost": bool(correction_boost),
                             "strict": bool(strict),
                             "collapse_duplicates": bool(collapse_duplicates)}
        _semantic_floor(o, semantic_floor)
        _where(o, where)
        if scope is not None:
            o["scope"] = _check_str(scope, "scope")
        if cursor is not None:
            o["cursor"] = _check_str(cursor, "cursor")
        if as_of_frame is not None:
            o["as_of_frame"] = _int(as_of_frame, "as_of_frame")
        if as_of is not None:
            o["as_of_ms"] = parse_timestamp(as_of, "as_of")
        o["time_zone"] = _check_str(time_zone, "time_zone")
        if time_anchor is not None:
            o["time_anchor_ms"] = parse_timestamp(time_anchor, "time_anchor")
        if vector is not None:
            o["vector"] = _floats(vector, "vector")
        if vector_model is not None:
            o["vector_model"] = _check_str(vector_model, "vector_model")
        if fusion is not None:
            o["fusion"] = _check_str(fusion, "fusion")
        if semantic_weight is not None:
            o["semantic_weight"] = float(semantic_weight)
        if title_weight is not None:
            o["title_weight"] = float(title_weight)
        if candidates is not None:
            o["candidates"] = _int(candidates, "candidates")
        if ef_search is not None:
            o["ef_search"] = _int(ef_search, "ef_search")
        if nprobe is not None:
            o["nprobe"] = _int(nprobe, "nprobe")
        return FindResult._from(self._h.find(query, o))

    def ask(self, question: str, *, k: int = 8, mode: str = "auto",
            context_tokens: Optional[int] = None, scope: Optional[str] = None,
            as_of: Optional[TimestampLike] = None, model: Optional[str] = None,
            base_url: Optional[str] = None, api_key_env: Optional[str] = None,
            timeout_ms: Optional[int] = None, context_only: bool = False,
            max_sentences: Optional[int] = None,
            semantic_floor: Union[float, bool, None] = None,
            where: Union[Mapping[str, Any], str, None] = None, time_zone: str = "UTC",
            time_anchor: Optional[TimestampLike] = None) -> AskResult:
        """Answers a question from the memory.

        Retrieves the best passages, numbers them [1], [2], ... and answers from them: with a
        language model when ``model`` is given ('openai:gpt-4o', 'ollama:llama3', ...),
        otherwise extractively (offline) from the passages' best sentences. Every answer
        lists its sources; ``context_only=True`` skips the answer.
        """
        _check_str(question, "question")
        o: Dict[str, Any] = {"k": _int(k, "k"), "mode": _check_str(mode, "mode"),
                             "context_only": bool(context_only)}
        if context_tokens is not None:
            o["context_tokens"] = _int(context_tokens, "context_tokens")
        if scope is not None:
            o["scope"] = _check_str(scope, "scope")
        if as_of is not None:
            o["as_of_ms"] = parse_timestamp(as_of, "as_of")
        o["time_zone"] = _check_str(time_zone, "time_zone")
        if time_anchor is not None:
            o["time_anchor_ms"] = parse_timestamp(time_anchor, "time_anchor")
        if model is not None:
            o["model"] = _check_str(model, "model")
        if base_url is not None:
            o["base_url"] = _check_str(base_url, "base_url")
        if api_key_env is not None:
            o["api_key_env"] = _check_str(api_key_env, "api_key_env")
        if timeout_ms is not None:
            o["timeout_ms"] = _int(timeout_ms, "timeout_ms")
        if max_sentences is not None:
            o["max_sentences"] = _int(max_sentences, "max_sentences")
        _semantic_floor(o, semantic_floor)
        _where(o, where)
        return AskResult._from(self._h.ask(question, o))

    def timeline(self, *, since: Optional[TimestampLike] = None,
                 until: Optional[TimestampLike] = None, limit: int = 0, reverse: bool = False,
                 include_inactive: bool = False,
                 where: Union[Mapping[str, Any], str, None] = None) -> List[TimelineEntry]:
        """Frames in time order (since/until inclusive; limit 0 = all; reverse = newest first;
        include_inactive adds deleted and superseded frames; where filters by metadata)."""
        q: Dict[str, Any] = {"limit": _int(limit, "limit"), "reverse": bool(reverse),
                             "include_inactive": bool(include_inactive)}
        _where(q, where)
        if since is not None:
            q["since_ms"] = parse_timestamp(since, "since")
        if until is not None:
            q["until_ms"] = parse_timestamp(until, "until")
        return [TimelineEntry(**e) for e in self._h.timeline(q)]

    def when(self, phrase: str, *, tz: str = "UTC", anchor: Optional[TimestampLike] = None,
             window_minutes: int = 0, since: Optional[TimestampLike] = None,
             until: Optional[TimestampLike] = None, limit: int = 0, reverse: bool = False,
             include_inactive: bool = False,
             where: Union[Mapping[str, Any], str, None] = None, mentions: bool = False,
             within: bool = False) -> WhenResult:
        """The frames written within the window a time phrase names (see ``resolve_time``):
        ``result.window`` says how the phrase was read, ``result.frames`` are the frames in
        time order. ``window_minutes`` widens the window on each side; since/until narrow it.
        With ``mentions=True``: the frames whose texts *mention* a day of the window ("March
        2024" in a note written in June), and those mentions in ``result.mentions``;
        ``within=True`` keeps only mentions that lie entirely inside the window.
        """
        _check_str(phrase, "phrase")
        q: Dict[str, Any] = {"phrase": phrase, "zone": _check_str(tz, "tz"),
                             "window_minutes": _int(window_minutes, "window_minutes"),
                             "limit": _int(limit, "limit"), "reverse": bool(reverse),
                             "include_inactive": bool(include_inactive), "mentions": bool(mentions),
                             "within": bool(within)}
        _where(q, where)
        if anchor is not None:
            q["anchor_ms"] = parse_timestamp(anchor, "anchor")
        if since is not None:
            q["since_ms"] = parse_timestamp(since, "since")
        if until is not None:
            q["until_ms"] = parse_timestamp(until, "until")
        return WhenResult(**self._h.when(q))

    def stats(self) -> Stats:
        """Frame counts, sizes, WAL usage and the embedding model of the memory."""
        return Stats._from(self._h.stats())

    def _verify_self(self, deep: bool = False) -> VerifyReport:
        """Read-only integrity checks of this memory's file (see the module-level verify)."""
        return _verify_path(self.path, deep)

    verify = _Hybrid(_verify_path, _verify_self)

    def _doctor_self(self, **options: Any) -> DoctorReport:
        """doctor on this memory's path (repairs need the writer lock: close a writer first,
        or pass plan_only=True)."""
        return _doctor_path(self.path, **options)

    doctor = _Hybrid(_doctor_path, _doctor_self)

    # -- extras --

    def ingest(self, path: PathLike, *, include: Optional[Iterable[str]] = None,
               exclude: Optional[Iterable[str]] = None, include_hidden: bool = False,
               dedupe: bool = False, dry_run: bool = False, chunk_size: Optional[int] = None,
               chunk_overlap: Optional[int] = None, text_field: Optional[str] = None,
               title_field: Optional[str] = None, max_file_bytes: Optional[int] = None,
               title: Optional[str] = None, uri: Optional[str] = None,
               tags: Optional[Iterable[str]] = None, labels: Optional[Iterable[str]] = None,
               metadata: Optional[Mapping[str, Any]] = None,
               timestamp: Optional[TimestampLike] = None, kind: Optional[str] = None) -> IngestReport:
        """Adds a file or a directory tree (text, markdown, HTML, PDF, JSON/JSONL) in one
        transaction. include/exclude are globs; raises NotFoundError for a missing path."""
        o: Dict[str, Any] = {"include_hidden": bool(include_hidden), "dedupe": bool(dedupe),
                             "dry_run": bool(dry_run)}
        if include is not None:
            o["include"] = _str_list(include, "include")
        if exclude is not None:
            o["exclude"] = _str_list(exclude, "exclude")
        for key, value in (("chunk_size", chunk_size), ("chunk_overlap", chunk_overlap),
                           ("max_file_bytes", max_file_bytes)):
            if value is not None:
                o[key] = _int(value, key)
        for key, value in (("text_field", text_field), ("title_field", title_field),
                           ("title", title), ("uri", uri), ("kind", kind)):
            if value is not None:
                o[key] = _check_str(value, key)
        if tags is not None:
            o["tags"] = _str_list(tags, "tags")
        if labels is not None:
            o["labels"] = _str_list(labels, "labels")
        if metadata is not None:
            o["metadata_json"] = _json.dumps(dict(metadata), ensure_ascii=False)
        if timestamp is not None:
            o["timestamp_ms"] = parse_timestamp(timestamp)
        return IngestReport._from(self._h.ingest(os.fspath(path), o))

    def compact(self, dest: Optional[PathLike] = None) -> None:
        """Rewrites the memory without deleted/superseded frames: into ``dest`` (which must not
        exist) or, with no dest, in place (writer handles only)."""
        if dest is None:
            self._h.compact_in_place()
        else:
            self._h.compact_to(os.fspath(dest))

    def export(self, dest: PathLike) -> None:
        """Writes a consistent backup of every frame (whatever its status) to ``dest``."""
        self._h.export_snapshot(os.fspath(dest))

    @staticmethod
    def who(path: PathLike) -> OwnerInfo:
        """The owner record of the memory's writer (or of the last one that crashed)."""
        return OwnerInfo._from(_memvid.who(os.fspath(path)))

    @staticmethod
    def nudge(path: PathLike) -> None:
        """Asks a long-lived writer to commit and release its lock at its next call."""
        _memvid.nudge(os.fspath(path))

    @staticmethod
    def restore(snapshot: PathLike, dest: PathLike, *, force: bool = False,
                keep_backup: bool = True) -> RestoreReport:
        """Checks a snapshot (deep verify) and installs it at dest.

        A dest that exists is replaced only with ``force=True`` (AlreadyExistsError
        otherwise), only when it is a memory (NotAMemoryError / EncryptedError otherwise, even
        with force) and only when no writer holds it (LockedError). The report counts the
        replaced memory's frames that the snapshot does not hold (``dropped_frames``); when
        there are any, the replaced file is kept beside dest (``backup_path``) unless
        ``keep_backup=False``. Raises CorruptError, naming the failed check, for a damaged
        snapshot."""
        return RestoreReport._from(_memvid.restore_snapshot(os.fspath(snapshot), os.fspath(dest),
                                                            bool(force), bool(keep_backup)))

    @property
    def last_warnings(self) -> List[MemvidWarning]:
        """The warnings of this thread's latest memvid call (see :func:`last_warnings`)."""
        return last_warnings()

    @staticmethod
    def find_sidecar(path: PathLike) -> Optional[str]:
        """The -wal/-shm/-lock/-journal sidecar file beside path (which makes opening fail with
        AuxiliaryFileDetected), or None."""
        return _memvid.find_sidecar(os.fspath(path))


# ---- opening ------------------------------------------------------------------------------

class Sessions:
    """Sessions recorded inside a memory (``mem.sessions``; docs in memvid/sessions.hpp).

    While a session is open, every put, put_many, update, delete, find and ask made through a
    writable handle of the memory is recorded with a hash of its inputs and its results: the
    frames written, or the ordered hit ids read. A write's record commits with the write; a
    read's waits for the next write, checkpoint, end or close. ``replay`` re-runs the reads
    against the memory as of each one (``current=True``: as it is now) and compares the hits.
    """

    __slots__ = ("_h",)

    def __init__(self, handle: Any) -> None:
        self._h = handle

    def start(self, name: str = "") -> SessionInfo:
        """Opens a session (InvalidArgumentError when one is open)."""
        return SessionInfo(**self._h.session_start(_check_str(name, "name")))

    def end(self) -> SessionInfo:
        """Closes the open session."""
        return SessionInfo(**self._h.session_end())

    def checkpoint(self, note: str = "") -> SessionInfo:
        """Records a checkpoint and commits what the session holds back."""
        return SessionInfo(**self._h.session_checkpoint(_check_str(note, "note")))

    def active(self) -> Optional[SessionInfo]:
        """The open session, or None."""
        info = self._h.session_active()
        return None if info is None else SessionInfo(**info)

    def list(self) -> List[SessionInfo]:
        """Every recorded session, oldest first."""
        return [SessionInfo(**i) for i in self._h.session_list()]

    def view(self, session: Union[int, str]) -> SessionView:
        """A session (by id or name) and its actions in order."""
        return SessionView(**self._h.session_view(str(session)))

    def delete(self, session: Union[int, str]) -> None:
        """Deletes a session's records (ending it if open)."""
        self._h.session_delete(str(session))

    def replay(self, session: Union[int, str], *, current: bool = False) -> ReplayReport:
        """Re-runs the session's reads as of each one (or against today's state) and
        compares the ordered hits; ``report.ok`` is True only when every step matches."""
        return ReplayReport(**self._h.session_replay(str(session), bool(current)))

    def compare(self, a: Union[int, str], b: Union[int, str]) -> CompareReport:
        """Diffs two sessions action by action."""
        return CompareReport(**self._h.session_compare(str(a), str(b)))


class Facts:
    """Facts about people and things read from a memory's texts (``mem.facts``): who works
    where, lives where, is married to whom, likes what; when each was true and where it was
    said. Entities are names as written ("Alice", "Ben Koenig"), case ignored; the writer of
    first-person texts is "user". See docs/FACTS.md.
    """

    __slots__ = ("_h",)

    def __init__(self, handle: Any) -> None:
        self._h = handle

    def state(self, entity: str, slot: Optional[str] = None, *,
              at: Optional[TimestampLike] = None) -> List[FactRecord]:
        """The current facts about ``entity`` (one slot, or all), as of ``at`` when given."""
        q: Dict[str, Any] = {"entity": _check_str(entity, "entity")}
        if slot is not None:
            q["slot"] = _check_str(slot, "slot")
        if at is not None:
            q["at_ms"] = parse_timestamp(at)
        return [FactRecord(**f) for f in self._h.facts_list(q)]

    def list(self, *, entity: Optional[str] = None, slot: Optional[str] = None,
             value: Optional[str] = None, history: bool = False,
             at: Optional[TimestampLike] = None, limit: int = 0) -> List[FactRecord]:
        """Facts matching entity, slot and value (each optional); ``history=True`` adds those
        no longer current (ended, superseded, confirming, retracted with their frame)."""
        q: Dict[str, Any] = {"history": bool(history), "limit": _int(limit, "limit")}
        for name, v in (("entity", entity), ("slot", slot), ("value", value)):
            if v is not None:
                q[name] = _check_str(v, name)
        if at is not None:
            q["at_ms"] = parse_timestamp(at)
        return [FactRecord(**f) for f in self._h.facts_list(q)]

    def entities(self) -> List[EntityInfo]:
        """The entities the facts speak of, with their kind (person, organization, place, thing)."""
        return [EntityInfo(**e) for e in self._h.facts_entities()]

    def correct(self, statement: str, *, topics: Optional[Iterable[str]] = None, source: Optional[str] = None,
                boost: float = 2.0, timestamp: Optional[TimestampLike] = None) -> Correction:
        """Stores ``statement`` as a correction (a frame labelled "correction") whose facts
        overrule those recorded before it with other values; returns its frame and facts."""
        o: Dict[str, Any] = {"boost": float(boost)}
        if topics is not None:
            o["topics"] = _str_list(topics, "topics")
        if source is not None:
            o["source"] = _check_str(source, "source")
        if timestamp is not None:
            o["timestamp_ms"] = parse_timestamp(timestamp)
        return Correction(**self._h.facts_correct(_check_str(statement, "statement"), o))

    def enrich(self, *, engine: str = "rules", force: bool = False, base_url: Optional[str] = None,
               api_key_env: Optional[str] = None, batch_frames: int = 256, workers: int = 4) -> EnrichReport:
        """Reads facts in the active text frames ``engine`` has not read yet ("rules", or
        "<provider>:<model>" for a chat model such as "openai:gpt-4o-mini"), and records them
        in enrichment frames committed every ``batch_frames`` frames. Idempotent per (frame,
        engine, version); ``force=True`` reads again and adds only facts not yet stored.
        ``workers`` frames are read at once (a model's requests in parallel); what is recorded
        is the same whatever the number."""
        o: Dict[str, Any] = {"engine": _check_str(engine, "engine"), "force": bool(force),
                             "batch_frames": _int(batch_frames, "batch_frames"), "workers": _int(workers, "workers")}
        if base_url is not None:
            o["base_url"] = _check_str(base_url, "base_url")
        if api_key_env is not None:
            o["api_key_env"] = _check_str(api_key_env, "api_key_env")
        return EnrichReport(**self._h.facts_enrich(o))

    def schema(self) -> List[SlotSchema]:
        """The slots this memory knows: built-in and registered (registered ones take precedence)."""
        return [SlotSchema(**s) for s in self._h.facts_schema(False)]

    def infer_schema(self) -> List[SlotSchema]:
        """Each slot the current facts use, with the spec their values suggest (source says
        whether it is built in, registered or inferred)."""
        return [SlotSchema(**s) for s in self._h.facts_schema(True)]

    def register_schema(self, specs: Iterable[SlotSchema], *, overwrite: bool = False) -> List[SlotSchema]:
        """Stores specs in the memory (inferred ones only, unless overwrite); returns what was
        registered."""
        dicts = [s.to_dict() if isinstance(s, SlotSchema) else dict(s) for s in specs]
        return [SlotSchema(**s) for s in self._h.facts_register_schema(dicts, bool(overwrite))]

    def follow(self, start: str, *, link: Optional[str] = None, hops: int = 1,
               direction: str = "both") -> FollowResult:
        """Entities reached from ``start`` through current entity-valued facts (spouse,
        employer, manager, family), breadth first; direction 'out', 'in' or 'both'."""
        q: Dict[str, Any] = {"start": _check_str(start, "start"), "hops": _int(hops, "hops"),
                             "direction": _check_str(direction, "direction")}
        if link is not None:
            q["link"] = _check_str(link, "link")
        return FollowResult(**self._h.facts_follow(q))


def use(kind: str, path: PathLike, *, mode: str = "auto", read_only: bool = False,
        **options: Any) -> Memvid:
    """Opens or creates the memory at ``path`` and returns a :class:`Memvid`.

    kind: only 'basic' is supported. mode: 'auto' (open if the file exists, else create),
    'create' (AlreadyExistsError if it exists), 'open' (NotFoundError if missing) or
    'read_only' (same as read_only=True: many readers may run beside one writer).

    Options: lock_timeout_ms, sync ('full'|'normal'|'off'), recovery ('default'|
    'auto_truncate'|'strict'), nudge_poll_ms, vector_graph_min_rows (vector index parts this
    handle writes get an HNSW graph from this many rows, default 100000; smaller ones are
    scanned exactly), and for creation language, chunk_size,
    chunk_overlap, embedding_model ('builtin'|'none'|'provider:model'), embedding_dimension,
    vector_compression, capacity_bytes, wal_bytes, extract_facts (read facts from texts as
    they are put; default True). Unknown names raise TypeError.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, not {type(kind).__name__}")
    if kind not in SUPPORTED_KINDS:
        raise _invalid(f"unsupported memory kind '{kind}' (supported: {', '.join(SUPPORTED_KINDS)})")
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(_MODES)}, got {mode!r}")
    unknown = set(options) - _OPEN_OPTIONS - _CREATE_OPTIONS
    if unknown:
        raise TypeError(f"unexpected option(s): {', '.join(sorted(unknown))}")
    for name in ("lock_timeout_ms", "nudge_poll_ms", "chunk_size", "chunk_overlap",
                 "embedding_dimension", "capacity_bytes", "wal_bytes"):
        if options.get(name) is not None:
            value = options[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if value < 0:
                raise _invalid(f"{name} must not be negative, got {value}")
    for name in ("sync", "recovery", "language", "embedding_model", "command"):
        if options.get(name) is not None:
            _check_str(options[name], name)
    for name in ("vector_compression", "extract_facts"):
        if options.get(name) is not None and not isinstance(options[name], bool):
            raise TypeError(f"{name} must be a bool, not {type(options[name]).__name__}")
    p = os.fspath(path)
    if not isinstance(p, str):
        p = os.fsdecode(p)
    if read_only or mode == "read_only":
        return Memvid(_memvid.Handle.open(p, _open_only(options), True))
    if mode == "create":
        return Memvid(_memvid.Handle.create(p, options))
    if mode == "open":
        return Memvid(_memvid.Handle.open(p, _open_only(options), False))
    # Open or create, in the library: it is safe against another process creating p meanwhile.
    return Memvid(_memvid.Handle.create(p, options, True))


def _open_only(options: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in options.items() if k in _OPEN_OPTIONS}


def create(path: PathLike, **options: Any) -> Memvid:
    """Creates a new memory (AlreadyExistsError if the file exists): use('basic', path, mode='create', ...)."""
    return use("basic", path, mode="create", **options)


def open_memory(path: PathLike, *, read_only: bool = False, **options: Any) -> Memvid:
    """Opens an existing memory (NotFoundError if missing)."""
    return use("basic", path, mode="read_only" if read_only else "open", **options)


def verify(path: PathLike, deep: bool = False) -> VerifyReport:
    """Read-only integrity checks of the memory at path (see Memvid.verify)."""
    return _verify_path(path, deep)


def doctor(path: PathLike, **options: Any) -> DoctorReport:
    """Diagnoses and repairs the memory at path (see Memvid.doctor)."""
    return _doctor_path(path, **options)


def who(path: PathLike) -> OwnerInfo:
    """The owner record of the memory's writer (see Memvid.who)."""
    return Memvid.who(path)


def nudge(path: PathLike) -> None:
    """Asks the memory's writer to release its lock (see Memvid.nudge)."""
    Memvid.nudge(path)


def restore(snapshot: PathLike, dest: PathLike, *, force: bool = False,
            keep_backup: bool = True) -> RestoreReport:
    """Installs a snapshot at dest (see Memvid.restore)."""
    return Memvid.restore(snapshot, dest, force=force, keep_backup=keep_backup)
