"""Type stubs of memvid_sdk (the Python SDK of memvid-cpp)."""

import contextlib
import datetime as _dt
import os
from typing import (Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence,
                    Protocol, Tuple, Type, TypedDict, Union, overload)

from .errors import (AlreadyExistsError as AlreadyExistsError,
                     AuxiliaryFileDetected as AuxiliaryFileDetected,
                     CorruptError as CorruptError, DecryptError as DecryptError,
                     EncryptedError as EncryptedError, MemvidWarning as MemvidWarning,
                     NotAMemoryError as NotAMemoryError,
                     InvalidArgumentError as InvalidArgumentError,
                     InvalidTocError as InvalidTocError, LockedError as LockedError,
                     MemvidError as MemvidError, MemvidIOError as MemvidIOError,
                     ModelMismatchError as ModelMismatchError,
                     ModelUnavailableError as ModelUnavailableError,
                     NoSpaceError as NoSpaceError, NotFoundError as NotFoundError,
                     OperationInterruptedError as OperationInterruptedError,
                     ProviderError as ProviderError, QueryError as QueryError,
                     ReadOnlyError as ReadOnlyError, ClosedError as ClosedError,
                     RecoveryNeededError as RecoveryNeededError,
                     TransactionStateError as TransactionStateError,
                     error_class as error_class)
from .results import (AskResult as AskResult, AskSource as AskSource, Check as Check, CheckResult as CheckResult,
                      DoctorAction as DoctorAction, DoctorReport as DoctorReport,
                      Finding as Finding, FindResult as FindResult, Frame as Frame, Hit as Hit,
                      IngestReport as IngestReport, IngestedDocument as IngestedDocument,
                      IngestSkip as IngestSkip, OwnerInfo as OwnerInfo,
                      RecoveryInfo as RecoveryInfo, RestoreReport as RestoreReport,
                      Stats as Stats, FactRecord as FactRecord, EntityInfo as EntityInfo,
                      FollowEdge as FollowEdge, FollowResult as FollowResult, Correction as Correction, EnrichReport as EnrichReport,
                      SlotSchema as SlotSchema,
                      TimelineEntry as TimelineEntry, VerifyReport as VerifyReport,
                      TimeWindow as TimeWindow, TimeMention as TimeMention, WhenResult as WhenResult,
                      SessionInfo as SessionInfo, SessionAction as SessionAction, SessionView as SessionView,
                      ReplayStep as ReplayStep, ReplayReport as ReplayReport, CompareStep as CompareStep,
                      CompareReport as CompareReport, AuditSource as AuditSource, AuditReport as AuditReport,
                      ms_to_datetime as ms_to_datetime)

__version__: str
SUPPORTED_KINDS: Tuple[str, ...]

PathLike = Union[str, os.PathLike[str]]
TimestampLike = Union[int, _dt.datetime, _dt.date, str]
OpenMode = Literal["auto", "create", "open", "read_only"]
SearchMode = Literal["auto", "lex", "sem"]
SyncMode = Literal["full", "normal", "off"]
RecoveryMode = Literal["default", "auto_truncate", "strict"]
DocKind = Literal["text", "document", "chunk", "binary"]


class Document(TypedDict, total=False):
    """A document for put_many: the keyword arguments of Memvid.put."""
    text: str
    data: bytes
    title: str
    uri: str
    tags: Sequence[str]
    labels: Sequence[str]
    label: str
    metadata: Mapping[str, Any]
    timestamp: TimestampLike
    vector: Sequence[float]
    vector_model: str
    kind: DocKind
    chunk_size: int
    chunk_overlap: int
    parent: int
    extract_facts: bool


def resolve_time(phrase: str, *, tz: str = "UTC", anchor: Optional[TimestampLike] = None) -> TimeWindow: ...
def find_time_mentions(text: str, *, written: Optional[TimestampLike] = None) -> List[TimeMention]: ...
def parse_timestamp(value: TimestampLike, name: str = ...) -> int:
    """Milliseconds since the epoch for an int (ms), datetime (naive = UTC), date or ISO-8601 string."""
    ...


class _VerifyPath(Protocol):
    def __call__(self, path: PathLike, deep: bool = False) -> VerifyReport: ...


class _VerifySelf(Protocol):
    def __call__(self, deep: bool = False) -> VerifyReport: ...


class _VerifyMethod:
    @overload
    def __get__(self, instance: None, owner: Any) -> _VerifyPath: ...
    @overload
    def __get__(self, instance: Memvid, owner: Any) -> _VerifySelf: ...


class _DoctorPath(Protocol):
    def __call__(self, path: PathLike, *, plan_only: bool = False,
                 rebuild_time_index: bool = False, rebuild_lex_index: bool = False,
                 rebuild_vec_index: bool = False, vacuum: bool = False,
                 lock_timeout_ms: Optional[int] = None, output: Optional[PathLike] = None,
                 keep_backup: bool = True) -> DoctorReport: ...


class _DoctorSelf(Protocol):
    def __call__(self, *, plan_only: bool = False, rebuild_time_index: bool = False,
                 rebuild_lex_index: bool = False, rebuild_vec_index: bool = False,
                 vacuum: bool = False, lock_timeout_ms: Optional[int] = None,
                 output: Optional[PathLike] = None, keep_backup: bool = True) -> DoctorReport: ...


class _DoctorMethod:
    @overload
    def __get__(self, instance: None, owner: Any) -> _DoctorPath: ...
    @overload
    def __get__(self, instance: Memvid, owner: Any) -> _DoctorSelf: ...


class Sessions:
    """Sessions recorded inside the memory."""
    def start(self, name: str = "") -> SessionInfo: ...
    def end(self) -> SessionInfo: ...
    def checkpoint(self, note: str = "") -> SessionInfo: ...
    def active(self) -> Optional[SessionInfo]: ...
    def list(self) -> List[SessionInfo]: ...
    def view(self, session: Union[int, str]) -> SessionView: ...
    def delete(self, session: Union[int, str]) -> None: ...
    def replay(self, session: Union[int, str], *, current: bool = False) -> ReplayReport: ...
    def compare(self, a: Union[int, str], b: Union[int, str]) -> CompareReport: ...


class Facts:
    """Facts about people and things read from a memory's texts (``mem.facts``)."""
    def state(self, entity: str, slot: Optional[str] = None, *,
              at: Optional[TimestampLike] = None) -> List[FactRecord]: ...
    def list(self, *, entity: Optional[str] = None, slot: Optional[str] = None,
             value: Optional[str] = None, history: bool = False,
             at: Optional[TimestampLike] = None, limit: int = 0) -> List[FactRecord]: ...
    def entities(self) -> List[EntityInfo]: ...
    def schema(self) -> List[SlotSchema]: ...
    def infer_schema(self) -> List[SlotSchema]: ...
    def register_schema(self, specs: Iterable[SlotSchema], *, overwrite: bool = False) -> List[SlotSchema]: ...
    def correct(self, statement: str, *, topics: Optional[Iterable[str]] = None, source: Optional[str] = None,
                boost: float = 2.0, timestamp: Optional[TimestampLike] = None) -> Correction: ...
    def enrich(self, *, engine: str = "rules", force: bool = False, base_url: Optional[str] = None,
               api_key_env: Optional[str] = None, batch_frames: int = 256, workers: int = 4) -> EnrichReport: ...
    def follow(self, start: str, *, link: Optional[str] = None, hops: int = 1,
               direction: Literal["out", "in", "both"] = "both") -> FollowResult: ...


class Memvid:
    """One open memory (a .mv2 file). Make one with use() or create()."""

    def __enter__(self) -> Memvid: ...
    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None: ...
    def __len__(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def frame_count(self) -> int: ...
    @property
    def in_transaction(self) -> bool: ...
    @property
    def recovery_info(self) -> RecoveryInfo: ...
    def audit(self, question: str, *, k: int = 8, mode: SearchMode = "auto", scope: Optional[str] = None,
              start: Optional[TimestampLike] = None, end: Optional[TimestampLike] = None,
              model: Optional[str] = None, base_url: Optional[str] = None,
              api_key_env: Optional[str] = None, format: Optional[str] = None) -> Any:
        """An answer with every source's provenance (AuditReport, or its Markdown/text)."""
        ...
    @property
    def sessions(self) -> Sessions: ...
    def session(self, name: str = "") -> contextlib.AbstractContextManager[SessionInfo]: ...
    @property
    def facts(self) -> Facts:
        """Facts about people read from the memory's texts."""
        ...
    def close(self) -> None:
        """Commits, checkpoints, syncs and releases the lock; a second close is a no-op."""
        ...
    def seal(self) -> None:
        """Commits, checkpoints and syncs everything, then closes the handle."""
        ...
    def refresh(self) -> None:
        """Read-only handle: moves to the newest committed state."""
        ...
    def put(self, text: Optional[str] = None, *, data: Optional[bytes] = None,
            title: Optional[str] = None, uri: Optional[str] = None,
            tags: Optional[Iterable[str]] = None, labels: Optional[Iterable[str]] = None,
            label: Optional[str] = None, metadata: Union[Mapping[str, Any], str, None] = None,
            timestamp: Optional[TimestampLike] = None, vector: Optional[Sequence[float]] = None,
            vector_model: Optional[str] = None, kind: Optional[DocKind] = None,
            chunk_size: Optional[int] = None, chunk_overlap: Optional[int] = None,
            parent: Optional[int] = None, extract_facts: Optional[bool] = None) -> int:
        """Adds a document and returns its frame id."""
        ...
    def put_many(self, documents: Iterable[Union[Document, Mapping[str, Any]]]) -> List[int]:
        """Adds many documents in one transaction; returns their ids in order."""
        ...
    def update(self, id: int, text: Optional[str] = None, *, data: Optional[bytes] = None,
               title: Optional[str] = None, uri: Optional[str] = None,
               tags: Optional[Iterable[str]] = None, labels: Optional[Iterable[str]] = None,
               label: Optional[str] = None, metadata: Union[Mapping[str, Any], str, None] = None,
               timestamp: Optional[TimestampLike] = None,
               vector: Optional[Sequence[float]] = None, vector_model: Optional[str] = None,
               kind: Optional[DocKind] = None, chunk_size: Optional[int] = None,
               chunk_overlap: Optional[int] = None, parent: Optional[int] = None,
               extract_facts: Optional[bool] = None) -> int:
        """Writes a new version of frame id and returns the new id."""
        ...
    def delete(self, id: int) -> None:
        """Marks frame id deleted."""
        ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def transaction(self) -> contextlib.AbstractContextManager[Memvid]:
        """with mem.transaction(): commits on success, rolls back on an exception."""
        ...
    def view(self, id: int, *, payload: bool = True) -> Frame:
        """Frame id with its metadata and (payload=True) its text/bytes."""
        ...
    def find(self, query: str, *, k: int = 10, mode: SearchMode = "auto",
             snippet_chars: int = 200, scope: Optional[str] = None,
             cursor: Optional[str] = None, offset: int = 0, as_of_frame: Optional[int] = None,
             as_of: Optional[TimestampLike] = None, collapse_chunks: bool = True,
             vector: Optional[Sequence[float]] = None, vector_model: Optional[str] = None,
             fusion: Optional[Literal["linear", "rrf"]] = None,
             semantic_weight: Optional[float] = None, title_weight: Optional[float] = None,
             candidates: Optional[int] = None, ef_search: Optional[int] = None,
             nprobe: Optional[int] = None, correction_boost: bool = True, strict: bool = False,
             collapse_duplicates: bool = True,
             semantic_floor: Union[float, bool, None] = None,
             where: Union[Mapping[str, Any], str, None] = None, time_zone: str = "UTC",
             time_anchor: Optional[TimestampLike] = None) -> FindResult:
        """Ranked search; text that is not valid syntax is read as words (strict=True raises QueryError)."""
        ...
    def ask(self, question: str, *, k: int = 8, mode: SearchMode = "auto",
            context_tokens: Optional[int] = None, scope: Optional[str] = None,
            as_of: Optional[TimestampLike] = None, model: Optional[str] = None,
            base_url: Optional[str] = None, api_key_env: Optional[str] = None,
            timeout_ms: Optional[int] = None, context_only: bool = False,
            max_sentences: Optional[int] = None,
            semantic_floor: Union[float, bool, None] = None,
            where: Union[Mapping[str, Any], str, None] = None, time_zone: str = "UTC",
            time_anchor: Optional[TimestampLike] = None) -> AskResult:
        """Answers a question from the memory (extractive without a model)."""
        ...
    def when(self, phrase: str, *, tz: str = "UTC", anchor: Optional[TimestampLike] = None,
             window_minutes: int = 0, since: Optional[TimestampLike] = None,
             until: Optional[TimestampLike] = None, limit: int = 0, reverse: bool = False,
             include_inactive: bool = False,
             where: Union[Mapping[str, Any], str, None] = None, mentions: bool = False,
             within: bool = False) -> WhenResult:
        """The frames within the window a time phrase names (or, with mentions, whose texts mention it)."""
        ...
    def timeline(self, *, since: Optional[TimestampLike] = None,
                 until: Optional[TimestampLike] = None, limit: int = 0, reverse: bool = False,
                 include_inactive: bool = False,
                 where: Union[Mapping[str, Any], str, None] = None) -> List[TimelineEntry]:
        """Frames in time order."""
        ...
    def stats(self) -> Stats: ...
    verify: _VerifyMethod
    """mem.verify(deep=False) checks this memory's file; Memvid.verify(path, deep=False) any file."""
    doctor: _DoctorMethod
    """mem.doctor(**options) on this memory's path; Memvid.doctor(path, **options) on any file."""
    def ingest(self, path: PathLike, *, include: Optional[Iterable[str]] = None,
               exclude: Optional[Iterable[str]] = None, include_hidden: bool = False,
               dedupe: bool = False, dry_run: bool = False, chunk_size: Optional[int] = None,
               chunk_overlap: Optional[int] = None, text_field: Optional[str] = None,
               title_field: Optional[str] = None, max_file_bytes: Optional[int] = None,
               title: Optional[str] = None, uri: Optional[str] = None,
               tags: Optional[Iterable[str]] = None, labels: Optional[Iterable[str]] = None,
               metadata: Optional[Mapping[str, Any]] = None,
               timestamp: Optional[TimestampLike] = None,
               kind: Optional[DocKind] = None) -> IngestReport: ...
    def compact(self, dest: Optional[PathLike] = None) -> None: ...
    def export(self, dest: PathLike) -> None: ...
    @staticmethod
    def who(path: PathLike) -> OwnerInfo: ...
    @staticmethod
    def nudge(path: PathLike) -> None: ...
    @staticmethod
    def restore(snapshot: PathLike, dest: PathLike, *, force: bool = False,
                keep_backup: bool = True) -> RestoreReport:
        """Installs a verified snapshot at dest; an existing memory only with force=True."""
        ...
    @property
    def last_warnings(self) -> List[MemvidWarning]:
        """The warnings of this thread's latest memvid call."""
        ...
    @staticmethod
    def find_sidecar(path: PathLike) -> Optional[str]: ...


def use(kind: Literal["basic"], path: PathLike, *, mode: OpenMode = "auto",
        read_only: bool = False, lock_timeout_ms: Optional[int] = ...,
        sync: Optional[SyncMode] = ..., recovery: Optional[RecoveryMode] = ...,
        nudge_poll_ms: Optional[int] = ..., command: Optional[str] = ...,
        vector_graph_min_rows: Optional[int] = ...,
        language: Optional[str] = ..., chunk_size: Optional[int] = ...,
        chunk_overlap: Optional[int] = ..., embedding_model: Optional[str] = ...,
        embedding_dimension: Optional[int] = ..., vector_compression: Optional[bool] = ...,
        capacity_bytes: Optional[int] = ..., wal_bytes: Optional[int] = ...,
        extract_facts: Optional[bool] = ..., index_time_mentions: Optional[bool] = ...) -> Memvid:
    """Opens or creates the memory at path."""
    ...


def create(path: PathLike, *, lock_timeout_ms: Optional[int] = ...,
           sync: Optional[SyncMode] = ..., recovery: Optional[RecoveryMode] = ...,
           nudge_poll_ms: Optional[int] = ..., command: Optional[str] = ...,
           vector_graph_min_rows: Optional[int] = ...,
           language: Optional[str] = ..., chunk_size: Optional[int] = ...,
           chunk_overlap: Optional[int] = ..., embedding_model: Optional[str] = ...,
           embedding_dimension: Optional[int] = ..., vector_compression: Optional[bool] = ...,
           capacity_bytes: Optional[int] = ..., wal_bytes: Optional[int] = ...,
           extract_facts: Optional[bool] = ..., index_time_mentions: Optional[bool] = ...) -> Memvid:
    """Creates a new memory (AlreadyExistsError if the file exists)."""
    ...


def open_memory(path: PathLike, *, read_only: bool = False, lock_timeout_ms: Optional[int] = ...,
                sync: Optional[SyncMode] = ..., recovery: Optional[RecoveryMode] = ...,
                nudge_poll_ms: Optional[int] = ..., vector_graph_min_rows: Optional[int] = ...) -> Memvid:
    """Opens an existing memory (NotFoundError if missing)."""
    ...


def verify(path: PathLike, deep: bool = False) -> VerifyReport: ...
def doctor(path: PathLike, *, plan_only: bool = False, rebuild_time_index: bool = False,
           rebuild_lex_index: bool = False, rebuild_vec_index: bool = False,
           vacuum: bool = False, lock_timeout_ms: Optional[int] = None,
           output: Optional[PathLike] = None, keep_backup: bool = True) -> DoctorReport: ...
def restore(snapshot: PathLike, dest: PathLike, *, force: bool = False,
            keep_backup: bool = True) -> RestoreReport: ...
def last_warnings() -> List[MemvidWarning]:
    """The warnings of this thread's latest memvid call: its work was committed, a later step
    failed."""
    ...
def who(path: PathLike) -> OwnerInfo: ...
def nudge(path: PathLike) -> None: ...
