// Type declarations for memvid-cpp, the Node.js SDK of the memvid-cpp library: a single-file
// AI memory (.mv2) with lexical (BM25) and semantic search. Every method returns a Promise
// whose work runs off the main thread; failures reject with a MemvidError subclass.

/// <reference types="node" />

/** A point in time: milliseconds since the Unix epoch, a Date, or an ISO-8601 string
 * ("2024-01-31", "2024-01-31T12:34:56Z", "2024-01-31T12:34:56+02:00"). */
export type TimestampInput = number | Date | string;

export type FrameKind = 'text' | 'document' | 'chunk' | 'binary';
export type FrameStatus = 'active' | 'deleted' | 'superseded';
export type SearchMode = 'auto' | 'lex' | 'sem';
export type OpenMode = 'auto' | 'create' | 'open' | 'read_only';
export type Fusion = 'linear' | 'rrf';
export type CheckStatus = 'passed' | 'failed' | 'skipped';
export type Severity = 'info' | 'warn' | 'error';
export type ActionStatus = 'planned' | 'done' | 'failed' | 'skipped';
/** The kinds of memory use() opens. */
export type MemoryKind = 'basic';

/** Options of use(), create() and open(). Unknown names throw a TypeError. */
export interface OpenOptions {
  /** auto (default): open when the file exists, else create; create: fail with
   * AlreadyExistsError when it exists; open: fail with NotFoundError when missing;
   * read_only: open without the writer lock. */
  mode?: OpenMode | 'readOnly';
  /** Same as mode: 'read_only'. */
  readOnly?: boolean;
  /** How long to wait for another writer's lock (ms, default 250). */
  lockTimeoutMs?: number;
  /** full (default): fsync every commit; normal: only checkpoints; off: never. */
  sync?: 'full' | 'normal' | 'off';
  /** default, auto_truncate (replay the WAL, cut torn tails) or strict (never modify). */
  recovery?: 'default' | 'auto_truncate' | 'strict';
  /** Vector index parts this handle writes get an HNSW graph from this many rows (default
   * 100000; smaller ones are scanned exactly): lower it to trade ingest time for query time. */
  vectorGraphMinRows?: number;
  // Creation only:
  /** Snowball stemmer language ("english" by default, "none" for no stemming). */
  language?: string;
  /** Passage size of the index in bytes (default 4000). */
  chunkSize?: number;
  /** Overlap between passages in bytes (default 400). */
  chunkOverlap?: number;
  /** "builtin" (default), "none" (no semantic index), or "provider:model" such as "custom:my-model". */
  embeddingModel?: string;
  /** Vector dimension; 0 or unset: fixed by the first vector. */
  embeddingDimension?: number;
  /** Product-quantized vector index (smaller, approximate, re-ranked exactly). */
  vectorCompression?: boolean;
  /** Read facts from texts as they are put (default true; docs/FACTS.md). */
  extractFacts?: boolean;
  /** Index the dates texts mention, for `when(..., {mentions: true})` and `mentions:` in queries (default true). */
  indexTimeMentions?: boolean;
  /** Expected size of the memory; sizes the embedded WAL. */
  capacityBytes?: number;
  /** WAL size in bytes (64 KiB to 64 MiB, a multiple of 4 KiB); 0: from capacityBytes. */
  walBytes?: number;
}

/** A document to store (put, putMany, update). Give `text` or `data`. */
export interface PutOptions {
  /** UTF-8 text. */
  text?: string;
  /** A binary payload instead of text (kind defaults to 'binary'). */
  data?: Buffer | Uint8Array;
  title?: string;
  uri?: string;
  tags?: string[] | string;
  labels?: string[] | string;
  /** Adds one label (as the original memvid's `put({ label })`). */
  label?: string;
  /** Any JSON object (stored as its compact JSON), or JSON text. */
  metadata?: Record<string, unknown> | string;
  /** Default: now. */
  timestamp?: TimestampInput;
  /** The document's vector when the caller computed it. */
  vector?: Float32Array | Float64Array | number[];
  /** The model the vector came from; must be the memory's. */
  vectorModel?: string;
  kind?: FrameKind;
  /** Frame id of the document a chunk belongs to. */
  parent?: number;
  /** This document's passage size (64 B to 16 MiB). */
  chunkSize?: number;
  chunkOverlap?: number;
  /** Read the facts this text states (default: as the memory was created). */
  extractFacts?: boolean;
}
/** A document: same as PutOptions, with the payload required. */
export type Document = PutOptions & ({ text: string } | { data: Buffer | Uint8Array });

export interface FindOptions {
  /** Hits per page (default 10). */
  k?: number;
  /** auto (default): lexical and semantic fused, lex when semantic search is unavailable. */
  mode?: SearchMode;
  /** Snippet length in characters (default 200; 0: none). */
  snippetChars?: number;
  /** Only frames whose uri starts with this. */
  scope?: string;
  /** FindResult.nextCursor of the previous page. */
  cursor?: string;
  /** Skip this many hits (ignored with cursor). */
  offset?: number;
  /** Only frames with id <= this. */
  asOfFrame?: number;
  /** Only frames with timestamp <= this. */
  asOf?: TimestampInput;
  /** One hit per document, its best chunk (default true). */
  collapseChunks?: boolean;
  /** A correction the query matches ranks by its BM25 score times its boost (default true). */
  correctionBoost?: boolean;
  /** A query vector instead of embedding the query text. */
  vector?: Float32Array | Float64Array | number[];
  /** The model the query vector came from (checked when set). */
  vectorModel?: string;
  fusion?: Fusion;
  /** Linear fusion: the cosine's share of the score (default 0.2). */
  semanticWeight?: number;
  /** BM25F weight of title terms (default 2). */
  titleWeight?: number;
  /** Auto mode: how many hits each retriever contributes (default 100). */
  candidates?: number;
  /** HNSW search breadth (default 256). */
  efSearch?: number;
  /** Inverted lists visited in a compressed index (default 64). */
  nprobe?: number;
  /** Throw QueryError for text that is not valid query syntax (default: read it as plain words, with a note). */
  strict?: boolean;
  /** Fold copies of one content into one hit (default true). */
  collapseDuplicates?: boolean;
  /** Hits found by meaning alone must score this many standard deviations above the query's typical similarity (default 2); false: no floor. */
  semanticFloor?: number | false;
  /** Only frames whose metadata matches, e.g. { user: 'alice', score: { $gte: 3 } } (docs/QUERY.md). */
  where?: Record<string, unknown> | string;
  /** Zone of time phrases in date: clauses (date:"last week"): IANA name, "UTC", "+05:30", "local". */
  timeZone?: string;
  /** What those phrases count from (default now). */
  timeAnchor?: TimestampInput;
}

export interface Hit {
  id: number;
  /** 1-based, across pages. */
  rank: number;
  score: number;
  kind: FrameKind;
  timestampMs: number;
  /** timestampMs as a Date (a non-enumerable getter). */
  readonly timestamp: Date;
  title: string;
  uri: string;
  tags: string[];
  labels: string[];
  /** Which chunk of the frame matched best. */
  chunk: number;
  chunkCount: number;
  /** That chunk's range in the frame's text, in UTF-16 code units: text.slice(chunkBegin, chunkEnd). */
  chunkBegin: number;
  chunkEnd: number;
  /** 1-based page for paged documents (PDFs), else 0. */
  page: number;
  snippet: string;
  /** [begin, end) UTF-16 offsets of the matched terms: snippet.slice(begin, end) is the word. */
  highlights: Array<[number, number]>;
  lexicalMatch: boolean;
  semanticMatch: boolean;
  /** BM25; null when no query term matched. */
  lexicalScore: number | null;
  /** Cosine with the query; null in lex mode or when the frame has no vector. */
  semanticScore: number | null;
  /** Other frames of the same content, folded into this hit (collapseDuplicates). */
  duplicates: number;
  duplicateIds: number[];
}

export interface FindResult {
  /** The mode actually used. */
  mode: SearchMode;
  hits: Hit[];
  /** Pass as FindOptions.cursor for the next page; null when there are no more hits. */
  nextCursor: string | null;
  /** e.g. why a requested mode was not used, or how the query was read. */
  note: string;
  /** Distinct hits: exact when totalHitsExact, else a lower bound. */
  totalHits: number;
  totalHitsExact: boolean;
  /** The cosine hits found by meaning alone had to reach; null when no floor applied. */
  semanticFloor: number | null;
  elapsedMs: number;
}

export interface AskOptions {
  /** Passages to consider (default 8). */
  k?: number;
  mode?: SearchMode;
  /** Budget for the passages (about 4 bytes a token; default 3000). */
  contextTokens?: number;
  scope?: string;
  asOf?: TimestampInput;
  /** A language model: "openai:gpt-4o", "ollama:llama3", ...; none: an extractive answer. */
  model?: string;
  baseUrl?: string;
  /** Environment variable holding the API key. */
  apiKeyEnv?: string;
  timeoutMs?: number;
  /** Retrieve and assemble the context only; no answer. */
  contextOnly?: boolean;
  /** Extractive answer length in sentences (default 4). */
  maxSentences?: number;
  /** Every passage must score this many standard deviations above the memory's typical similarity to the question (default 2); false: no floor. */
  semanticFloor?: number | false;
  /** Only frames whose metadata matches (FindOptions.where). */
  where?: Record<string, unknown> | string;
  /** Zone of time phrases in date: clauses (date:"last week"): IANA name, "UTC", "+05:30", "local". */
  timeZone?: string;
  /** What those phrases count from (default now). */
  timeAnchor?: TimestampInput;
}

export interface AskSource {
  /** The citation number: [number] in the answer. */
  number: number;
  id: number;
  title: string;
  uri: string;
  timestampMs: number;
  readonly timestamp: Date;
  page: number;
  /** The passage's range in the frame's text, in UTF-16 code units. */
  chunkBegin: number;
  chunkEnd: number;
  score: number;
  snippet: string;
  text: string;
}

export interface AskResult {
  question: string;
  /** Empty with contextOnly. */
  answer: string;
  /** Some relevant passage was found. */
  found: boolean;
  usedModel: boolean;
  model: string;
  note: string;
  sources: AskSource[];
  /** The numbers the answer cites, in order of first use. */
  citations: number[];
  /** The numbered passages as given to the model. */
  context: string;
  mode: SearchMode;
  retrievalMs: number;
  generationMs: number;
  promptTokens: number;
  completionTokens: number;
}

export interface TimelineOptions {
  /** Inclusive. */
  since?: TimestampInput;
  /** Inclusive. */
  until?: TimestampInput;
  /** 0 (default): no limit. */
  limit?: number;
  /** Newest first. */
  reverse?: boolean;
  /** Also deleted and superseded frames. */
  includeInactive?: boolean;
  /** Only frames whose metadata matches (FindOptions.where). */
  where?: Record<string, unknown> | string;
}

export interface TimelineEntry {
  id: number;
  timestampMs: number;
  readonly timestamp: Date;
  kind: FrameKind;
  status: FrameStatus;
  title: string;
  uri: string;
  /** The first characters of the text. */
  preview: string;
}

export interface WhenOptions {
  /** Time zone: an IANA name (Europe/Berlin), "UTC", an offset (+05:30) or "local". Default UTC. */
  tz?: string;
  /** What the phrase counts from (default now). */
  anchor?: TimestampInput;
  /** Widen the window this many minutes on each side. */
  windowMinutes?: number;
  /** And no earlier than this (inclusive). */
  since?: TimestampInput;
  /** And no later than this (inclusive). */
  until?: TimestampInput;
  /** 0 (default): every frame in the window. */
  limit?: number;
  reverse?: boolean;
  includeInactive?: boolean;
  where?: Record<string, unknown> | string;
  /** Frames whose texts mention a day of the window ("March 2024" written in June), not frames written then. */
  mentions?: boolean;
  /** With `mentions`: only mentions that lie entirely within the window. */
  within?: boolean;
}

/** A date a text mentions: its UTF-8 byte span, its words and the calendar days it names (no zone). */
export interface TimeMention {
  /** The frame it is in (0 from findTimeMentions). */
  frame: number;
  begin: number;
  end: number;
  text: string;
  /** YYYY-MM-DD, both included. */
  firstDay: string;
  lastDay: string;
  /** day, week, weekend, month, quarter, season, half, year, decade or range. */
  granularity: string;
  /** Counted from the day the text was written ("last week"). */
  relative: boolean;
  /** 03/04/2025 read month first, or a two-digit year. */
  ambiguous: boolean;
}

/** The window [startMs, endMs) a time phrase names; an edge is null when open ("since 2024"). */
export interface TimeWindow {
  startMs: number | null;
  endMs: number | null;
  /** The edges in the zone's local time with their offset: 2025-11-17T00:00:00-05:00. */
  startLocal: string | null;
  endLocal: string | null;
  /** instant, second, minute, hour, day, week, weekend, month, quarter, year, decade, part-of-day, rolling, range. */
  granularity: string;
  zone: string;
  /** A reading had to be chosen (03/04/2025 read month first); `note` says which. */
  ambiguous: boolean;
  note: string;
}

export interface WhenResult {
  phrase: string;
  anchorMs: number;
  window: TimeWindow;
  frames: TimelineEntry[];
  /** With `mentions: true`: the mentions in the window, of the frames listed, in their order. */
  mentions: TimeMention[];
}

export interface ViewOptions {
  /** Read the payload (default true); false: metadata only, no `data`. */
  payload?: boolean;
}

export interface Frame {
  id: number;
  kind: FrameKind;
  status: FrameStatus;
  timestampMs: number;
  readonly timestamp: Date;
  title: string;
  uri: string;
  tags: string[];
  labels: string[];
  /** The parsed metadata object ({} when none; the stored text itself if it does not parse). */
  metadata: Record<string, unknown> | string;
  parent: number | null;
  /** The frame this one replaced (update). */
  supersedes: number | null;
  /** The frame that replaced this one. */
  supersededBy: number | null;
  /** BLAKE3 of the payload, hex. */
  contentHash: string;
  payloadBytes: number;
  storedBytes: number;
  compressed: boolean;
  hasVector: boolean;
  /** Its own passage size, or null. */
  chunkSize: number | null;
  chunkOverlap: number | null;
  /** A vacuum removed this inactive frame's record. */
  removed: boolean;
  /** The payload as a string when it is valid UTF-8 (and was read), else null. */
  text: string | null;
  /** The payload bytes; null when read with payload: false. */
  data: Buffer | null;
}

export interface Stats {
  /** Every frame ever written, whatever its status. */
  frames: number;
  activeFrames: number;
  deletedFrames: number;
  supersededFrames: number;
  payloadBytes: number;
  storedBytes: number;
  fileBytes: number;
  walBytes: number;
  walUsedBytes: number;
  walPendingTransactions: number;
  tocSegments: number;
  generation: number;
  /** Empty: no semantic index. */
  embeddingModel: string;
  embeddingDimension: number;
  vectorCompression: boolean;
  vectors: number;
  /** Why semantic search cannot run right now; empty when it can. */
  semanticUnavailable: string;
}

export interface VerifyOptions {
  /** Also check every payload and index coverage. */
  deep?: boolean;
}

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface VerifyReport {
  path: string;
  deep: boolean;
  /** Every check passed or was skipped. */
  ok: boolean;
  checks: CheckResult[];
  damagedFrames: number[];
  frames: number;
  fileBytes: number;
  elapsedMs: number;
}

export interface DoctorOptions {
  /** Report findings and the plan; change nothing. */
  planOnly?: boolean;
  rebuildTimeIndex?: boolean;
  rebuildLexIndex?: boolean;
  rebuildVecIndex?: boolean;
  /** Drop deleted and superseded frames and dead index bytes. */
  vacuum?: boolean;
  lockTimeoutMs?: number;
  /** Write the repaired memory here (it must not exist) and leave the file as it is. */
  output?: string;
  /** A salvage in place keeps the damaged file beside it first (default true). */
  keepBackup?: boolean;
}

export interface RestoreOptions {
  /** Replace dest when it is an existing memory (never another kind of file). */
  force?: boolean;
  /** Keep a replaced memory holding frames the snapshot lacks beside dest (default true). */
  keepBackup?: boolean;
}

export interface RestoreReport {
  snapshot: string;
  dest: string;
  snapshotFrames: number;
  /** dest held a memory, now replaced. */
  replaced: boolean;
  replacedFrames: number;
  /** Frames (id and content) of the replaced memory that the snapshot does not hold. */
  droppedFrames: number;
  /** The first 100 of them. */
  droppedIds: number[];
  /** Where the replaced memory was kept, or null. */
  backupPath: string | null;
}

/** A call's work was committed, and a later step failed (e.g. the checkpoint on a full disk). */
export interface MemvidWarning {
  /** What failed, as an ErrorCode name ('NoSpace', 'Io', ...). */
  code: string;
  /** Which step: 'checkpoint', 'close', 'nudge', 'directory-sync', 'sidecar', ... */
  step: string;
  message: string;
}

export interface Finding {
  severity: Severity;
  check: string;
  message: string;
}

export interface DoctorAction {
  name: string;
  description: string;
  status: ActionStatus;
  detail: string;
}

export interface DoctorReport {
  path: string;
  /** The memory verifies (deep) after the actions. */
  ok: boolean;
  changed: boolean;
  findings: Finding[];
  actions: DoctorAction[];
  /** Why the repair could not be carried out (the actions say failed; nothing changed), or null. */
  error: string | null;
  errorCode: string | null;
  /** Where the repaired memory is: path, or the output option. */
  outputPath: string | null;
  /** Where a salvage kept the damaged file, or null. */
  backupPath: string | null;
  framesRecovered: number;
  lostFrames: number[];
  bytesBefore: number;
  bytesAfter: number;
  before: VerifyReport;
  /** null with planOnly or when nothing was done. */
  after: VerifyReport | null;
}

/** The owner record of a memory's writer (Memvid.who). */
export interface OwnerInfo {
  /** An owner record is written. */
  present: boolean;
  /** Its writer lock is held right now. */
  alive: boolean;
  pid: number | null;
  host: string;
  command: string;
  startedMs: number | null;
  heartbeatMs: number | null;
  nudgeRequested: boolean;
}

export interface IngestOptions {
  /** Globs on the relative path ('**' spans directories). */
  include?: string[];
  exclude?: string[];
  includeHidden?: boolean;
  /** Skip documents whose text is already stored. */
  dedupe?: boolean;
  /** Read and extract everything, write nothing. */
  dryRun?: boolean;
  chunkSize?: number;
  chunkOverlap?: number;
  /** JSON records: the key of the text (default "text"). */
  textField?: string;
  /** JSON records: the key of the title (default "title"). */
  titleField?: string;
  maxFileBytes?: number;
  // Defaults for every document:
  title?: string;
  uri?: string;
  tags?: string[] | string;
  labels?: string[] | string;
  metadata?: Record<string, unknown> | string;
  timestamp?: TimestampInput;
  kind?: FrameKind;
}

export interface IngestReport {
  dryRun: boolean;
  filesSeen: number;
  filesProcessed: number;
  documents: number;
  ingested: number;
  duplicates: number;
  filtered: number;
  skipped: IngestSkip[];
  bytesIn: number;
  textBytes: number;
  bytesStored: number;
  invalidUtf8Bytes: number;
  items: IngestedDocument[];
  elapsedMs: number;
}

/** What opening a memory (or its latest refresh) recovered (Memvid.recoveryInfo). */
export interface RecoveryInfo {
  walRecordsReplayed: number;
  transactionsReplayed: number;
  bytesTruncated: number;
  headerFallback: boolean;
  footerFallback: boolean;
}

export interface IngestSkip {
  path: string;
  reason: string;
}

export interface IngestedDocument {
  path: string;
  frame: number | null;
  title: string;
  mime: string;
  textBytes: number;
  pages: number;
}

/** One open memory. Get one from use(), create() or open(). */
/** A fact about an entity (see Memvid.facts). */
export interface FactRecord {
  id: number;
  entity: string;
  entityName: string;
  slot: string;
  value: string;
  valueType: string;
  kind: string;
  cardinality: string;
  polarity: string;
  confidence: number;
  engine: string;
  frame: number;
  uri: string;
  recordedIn: number;
  valueBegin: number;
  valueLength: number;
  validFromMs: number;
  validToMs: number | null;
  recordedAtMs: number;
  supersededBy: number | null;
  retracted: string;
  current: boolean;
  confirms: boolean;
  correction: boolean;
  readonly validFrom: Date;
  readonly validTo: Date | null;
}

/** An entity the facts speak of. */
export interface EntityInfo {
  entity: string;
  name: string;
  kind: string;
  facts: number;
  current: number;
  mentions: number;
}

/** One entity-valued fact walked by Facts.follow. */
export interface FollowEdge {
  source: string;
  sourceName: string;
  slot: string;
  target: string;
  targetName: string;
  depth: number;
  fact: number;
  inverse: boolean;
}

/** What Facts.follow reached. */
export interface FollowResult {
  start: string;
  edges: FollowEdge[];
  reached: string[];
}

export interface FactsOptions {
  entity?: string;
  slot?: string;
  value?: string;
  /** Also facts no longer current: ended, superseded, confirming, retracted. */
  history?: boolean;
  /** "Current" as of this time instead of now. */
  at?: TimestampInput;
  limit?: number;
}

export interface FollowOptions {
  /** Only this relation (spouse, employer, manager, ...). */
  link?: string;
  hops?: number;
  direction?: 'out' | 'in' | 'both';
}

/** A slot's spec and how the memory uses it. */
export interface SlotSchema {
  slot: string;
  cardinality: string;
  valueType: string;
  kind: string;
  inverse: string;
  source: string;
  facts: number;
  entities: number;
}

/** What Facts.correct stored. */
export interface Correction {
  frame: number;
  facts: FactRecord[];
}

export interface CorrectOptions {
  /** Stored as the frame's tags. */
  topics?: string[];
  /** Who or what says so. */
  source?: string;
  /** In find and ask, a query that matches the correction weighs its BM25 score by this (default 2). */
  boost?: number;
  timestamp?: TimestampInput;
}

/** What one Facts.enrich run did. */
export interface EnrichReport {
  engine: string;
  frames: number;
  processed: number;
  already: number;
  facts: number;
  duplicates: number;
  rejected: number;
  failed: number;
  enrichmentFrames: number[];
}

export interface EnrichOptions {
  /** 'rules' (default) or '<provider>:<model>', e.g. 'openai:gpt-4o-mini'. */
  engine?: string;
  /** Read again the frames this engine version has read; only new facts are added. */
  force?: boolean;
  baseUrl?: string;
  apiKeyEnv?: string;
  /** Frames per commit (default 256). */
  batchFrames?: number;
  /** Frames read at once (default 4, at most 64): a model's requests in parallel; the result is the same. */
  workers?: number;
}

/** Facts about people and things read from a memory's texts (docs/FACTS.md). */
export interface SessionInfo {
  /** The frame id of the session's start. */
  id: number;
  name: string;
  startedMs: number;
  endedMs: number | null;
  open: boolean;
  actions: number;
  checkpoints: number;
}

export interface SessionAction {
  seq: number;
  frame: number;
  timeMs: number;
  /** put, put_many, update, delete, find, ask or checkpoint. */
  action: string;
  inputHash: string;
  query: string;
  frames: number[];
  hits: number[];
  stateFrames: number;
  note: string;
}

export interface SessionView {
  session: SessionInfo;
  actions: SessionAction[];
}

export interface ReplayStep {
  seq: number;
  action: string;
  matched: boolean;
  recorded: number[];
  replayed: number[];
  added: number[];
  removed: number[];
  note: string;
}

export interface ReplayReport {
  session: number;
  name: string;
  current: boolean;
  steps: number;
  matched: number;
  mismatched: number;
  ok: boolean;
  details: ReplayStep[];
}

export interface CompareStep {
  seq: number;
  leftAction: string;
  rightAction: string;
  same: boolean;
  note: string;
}

export interface CompareReport {
  left: number;
  right: number;
  same: boolean;
  differing: number;
  steps: CompareStep[];
}

export interface AuditSource {
  number: number;
  frame: number;
  title: string;
  uri: string;
  timestampMs: number;
  readonly timestamp: Date;
  page: number | null;
  byteBegin: number;
  byteEnd: number;
  cited: boolean;
  correction: boolean;
  score: number;
  excerpt: string;
  facts: FactRecord[];
}

export interface AuditReport {
  question: string;
  answer: string;
  found: boolean;
  usedModel: boolean;
  model: string;
  mode: string;
  memory: string;
  frames: number;
  generatedMs: number;
  note: string;
  sources: AuditSource[];
}

export interface AuditOptions {
  k?: number;
  mode?: SearchMode;
  scope?: string;
  /** Only frames from this time. */
  start?: TimestampInput;
  /** Only frames up to this time. */
  end?: TimestampInput;
  /** A language model writes the answer ("openai:gpt-4o", "ollama:llama3"). */
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
}

/** Sessions recorded inside the memory (mem.sessions). */
export declare class Sessions {
  start(name?: string): Promise<SessionInfo>;
  end(): Promise<SessionInfo>;
  checkpoint(note?: string): Promise<SessionInfo>;
  active(): Promise<SessionInfo | null>;
  list(): Promise<SessionInfo[]>;
  view(session: number | string): Promise<SessionView>;
  delete(session: number | string): Promise<void>;
  replay(session: number | string, options?: { current?: boolean }): Promise<ReplayReport>;
  compare(a: number | string, b: number | string): Promise<CompareReport>;
}

export declare class Facts {
  /** Reads facts in the frames the engine has not read yet; idempotent per (frame, engine, version). */
  enrich(options?: EnrichOptions): Promise<EnrichReport>;
  /** Stores statement as a correction whose facts overrule those recorded before it. */
  correct(statement: string, options?: CorrectOptions): Promise<Correction>;
  /** The slots this memory knows: built-in and registered. */
  schema(): Promise<SlotSchema[]>;
  /** Each slot the current facts use, with the spec their values suggest. */
  inferSchema(): Promise<SlotSchema[]>;
  /** Stores specs in the memory (inferred ones only unless overwrite). */
  registerSchema(specs: SlotSchema[], options?: { overwrite?: boolean }): Promise<SlotSchema[]>;
  /** The current facts about entity (one slot, or all), as of `at` when given. */
  state(entity: string, slot?: string | null, options?: { at?: TimestampInput }): Promise<FactRecord[]>;
  list(options?: FactsOptions): Promise<FactRecord[]>;
  entities(): Promise<EntityInfo[]>;
  follow(start: string, options?: FollowOptions): Promise<FollowResult>;
}

export declare class Memvid {
  private constructor();
  /** The file's path. */
  readonly path: string;
  readonly readOnly: boolean;
  /** What opening (or the latest refresh) recovered: WAL records replayed, bytes cut, fallbacks. */
  readonly recoveryInfo: RecoveryInfo;
  /** close() or seal() finished. */
  readonly closed: boolean;
  /** begin() opened a transaction not yet committed or rolled back. */
  readonly inTransaction: boolean;

  /** Stores a document; resolves to its frame id. */
  put(doc: Document): Promise<number>;
  put(text: string, options?: Omit<PutOptions, 'text' | 'data'>): Promise<number>;
  /** Stores many documents in one transaction; resolves to their ids. */
  putMany(docs: Document[]): Promise<number[]>;
  /** Replaces frame id (which becomes 'superseded'); resolves to the new id. */
  update(id: number, doc: Document): Promise<number>;
  update(id: number, text: string, options?: Omit<PutOptions, 'text' | 'data'>): Promise<number>;
  /** Marks a frame deleted. */
  delete(id: number): Promise<void>;
  /** Ranked search in the query language (terms, "phrases", AND/OR/NOT, title:/tag:/uri: fields, date ranges). */
  find(query: string, options?: FindOptions): Promise<FindResult>;
  /** Answers a question from the memory (extractive without a language model). */
  ask(question: string, options?: AskOptions): Promise<AskResult>;
  /** Frames in time order. */
  timeline(options?: TimelineOptions): Promise<TimelineEntry[]>;
  /** The frames within the window a time phrase names ("last monday", "Q4 2025"). */
  when(phrase: string, options?: WhenOptions): Promise<WhenResult>;
  /** Facts about people read from the memory's texts. */
  readonly facts: Facts;
  /** Recorded sessions of this memory. */
  readonly sessions: Sessions;
  /** An answer with every source's provenance; with format its Markdown or text rendering. */
  audit(question: string, options?: AuditOptions & { format?: 'json' }): Promise<AuditReport>;
  audit(question: string, options: AuditOptions & { format: 'markdown' | 'text' }): Promise<string>;
  /** Records what fn does through this handle in a session, ending it when fn settles. */
  session<T>(name: string, fn: (mem: Memvid) => Promise<T> | T): Promise<T>;
  session<T>(fn: (mem: Memvid) => Promise<T> | T): Promise<T>;
  /** One frame, with its payload unless payload: false. */
  view(id: number, options?: ViewOptions): Promise<Frame>;
  stats(): Promise<Stats>;
  /** Frames ever written (every status). */
  frameCount(): Promise<number>;
  /** Read-only integrity checks of this memory's file. */
  verify(options?: VerifyOptions | boolean): Promise<VerifyReport>;
  begin(): Promise<void>;
  /** Ends the transaction and checkpoints. */
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Runs fn inside begin()/commit(); rolls back and rethrows when it throws. */
  transaction<T>(fn: (mem: Memvid) => T | Promise<T>): Promise<T>;
  /** A read-only handle moves to the newest committed state (a no-op on a writer). */
  refresh(): Promise<void>;
  /** Commits, checkpoints, syncs and closes. */
  seal(): Promise<void>;
  /** Closes the handle (idempotent). Later calls reject with ReadOnlyError. */
  close(): Promise<void>;
  /** Adds a file or directory tree in one transaction. */
  ingest(path: string, options?: IngestOptions): Promise<IngestReport>;
  /** compact(dest): writes a compacted copy (dest must not exist); compact(): compacts in place. */
  compact(dest?: string): Promise<void>;
  /** Writes a consistent backup with every frame to dest. */
  export(dest: string): Promise<void>;

  static verify(path: string, options?: VerifyOptions | boolean): Promise<VerifyReport>;
  static doctor(path: string, options?: DoctorOptions): Promise<DoctorReport>;
  static restore(snapshot: string, dest: string, options?: RestoreOptions): Promise<RestoreReport>;
  static who(path: string): Promise<OwnerInfo>;
  /**
   * The warnings of this handle's latest call (its work was committed, a later step failed);
   * each is also emitted with process.emitWarning (type 'MemvidWarning').
   */
  readonly lastWarnings: MemvidWarning[];
  static nudge(path: string): Promise<void>;
}

/** Opens a memory of the given kind ('basic'). */
export declare function use(kind: MemoryKind, path: string, options?: OpenOptions): Promise<Memvid>;
/** use('basic', path, { ...options, mode: 'create' }) */
export declare function create(path: string, options?: Omit<OpenOptions, 'mode' | 'readOnly'>): Promise<Memvid>;
/** use('basic', path, { ...options, mode: 'open' }) (or read-only with readOnly: true) */
export declare function open(path: string, options?: Omit<OpenOptions, 'mode'>): Promise<Memvid>;
/** Read-only integrity checks; never changes a byte and takes no lock. */
export declare function verify(path: string, options?: VerifyOptions | boolean): Promise<VerifyReport>;
/** Finds what is wrong, plans repairs and (unless planOnly) carries them out. */
export declare function doctor(path: string, options?: DoctorOptions): Promise<DoctorReport>;
/** Installs a verified snapshot at dest; an existing memory only with { force: true }. */
export declare function restore(snapshot: string, dest: string, options?: RestoreOptions): Promise<RestoreReport>;
/** The owner record of the current (or last crashed) writer. */
export declare function who(path: string): Promise<OwnerInfo>;
/** Asks a long-lived writer to commit and release its lock at its next call. */
export declare function nudge(path: string): Promise<void>;
/** Milliseconds since the epoch from "1700000000000" or ISO-8601; null when invalid. */
export declare function parseTimestamp(text: string): number | null;
/** The window a time phrase names, in `tz` (default UTC) from `anchor` (default now). */
export declare function resolveTime(phrase: string, options?: { tz?: string; anchor?: TimestampInput }): TimeWindow;
/** The dates a text mentions, relative ones counted from `written` (default now). */
export declare function findTimeMentions(text: string, options?: { written?: TimestampInput }): TimeMention[];
/** ISO-8601 in UTC with milliseconds: 2024-01-31T12:34:56.789Z. */
export declare function formatTimestamp(ms: number | Date): string;

/** The library version. */
export declare const version: string;
/** The .mv2 format version this build writes. */
export declare const formatVersion: number;
/** Every result type's fields as [name, type] pairs, from the library's field lists. */
export declare const resultSchema: Readonly<Record<string, Array<[string, string]>>>;
/** The kinds use() supports. */
export declare const kinds: readonly MemoryKind[];

export type ErrorCode =
  | 'InvalidArgument' | 'NotFound' | 'AlreadyExists' | 'Locked' | 'Corrupt' | 'InvalidToc'
  | 'AuxiliaryFileDetected' | 'Io' | 'NoSpace' | 'ReadOnly' | 'TransactionState' | 'RecoveryNeeded'
  | 'InvalidQuery' | 'ModelUnavailable' | 'ModelMismatch' | 'ProviderFailed' | 'Interrupted' | 'DecryptFailed'
  | 'NotAMemory' | 'Encrypted' | 'Closed';

/** Base class of every library error; `code` is the C++ ErrorCode name. */
export declare class MemvidError extends Error {
  constructor(message: string, code?: ErrorCode);
  readonly code: ErrorCode;
}
/** Something unusable was passed (bad option value, bad JSON metadata, unknown kind). */
export declare class InvalidArgumentError extends MemvidError {}
/** A missing file or frame id. */
export declare class NotFoundError extends MemvidError {}
/** create() over an existing file. */
export declare class AlreadyExistsError extends MemvidError {}
/** Another process (or handle) holds the writer lock. */
export declare class LockedError extends MemvidError {
  constructor(message: string, code?: ErrorCode, pid?: number | null, owner?: OwnerInfo | null);
  /** The lock holder's pid, or null when unknown. */
  readonly pid: number | null;
  /** The owner record, or null when unknown. */
  readonly owner: OwnerInfo | null;
}
/** Bytes on disk fail a checksum, magic or bounds check. */
export declare class CorruptError extends MemvidError {}
/** The table of contents decodes but is inconsistent. */
export declare class InvalidTocError extends CorruptError {}
/** Strict recovery refused to repair the file. */
export declare class RecoveryNeededError extends CorruptError {}
/** A -wal/-shm/-lock/-journal sidecar sits next to the file. */
export declare class AuxiliaryFileDetected extends MemvidError {}
/** The operating system refused a read, write or sync. */
export declare class MemvidIOError extends MemvidError {}
/** The disk is full; nothing committed is lost. */
export declare class NoSpaceError extends MemvidIOError {}
/** A write on a read-only handle or a write-protected file. */
export declare class ReadOnlyError extends MemvidError {}
/** Any call on a handle after close() or seal() (code Closed; a ReadOnlyError, as before). */
export declare class ClosedError extends ReadOnlyError {}
/** begin() inside a transaction, commit() or rollback() outside one. */
export declare class TransactionStateError extends MemvidError {}
/** A malformed search query (code InvalidQuery); the message names the position. */
export declare class QueryError extends MemvidError {}
/** The embedding model is not installed or configured. */
export declare class ModelUnavailableError extends MemvidError {}
/** A vector from a different embedding model or dimension than the memory's. */
export declare class ModelMismatchError extends MemvidError {}
/** An embedding or chat endpoint failed (code ProviderFailed). */
export declare class ProviderError extends MemvidError {}
/** Stopped on request; nothing was written (code Interrupted). */
export declare class OperationInterruptedError extends MemvidError {}
/** A capsule's password is wrong, or its bytes were changed (code DecryptFailed). */
export declare class DecryptError extends MemvidError {}
/** The file is not a memvid memory (another kind of file, empty, a directory); nothing was changed. */
export declare class NotAMemoryError extends MemvidError {}
/** The file is an encrypted capsule: unlock it first (code Encrypted); nothing was changed. */
export declare class EncryptedError extends NotAMemoryError {}

/** ErrorCode -> error class. */
export declare const errorClasses: Readonly<Record<ErrorCode, new (message: string) => MemvidError>>;
