"""Type stubs of memvid_sdk.results."""

import datetime as _dt
from typing import Any, Dict, Iterator, List, Optional, Tuple

__all__: List[str]

def ms_to_datetime(ms: int) -> _dt.datetime: ...


class _Record:
    def __init__(self, **values: Any) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __eq__(self, other: object) -> bool: ...


class Hit(_Record):
    """One search hit (see ``Memvid.find``)."""
    id: int
    rank: int
    score: float
    kind: str
    timestamp_ms: int
    title: str
    uri: str
    tags: List[str]
    labels: List[str]
    chunk: int
    chunk_count: int
    # The matched passage in the frame's text, in code points: view(id).text[chunk_begin:chunk_end].
    chunk_begin: int
    chunk_end: int
    page: int
    snippet: str
    highlights: List[List[int]]
    lexical_match: bool
    semantic_match: bool
    lexical_score: Optional[float]
    semantic_score: Optional[float]
    duplicates: int
    duplicate_ids: List[int]
    @property
    def timestamp(self) -> _dt.datetime: ...


class FindResult(_Record):
    """The hits of ``Memvid.find`` plus paging and mode information. Iterable; ``len()`` is"""
    mode: str
    hits: List[Hit]
    next_cursor: Optional[str]
    note: str
    total_hits: int
    total_hits_exact: bool
    semantic_floor: Optional[float]
    elapsed_ms: float
    def __iter__(self) -> Iterator[Hit]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Hit: ...
    def __bool__(self) -> bool: ...


class AskSource(_Record):
    """One numbered passage of an answer's context."""
    number: int
    id: int
    title: str
    uri: str
    timestamp_ms: int
    page: int
    # The passage in the frame's text, in code points.
    chunk_begin: int
    chunk_end: int
    score: float
    snippet: str
    text: str
    @property
    def timestamp(self) -> _dt.datetime: ...


class AskResult(_Record):
    """The answer of ``Memvid.ask`` with its sources and citations."""
    question: str
    answer: str
    found: bool
    used_model: bool
    model: str
    note: str
    sources: List[AskSource]
    citations: List[int]
    context: str
    mode: str
    retrieval_ms: float
    generation_ms: float
    prompt_tokens: int
    completion_tokens: int


class TimelineEntry(_Record):
    """One frame in time order (see ``Memvid.timeline``)."""
    id: int
    timestamp_ms: int
    kind: str
    status: str
    title: str
    uri: str
    preview: str
    @property
    def timestamp(self) -> _dt.datetime: ...


class Frame(_Record):
    """One frame's metadata and (with ``payload=True``) its payload (see ``Memvid.view``)."""
    id: int
    kind: str
    status: str
    timestamp_ms: int
    title: str
    uri: str
    tags: List[str]
    labels: List[str]
    metadata: Any
    parent: Optional[int]
    supersedes: Optional[int]
    superseded_by: Optional[int]
    content_hash: str
    payload_bytes: int
    stored_bytes: int
    compressed: bool
    has_vector: bool
    chunk_size: Optional[int]
    chunk_overlap: Optional[int]
    removed: bool
    text: Optional[str]
    data: Optional[bytes]
    @property
    def timestamp(self) -> _dt.datetime: ...


class Stats(_Record):
    """Counts and sizes of a memory (every memvid::Stats field)."""
    frames: int
    active_frames: int
    deleted_frames: int
    superseded_frames: int
    payload_bytes: int
    stored_bytes: int
    file_bytes: int
    wal_bytes: int
    wal_used_bytes: int
    wal_pending_transactions: int
    toc_segments: int
    generation: int
    embedding_model: str
    embedding_dimension: int
    vector_compression: bool
    vectors: int
    semantic_unavailable: str


class CheckResult(_Record):
    """One named verify check: status 'passed', 'failed' or 'skipped'."""
    name: str
    status: str
    detail: str


class VerifyReport(_Record):
    """The result of ``verify``: ``ok`` when every check passed or did not apply."""
    path: str
    deep: bool
    ok: bool
    checks: List[CheckResult]
    damaged_frames: List[int]
    frames: int
    file_bytes: int
    elapsed_ms: float
    def check(self, name: str) -> Optional[CheckResult]: ...
    @property
    def failed(self) -> List[CheckResult]: ...


class Finding(_Record):
    """Something doctor observed: severity 'info', 'warn' or 'error'."""
    severity: str
    check: str
    message: str


class DoctorAction(_Record):
    """A repair doctor planned or carried out: status 'planned', 'done', 'failed', 'skipped'."""
    name: str
    description: str
    status: str
    detail: str


class DoctorReport(_Record):
    """The result of ``doctor``: findings, actions, and the verify reports before and after."""
    path: str
    ok: bool
    changed: bool
    findings: List[Finding]
    actions: List[DoctorAction]
    error: Optional[str]
    error_code: Optional[str]
    output_path: Optional[str]
    backup_path: Optional[str]
    frames_recovered: int
    lost_frames: List[int]
    bytes_before: int
    bytes_after: int
    before: VerifyReport
    after: Optional[VerifyReport]


class IngestSkip(_Record):
    """A file or record ``ingest`` did not take, with why."""
    path: str
    reason: str


class IngestedDocument(_Record):
    """A document ``ingest`` extracted (``frame`` is None in a dry run)."""
    path: str
    frame: Optional[int]
    title: str
    mime: str
    text_bytes: int
    pages: int


class IngestReport(_Record):
    """The result of ``Memvid.ingest``."""
    dry_run: bool
    files_seen: int
    files_processed: int
    documents: int
    ingested: int
    duplicates: int
    filtered: int
    skipped: List[IngestSkip]
    bytes_in: int
    text_bytes: int
    bytes_stored: int
    invalid_utf8_bytes: int
    items: List[IngestedDocument]
    elapsed_ms: float


class OwnerInfo(_Record):
    """The owner record of a memory's writer (see ``Memvid.who``)."""
    present: bool
    alive: bool
    pid: Optional[int]
    host: str
    command: str
    started_ms: Optional[int]
    heartbeat_ms: Optional[int]
    nudge_requested: bool


class RestoreReport(_Record):
    """The result of ``Memvid.restore``: what was installed, and what of a replaced memory the
    snapshot does not hold."""
    snapshot: str
    dest: str
    snapshot_frames: int
    replaced: bool
    replaced_frames: int
    dropped_frames: int
    dropped_ids: List[int]
    backup_path: Optional[str]


class RecoveryInfo(_Record):
    """What opening the memory recovered (WAL replay, truncation, header/footer fallback)."""
    wal_records_replayed: int
    transactions_replayed: int
    bytes_truncated: int
    header_fallback: bool
    footer_fallback: bool


class FactRecord(_Record):
    """A fact about an entity (see ``Memvid.facts``)."""
    id: int
    entity: str
    entity_name: str
    slot: str
    value: str
    value_type: str
    kind: str
    cardinality: str
    polarity: str
    confidence: float
    engine: str
    frame: int
    uri: str
    recorded_in: int
    value_begin: int
    value_length: int
    valid_from_ms: int
    valid_to_ms: Optional[int]
    recorded_at_ms: int
    superseded_by: Optional[int]
    retracted: str
    current: bool
    confirms: bool
    correction: bool
    @property
    def valid_from(self) -> _dt.datetime: ...
    @property
    def valid_to(self) -> Optional[_dt.datetime]: ...


class EntityInfo(_Record):
    """An entity the facts speak of (see ``Facts.entities``)."""
    entity: str
    name: str
    kind: str
    facts: int
    current: int
    mentions: int


class FollowEdge(_Record):
    """One entity-valued fact walked by ``Facts.follow``."""
    source: str
    source_name: str
    slot: str
    target: str
    target_name: str
    depth: int
    fact: int
    inverse: bool


class FollowResult(_Record):
    """What ``Facts.follow`` reached."""
    start: str
    edges: List[FollowEdge]
    reached: List[str]


class TimeWindow(_Record):
    """The window a time phrase names (``resolve_time``)."""
    start_ms: Optional[int]
    end_ms: Optional[int]
    start_local: Optional[str]
    end_local: Optional[str]
    granularity: str
    zone: str
    ambiguous: bool
    note: str


class TimeMention(_Record):
    """A date a text mentions."""
    frame: int
    begin: int
    end: int
    text: str
    first_day: str
    last_day: str
    granularity: str
    relative: bool
    ambiguous: bool


class WhenResult(_Record):
    """What ``Memvid.when`` found."""
    phrase: str
    anchor_ms: int
    window: TimeWindow
    frames: List[TimelineEntry]
    mentions: List[TimeMention]


class SessionInfo(_Record):
    """A recorded session."""
    id: int
    name: str
    started_ms: int
    ended_ms: Optional[int]
    open: bool
    actions: int
    checkpoints: int


class SessionAction(_Record):
    """One recorded action."""
    seq: int
    frame: int
    time_ms: int
    action: str
    input_hash: str
    query: str
    frames: List[int]
    hits: List[int]
    state_frames: int
    note: str


class SessionView(_Record):
    """A session and its actions."""
    session: SessionInfo
    actions: List[SessionAction]


class ReplayStep(_Record):
    """One replayed action."""
    seq: int
    action: str
    matched: bool
    recorded: List[int]
    replayed: List[int]
    added: List[int]
    removed: List[int]
    note: str


class ReplayReport(_Record):
    """What a replay found."""
    session: int
    name: str
    current: bool
    steps: int
    matched: int
    mismatched: int
    ok: bool
    details: List[ReplayStep]


class CompareStep(_Record):
    """Two sessions' actions at one position."""
    seq: int
    left_action: str
    right_action: str
    same: bool
    note: str


class CompareReport(_Record):
    """What a comparison found."""
    left: int
    right: int
    same: bool
    differing: int
    steps: List[CompareStep]


class AuditSource(_Record):
    """One source of an audit."""
    number: int
    frame: int
    title: str
    uri: str
    timestamp_ms: int
    page: Optional[int]
    byte_begin: int
    byte_end: int
    cited: bool
    correction: bool
    score: float
    excerpt: str
    facts: List[FactRecord]
    @property
    def timestamp(self) -> _dt.datetime: ...


class AuditReport(_Record):
    """An answer with its sources' provenance."""
    question: str
    answer: str
    found: bool
    used_model: bool
    model: str
    mode: str
    memory: str
    frames: int
    generated_ms: int
    note: str
    sources: List[AuditSource]


class Correction(_Record):
    """What ``Facts.correct`` stored."""
    frame: int
    facts: List[FactRecord]


class EnrichReport(_Record):
    """What one ``Facts.enrich`` run did."""
    engine: str
    frames: int
    processed: int
    already: int
    facts: int
    duplicates: int
    rejected: int
    failed: int
    enrichment_frames: List[int]


class SlotSchema(_Record):
    """A slot's spec and how the memory uses it."""
    slot: str
    cardinality: str
    value_type: str
    kind: str
    inverse: str
    source: str
    facts: int
    entities: int


Check = CheckResult
SCHEMA: Dict[str, List[Tuple[str, str]]]
