'use strict';
// memvid-cpp for Node.js: a single-file AI memory (.mv2) with lexical and semantic search.
//
//   const { use } = require('memvid-cpp');
//   const mem = await use('basic', 'notes.mv2');
//   await mem.put({ text: 'Paris is the capital of France', title: 'geo' });
//   const { hits } = await mem.find('capital', { k: 5 });
//   await mem.close();
//
// Every method returns a Promise; the library call runs on the libuv thread pool (an N-API
// AsyncWorker), so the event loop stays free. Errors are MemvidError subclasses with a `code`.

const fs = require('fs');
const path = require('path');

// ---------------------------------------------------------------------------------------
// The native addon

function loadAddon() {
  const candidates = [];
  if (process.env.MEMVID_NODE_ADDON) candidates.push(path.resolve(process.env.MEMVID_NODE_ADDON));
  candidates.push(path.join(__dirname, 'build', 'Release', 'memvid.node'));
  for (const file of candidates) {
    if (fs.existsSync(file)) {
      // process.dlopen loads it whatever the file is called (require() needs a .node name).
      const mod = { exports: {} };
      process.dlopen(mod, file);
      return mod.exports;
    }
  }
  throw new Error(
    'memvid-cpp: the native addon was not found (looked for ' + candidates.join(', ') + '). ' +
      'Build it from the memvid-cpp repository: `cmake -S . -B build/node -DMEMVID_BUILD_PYTHON=OFF && ' +
      'cmake --build build/node --target memvid_node` (or run `npm install` in bindings/node), ' +
      'or point MEMVID_NODE_ADDON at a built memvid.node.'
  );
}

const native = loadAddon();

// ---------------------------------------------------------------------------------------
// Errors

/** Base class of every error the library reports; `code` is the C++ ErrorCode name. */
class MemvidError extends Error {
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    this.code = code === undefined ? new.target.code : code;
  }
}
function defineError(name, code, Base = MemvidError) {
  const cls = {
    [name]: class extends Base {
      constructor(message, c = code) {
        super(message, c);
      }
    },
  }[name];
  cls.code = code;
  return cls;
}
const InvalidArgumentError = defineError('InvalidArgumentError', 'InvalidArgument');
const NotFoundError = defineError('NotFoundError', 'NotFound');
const AlreadyExistsError = defineError('AlreadyExistsError', 'AlreadyExists');
class LockedError extends MemvidError {
  constructor(message, code = 'Locked', pid = null, owner = null) {
    super(message, code);
    /** pid of the process holding the writer lock, or null when unknown */
    this.pid = pid;
    /** the owner record (Memvid.who), or null */
    this.owner = owner;
  }
}
LockedError.code = 'Locked';
const CorruptError = defineError('CorruptError', 'Corrupt');
const InvalidTocError = defineError('InvalidTocError', 'InvalidToc', CorruptError);
const RecoveryNeededError = defineError('RecoveryNeededError', 'RecoveryNeeded', CorruptError);
const AuxiliaryFileDetected = defineError('AuxiliaryFileDetected', 'AuxiliaryFileDetected');
const MemvidIOError = defineError('MemvidIOError', 'Io');
const NoSpaceError = defineError('NoSpaceError', 'NoSpace', MemvidIOError);
const ReadOnlyError = defineError('ReadOnlyError', 'ReadOnly');
const ClosedError = defineError('ClosedError', 'Closed', ReadOnlyError);
const TransactionStateError = defineError('TransactionStateError', 'TransactionState');
const QueryError = defineError('QueryError', 'InvalidQuery');
const ModelUnavailableError = defineError('ModelUnavailableError', 'ModelUnavailable');
const ModelMismatchError = defineError('ModelMismatchError', 'ModelMismatch');
const ProviderError = defineError('ProviderError', 'ProviderFailed');
const OperationInterruptedError = defineError('OperationInterruptedError', 'Interrupted');
const DecryptError = defineError('DecryptError', 'DecryptFailed');
const NotAMemoryError = defineError('NotAMemoryError', 'NotAMemory');
const EncryptedError = defineError('EncryptedError', 'Encrypted', NotAMemoryError);

/** C++ ErrorCode name -> class. */
const errorClasses = Object.freeze({
  InvalidArgument: InvalidArgumentError,
  NotFound: NotFoundError,
  AlreadyExists: AlreadyExistsError,
  Locked: LockedError,
  Corrupt: CorruptError,
  InvalidToc: InvalidTocError,
  RecoveryNeeded: RecoveryNeededError,
  AuxiliaryFileDetected: AuxiliaryFileDetected,
  Io: MemvidIOError,
  NoSpace: NoSpaceError,
  ReadOnly: ReadOnlyError,
  Closed: ClosedError,
  TransactionState: TransactionStateError,
  InvalidQuery: QueryError,
  ModelUnavailable: ModelUnavailableError,
  ModelMismatch: ModelMismatchError,
  ProviderFailed: ProviderError,
  Interrupted: OperationInterruptedError,
  DecryptFailed: DecryptError,
  NotAMemory: NotAMemoryError,
  Encrypted: EncryptedError,
});

// The addon rejects with a plain Error carrying `code` (and pid/owner for Locked).
function convertError(e) {
  if (e instanceof MemvidError || !e || typeof e.code !== 'string') return e;
  const Cls = errorClasses[e.code];
  if (!Cls) return e;
  const err = Cls === LockedError ? new LockedError(e.message, e.code, e.pid ?? null, e.owner ?? null) : new Cls(e.message);
  if (Error.captureStackTrace) Error.captureStackTrace(err, convertError);
  return err;
}

async function call(fn) {
  try {
    return await fn();
  } catch (e) {
    throw convertError(e);
  }
}

// ---------------------------------------------------------------------------------------
// Arguments

function checkOptions(options, allowed, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${what}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) {
      throw new TypeError(`${what}: unknown option '${key}' (known: ${[...allowed].join(', ')})`);
    }
  }
  return options;
}

// Dates become milliseconds; numbers and ISO-8601 strings go to the addon as they are.
function toTimestamp(value, what) {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new InvalidArgumentError(`${what}: invalid Date`);
    return ms;
  }
  return value;
}

const DOC_KEYS = new Set([
  'text', 'data', 'title', 'uri', 'tags', 'labels', 'label', 'metadata', 'timestamp', 'vector', 'vectorModel',
  'kind', 'chunkSize', 'chunkOverlap', 'parent', 'extractFacts',
]);

function toDocument(doc, what) {
  if (typeof doc === 'string') doc = { text: doc };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || Buffer.isBuffer(doc)) {
    throw new TypeError(`${what}: a document must be an object such as { text: '...' }`);
  }
  checkOptions(doc, DOC_KEYS, what);
  const out = { ...doc };
  delete out.metadata;
  // `label: 'x'` adds one label, as in the Python SDK and the original memvid's put().
  delete out.label;
  if (doc.label !== undefined && doc.label !== null) {
    if (typeof doc.label !== 'string') throw new TypeError(`${what}: label must be a string`);
    const labels = doc.labels === undefined || doc.labels === null ? [] : doc.labels;
    out.labels = [...(typeof labels === 'string' ? [labels] : labels), doc.label];
  }
  if (doc.metadata !== undefined && doc.metadata !== null) {
    if (typeof doc.metadata === 'string') {
      out.metadataJson = doc.metadata;
    } else if (typeof doc.metadata === 'object' && !Array.isArray(doc.metadata)) {
      out.metadataJson = JSON.stringify(doc.metadata);
    } else {
      throw new InvalidArgumentError(`${what}: metadata must be an object`);
    }
  }
  if (out.timestamp !== undefined) out.timestamp = toTimestamp(out.timestamp, `${what}: timestamp`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Results

function addTimestamp(o) {
  Object.defineProperty(o, 'timestamp', {
    get() {
      return new Date(this.timestampMs);
    },
    enumerable: false,
    configurable: true,
  });
  return o;
}

function wrapFind(r) {
  r.hits.forEach(addTimestamp);
  return r;
}

function wrapAsk(r) {
  r.sources.forEach(addTimestamp);
  return r;
}

function wrapFrame(f) {
  return addTimestamp(f);
}

// ---------------------------------------------------------------------------------------
// The handle

const kNative = Symbol('memvid.native');

const FIND_KEYS = new Set([
  'k', 'mode', 'snippetChars', 'scope', 'cursor', 'offset', 'asOfFrame', 'asOf', 'collapseChunks', 'vector',
  'vectorModel', 'fusion', 'semanticWeight', 'titleWeight', 'candidates', 'efSearch', 'nprobe', 'correctionBoost',
  'strict', 'collapseDuplicates', 'semanticFloor', 'where', 'timeZone', 'timeAnchor',
]);
const ASK_KEYS = new Set([
  'k', 'mode', 'contextTokens', 'scope', 'asOf', 'model', 'baseUrl', 'apiKeyEnv', 'timeoutMs', 'contextOnly',
  'maxSentences', 'semanticFloor', 'where', 'timeZone', 'timeAnchor',
]);
const TIMELINE_KEYS = new Set(['since', 'until', 'limit', 'reverse', 'includeInactive', 'where']);
const AUDIT_KEYS = new Set(['k', 'mode', 'scope', 'start', 'end', 'model', 'baseUrl', 'apiKeyEnv', 'format']);
const WHEN_KEYS = new Set([
  'tz', 'anchor', 'windowMinutes', 'since', 'until', 'limit', 'reverse', 'includeInactive', 'where', 'mentions', 'within',
]);

// where: an object (sent as JSON) or a JSON string.
function whereOption(o, what) {
  if (o.where === undefined || o.where === null) {
    delete o.where;
  } else if (typeof o.where === 'object' && !Array.isArray(o.where)) {
    o.where = JSON.stringify(o.where);
  } else if (typeof o.where !== 'string') {
    throw new TypeError(`${what}: where must be an object or a JSON string`);
  }
  return o;
}
const VIEW_KEYS = new Set(['payload']);
const VERIFY_KEYS = new Set(['deep']);
const DOCTOR_KEYS = new Set([
  'planOnly', 'rebuildTimeIndex', 'rebuildLexIndex', 'rebuildVecIndex', 'vacuum', 'lockTimeoutMs', 'output',
  'keepBackup',
]);
const RESTORE_KEYS = new Set(['force', 'keepBackup']);
const INGEST_KEYS = new Set([
  'include', 'exclude', 'includeHidden', 'dedupe', 'dryRun', 'chunkSize', 'chunkOverlap', 'textField',
  'titleField', 'maxFileBytes', 'title', 'uri', 'tags', 'labels', 'metadata', 'timestamp', 'kind',
]);
const OPEN_KEYS = new Set([
  'mode', 'readOnly', 'lockTimeoutMs', 'sync', 'recovery', 'language', 'chunkSize', 'chunkOverlap',
  'embeddingModel', 'embeddingDimension', 'vectorCompression', 'capacityBytes', 'walBytes', 'extractFacts',
  'indexTimeMentions', 'vectorGraphMinRows',
]);
const FACTS_KEYS = new Set(['entity', 'slot', 'value', 'history', 'at', 'limit']);
const FOLLOW_KEYS = new Set(['link', 'hops', 'direction']);

function verifyDeep(options, what) {
  if (typeof options === 'boolean') return options;
  const o = checkOptions(options, VERIFY_KEYS, what);
  return Boolean(o.deep);
}

function addValidTimes(f) {
  Object.defineProperty(f, 'validFrom', { get() { return new Date(this.validFromMs); }, enumerable: false, configurable: true });
  Object.defineProperty(f, 'validTo', {
    get() { return this.validToMs === null ? null : new Date(this.validToMs); },
    enumerable: false,
    configurable: true,
  });
  return f;
}

/**
 * Facts about people and things read from a memory's texts (`mem.facts`): who works where,
 * lives where, is married to whom; when each was true and where it was said. Entities are
 * names as written, case ignored; the writer of first-person texts is 'user'.
 */
// Sessions recorded inside the memory (memvid/sessions.hpp): while one is open, every put,
// update, delete, find and ask made through a writable handle is recorded in the file.
class Sessions {
  #mem;
  constructor(mem) {
    this.#mem = mem;
  }

  /** Opens a session; InvalidArgumentError when one is open. */
  start(name) {
    return call(async () => this.#mem[kNative].sessionStart(name === undefined ? '' : name));
  }

  /** Closes the open session. */
  end() {
    return call(async () => this.#mem[kNative].sessionEnd());
  }

  /** Records a checkpoint and commits what the session holds back. */
  checkpoint(note) {
    return call(async () => this.#mem[kNative].sessionCheckpoint(note === undefined ? '' : note));
  }

  /** The open session, or null. */
  active() {
    return call(async () => this.#mem[kNative].sessionActive());
  }

  /** Every recorded session, oldest first. */
  list() {
    return call(async () => this.#mem[kNative].sessionList());
  }

  /** A session (by id or name) and its actions in order. */
  view(session) {
    return call(async () => this.#mem[kNative].sessionView(String(session)));
  }

  /** Deletes a session's records (ending it if open). */
  delete(session) {
    return call(async () => this.#mem[kNative].sessionDelete(String(session)));
  }

  /** Re-runs the session's reads as of each one ({ current: true }: against today's state). */
  replay(session, options) {
    const o = checkOptions(options, new Set(['current']), 'sessions.replay');
    return call(async () => this.#mem[kNative].sessionReplay(String(session), o.current === true));
  }

  /** Diffs two sessions action by action. */
  compare(a, b) {
    return call(async () => this.#mem[kNative].sessionCompare(String(a), String(b)));
  }
}

class Facts {
  #mem;
  constructor(mem) {
    this.#mem = mem;
  }

  /** The current facts about entity (one slot, or all), as of `at` when given. */
  state(entity, slot, options) {
    const o = checkOptions(options, new Set(['at']), 'facts.state');
    const q = { entity };
    if (slot !== undefined && slot !== null) q.slot = slot;
    if (o.at !== undefined) q.at = toTimestamp(o.at, 'facts.state: at');
    return this.list(q);
  }

  /** Facts by entity, slot and value; `history: true` adds those no longer current. */
  list(options) {
    return call(async () => {
      const o = { ...checkOptions(options, FACTS_KEYS, 'facts.list') };
      if (o.at !== undefined) o.at = toTimestamp(o.at, 'facts.list: at');
      return (await this.#mem[kNative].factsList(o)).map(addValidTimes);
    });
  }

  /** The entities the facts speak of, with their kind. */
  entities() {
    return call(async () => this.#mem[kNative].factsEntities());
  }

  /** Stores statement as a correction whose facts overrule earlier ones; { frame, facts }. */
  correct(statement, options) {
    return call(async () => {
      const o = { ...checkOptions(options, new Set(['topics', 'source', 'boost', 'timestamp']), 'facts.correct') };
      if (o.timestamp !== undefined) o.timestamp = toTimestamp(o.timestamp, 'facts.correct: timestamp');
      const r = await this.#mem[kNative].factsCorrect(statement, o);
      r.facts.forEach(addValidTimes);
      return r;
    });
  }

  /**
   * Reads facts in the active text frames the engine has not read yet ('rules', or
   * '<provider>:<model>' for a chat model), recorded in enrichment frames committed every
   * batchFrames frames. Idempotent per (frame, engine, version); force reads again.
   */
  enrich(options) {
    return call(async () => {
      const o = checkOptions(options, new Set(['engine', 'force', 'baseUrl', 'apiKeyEnv', 'batchFrames', 'workers']), 'facts.enrich');
      return this.#mem[kNative].factsEnrich(o);
    });
  }

  /** The slots this memory knows: built-in and registered. */
  schema() {
    return call(async () => this.#mem[kNative].factsSchema(false));
  }

  /** Each slot the current facts use, with the spec their values suggest. */
  inferSchema() {
    return call(async () => this.#mem[kNative].factsSchema(true));
  }

  /** Stores specs in the memory (inferred ones only unless overwrite); what was registered. */
  registerSchema(specs, options) {
    return call(async () => {
      const o = checkOptions(options, new Set(['overwrite']), 'facts.registerSchema');
      return this.#mem[kNative].factsRegisterSchema(specs, Boolean(o.overwrite));
    });
  }

  /** Entities reached from start through current entity-valued facts, breadth first. */
  follow(start, options) {
    return call(async () => {
      const o = { ...checkOptions(options, FOLLOW_KEYS, 'facts.follow'), start };
      return this.#mem[kNative].factsFollow(o);
    });
  }
}

/** One open memory (.mv2 file). Create it with use(), create() or open(). */
class Memvid {
  #closed = false;
  #inTransaction = false;

  /** @internal */
  constructor(nativeHandle, token) {
    if (token !== kNative) throw new TypeError('use use(), create() or open() to open a memory');
    Object.defineProperty(this, kNative, { value: nativeHandle });
  }

  /** The file's path. */
  get path() {
    return this[kNative].path();
  }
  /** Whether the handle was opened read-only. */
  get readOnly() {
    return this[kNative].readOnly();
  }
  /** What opening (or the latest refresh) recovered: WAL records replayed, bytes cut, fallbacks. */
  get recoveryInfo() {
    return this[kNative].recoveryInfo();
  }
  /** Whether close() or seal() finished on this handle. */
  get closed() {
    return this.#closed;
  }
  /** Whether begin() opened a transaction that is not yet committed or rolled back. */
  get inTransaction() {
    return this.#inTransaction;
  }

  put(doc, options) {
    return call(() => {
      if (typeof doc === 'string') doc = { ...checkOptions(options, DOC_KEYS, 'put'), text: doc };
      else if (options !== undefined) throw new TypeError('put(doc): give the options inside doc, or call put(text, options)');
      return this[kNative].put(toDocument(doc, 'put'));
    });
  }

  putMany(docs) {
    return call(() => {
      if (!Array.isArray(docs)) throw new TypeError('putMany takes an array of documents');
      return this[kNative].putMany(docs.map((d, i) => toDocument(d, `putMany[${i}]`)));
    });
  }

  update(id, doc, options) {
    return call(() => {
      if (typeof doc === 'string') doc = { ...checkOptions(options, DOC_KEYS, 'update'), text: doc };
      else if (options !== undefined) throw new TypeError('update(id, doc): give the options inside doc, or call update(id, text, options)');
      return this[kNative].update(id, toDocument(doc, 'update'));
    });
  }

  delete(id) {
    return call(() => this[kNative].delete(id));
  }

  find(query, options) {
    return call(async () => {
      const o = whereOption({ ...checkOptions(options, FIND_KEYS, 'find') }, 'find');
      if (o.asOf !== undefined) o.asOf = toTimestamp(o.asOf, 'find: asOf');
      if (o.timeAnchor !== undefined) o.timeAnchor = toTimestamp(o.timeAnchor, 'find: timeAnchor');
      return wrapFind(await this[kNative].find(query, o));
    });
  }

  ask(question, options) {
    return call(async () => {
      const o = whereOption({ ...checkOptions(options, ASK_KEYS, 'ask') }, 'ask');
      if (o.asOf !== undefined) o.asOf = toTimestamp(o.asOf, 'ask: asOf');
      if (o.timeAnchor !== undefined) o.timeAnchor = toTimestamp(o.timeAnchor, 'ask: timeAnchor');
      return wrapAsk(await this[kNative].ask(question, o));
    });
  }

  timeline(options) {
    return call(async () => {
      const o = whereOption({ ...checkOptions(options, TIMELINE_KEYS, 'timeline') }, 'timeline');
      if (o.since !== undefined) o.since = toTimestamp(o.since, 'timeline: since');
      if (o.until !== undefined) o.until = toTimestamp(o.until, 'timeline: until');
      return (await this[kNative].timeline(o)).map(addTimestamp);
    });
  }

  /**
   * The frames written within the window a time phrase names ("last monday", "Q4 2025",
   * "in the last 24 hours"), in the zone `tz` (default UTC), counted from `anchor` (default
   * now): `{phrase, anchorMs, window, frames, mentions}`; `window` says how the phrase was
   * read. With `mentions: true`: the frames whose texts mention a day of the window, and
   * those mentions.
   */
  when(phrase, options) {
    return call(async () => {
      const o = whereOption({ ...checkOptions(options, WHEN_KEYS, 'when') }, 'when');
      for (const key of ['anchor', 'since', 'until']) if (o[key] !== undefined) o[key] = toTimestamp(o[key], `when: ${key}`);
      const r = await this[kNative].when(phrase, o);
      r.frames.forEach(addTimestamp);
      return r;
    });
  }

  /** Facts about people read from the memory's texts (docs/FACTS.md). */
  get facts() {
    return new Facts(this);
  }

  /**
   * An answer with every source's provenance (frame, uri, byte range, page, time, whether it
   * is a correction, the facts read from the passage): an AuditReport, or with
   * `format: 'markdown' | 'text'` its rendering, for a reviewer to file.
   */
  audit(question, options) {
    return call(async () => {
      const o = { ...checkOptions(options, AUDIT_KEYS, 'audit') };
      const format = o.format;
      delete o.format;
      if (format !== undefined && !['markdown', 'text', 'json'].includes(format))
        throw new InvalidArgumentError(`audit: format must be 'markdown', 'text' or 'json', not '${format}'`);
      for (const key of ['start', 'end']) if (o[key] !== undefined) o[key] = toTimestamp(o[key], `audit: ${key}`);
      const out = await this[kNative].audit(question, o);
      if (format === 'markdown' || format === 'text') return out[format];
      out.report.sources.forEach(addTimestamp);
      return out.report;
    });
  }

  /** Recorded sessions of this memory. */
  get sessions() {
    return new Sessions(this);
  }

  /**
   * Records what `fn` does through this handle in a session named `name`, ending it when
   * `fn` settles (also when it throws); resolves to fn's result.
   */
  async session(name, fn) {
    if (typeof name === 'function') [name, fn] = ['', name];
    if (typeof fn !== 'function') throw new TypeError('session(name, fn): fn must be a function');
    await this.sessions.start(name);
    try {
      return await fn(this);
    } finally {
      if (!this.closed) await this.sessions.end();
    }
  }

  view(id, options) {
    return call(async () => wrapFrame(await this[kNative].view(id, checkOptions(options, VIEW_KEYS, 'view'))));
  }

  stats() {
    return call(() => this[kNative].stats());
  }

  frameCount() {
    return call(() => this[kNative].frameCount());
  }

  verify(options) {
    return call(() => {
      // The library checks a file by path; a closed handle refuses like every other call.
      if (this.#closed) throw new ClosedError('the memory handle is closed');
      return this[kNative].verify(verifyDeep(options, 'verify'));
    });
  }

  async #transactionCall(method) {
    try {
      await call(() => this[kNative][method]());
    } finally {
      try {
        this.#inTransaction = await this[kNative].inTransaction();
      } catch {
        this.#inTransaction = false;
      }
    }
  }

  begin() {
    return this.#transactionCall('begin');
  }
  commit() {
    return this.#transactionCall('commit');
  }
  rollback() {
    return this.#transactionCall('rollback');
  }

  /** Runs fn(this) inside begin()/commit(); rolls back and rethrows when it throws. */
  async transaction(fn) {
    await this.begin();
    let result;
    try {
      result = await fn(this);
    } catch (e) {
      if (this.#inTransaction) await this.rollback();
      throw e;
    }
    await this.commit();
    return result;
  }

  refresh() {
    return call(() => this[kNative].refresh());
  }

  async seal() {
    await call(() => this[kNative].seal());
    this.#closed = true;
    this.#inTransaction = false;
  }

  async close() {
    if (this.#closed) return;
    await call(() => this[kNative].close());
    this.#closed = true;
    this.#inTransaction = false;
  }

  ingest(inputPath, options) {
    return call(() => {
      const o = { ...checkOptions(options, INGEST_KEYS, 'ingest') };
      if (o.metadata !== undefined) {
        o.metadataJson = typeof o.metadata === 'string' ? o.metadata : JSON.stringify(o.metadata);
        delete o.metadata;
      }
      if (o.timestamp !== undefined) o.timestamp = toTimestamp(o.timestamp, 'ingest: timestamp');
      return this[kNative].ingest(inputPath, o);
    });
  }

  /** compact(dest) writes a compacted copy; compact() compacts this memory in place. */
  compact(dest) {
    return call(() => this[kNative].compact(dest));
  }

  /** Writes a consistent backup of every frame to dest. */
  export(dest) {
    return call(() => this[kNative].export(dest));
  }

  static verify(file, options) {
    return verify(file, options);
  }
  static doctor(file, options) {
    return doctor(file, options);
  }
  static restore(snapshot, dest, options) {
    return restore(snapshot, dest, options);
  }

  /**
   * The warnings of this handle's latest call: its work was committed, and a later step (the
   * checkpoint on a full disk, say) failed. Each is also emitted as a process warning of type
   * 'MemvidWarning'. Entries are { code, step, message }.
   */
  get lastWarnings() {
    return this[kNative].lastWarnings || [];
  }
  static who(file) {
    return who(file);
  }
  static nudge(file) {
    return nudge(file);
  }

  get [Symbol.toStringTag]() {
    return 'Memvid';
  }
}

// ---------------------------------------------------------------------------------------
// Module functions

const KINDS = ['basic'];

function use(kind, file, options) {
  return call(async () => {
    if (!KINDS.includes(kind)) {
      throw new InvalidArgumentError(`unknown memory kind '${kind}': supported kinds: ${KINDS.join(', ')}`);
    }
    if (typeof file !== 'string') throw new TypeError('use: path must be a string');
    const o = { ...checkOptions(options, OPEN_KEYS, 'use') };
    let mode = o.mode === undefined ? 'auto' : o.mode;
    if (mode === 'readOnly') mode = 'read_only';
    if (!['auto', 'create', 'open', 'read_only'].includes(mode)) {
      throw new InvalidArgumentError(`mode must be 'auto', 'create', 'open' or 'read_only', not '${mode}'`);
    }
    if (o.readOnly) {
      if (mode === 'create') {
        throw new InvalidArgumentError(`readOnly: true conflicts with mode '${mode}'`);
      }
      mode = 'read_only';
    }
    delete o.mode;
    delete o.readOnly;
    const handle = await native.open(file, mode, o);
    return new Memvid(handle, kNative);
  });
}

/** use('basic', file, { ...options, mode: 'create' }) */
function create(file, options) {
  return use('basic', file, { ...(options || {}), mode: 'create' });
}

/** use('basic', file, { ...options, mode: 'open' }) */
function open(file, options) {
  return use('basic', file, { ...(options || {}), mode: 'open' });
}

function verify(file, options) {
  return call(() => native.verify(file, verifyDeep(options, 'verify')));
}

function doctor(file, options) {
  return call(() => native.doctor(file, checkOptions(options, DOCTOR_KEYS, 'doctor')));
}

/**
 * Installs a verified snapshot at dest. An existing dest is replaced only with { force: true },
 * only when it is a memory (NotAMemoryError / EncryptedError otherwise) and no writer holds
 * it; the report counts the replaced memory's frames the snapshot lacks (droppedFrames), and
 * keeps that file beside dest (backupPath) when there are any, unless { keepBackup: false }.
 */
function restore(snapshot, dest, options) {
  return call(() => native.restore(snapshot, dest, checkOptions(options, RESTORE_KEYS, 'restore')));
}

function who(file) {
  return call(() => native.who(file));
}

function nudge(file) {
  return call(() => native.nudge(file));
}

/** Milliseconds since the epoch from "1700000000000" or ISO-8601; null when invalid. */
function parseTimestamp(text) {
  return native.parseTimestamp(text);
}

/**
 * The window of instants a time phrase names, in an IANA zone (`tz`: "Europe/Berlin", "UTC",
 * "+05:30", "local"; default UTC) from `anchor` (Date, ms or ISO-8601; default now):
 * `{startMs, endMs, startLocal, endLocal, granularity, zone, ambiguous, note}`, an edge null
 * when open. Throws InvalidArgumentError for a phrase, zone or date it cannot resolve.
 */
function resolveTime(phrase, options) {
  const o = checkOptions(options, new Set(['tz', 'anchor']), 'resolveTime');
  let anchor = o.anchor === undefined ? Date.now() : toTimestamp(o.anchor, 'resolveTime: anchor');
  if (typeof anchor === 'string') {
    const ms = native.parseTimestamp(anchor);
    if (ms === null) throw new InvalidArgumentError(`resolveTime: anchor: cannot parse '${anchor}' as a timestamp`);
    anchor = ms;
  }
  try {
    return native.resolveTime(phrase, o.tz === undefined ? 'UTC' : o.tz, anchor);
  } catch (e) {
    throw convertError(e);
  }
}

/**
 * The dates a text mentions ("March 5, 2024", "last week", "Q4 2025", "1998-2004"), relative
 * ones counted from `written` (Date, ms or ISO-8601; default now): `[{frame, begin, end, text,
 * firstDay, lastDay, granularity, relative, ambiguous}]`, begin/end being UTF-8 byte offsets.
 */
function findTimeMentions(text, options) {
  const o = checkOptions(options, new Set(['written']), 'findTimeMentions');
  if (typeof text !== 'string') throw new TypeError('findTimeMentions: text must be a string');
  let written = o.written === undefined ? Date.now() : toTimestamp(o.written, 'findTimeMentions: written');
  if (typeof written === 'string') {
    const ms = native.parseTimestamp(written);
    if (ms === null) throw new InvalidArgumentError(`findTimeMentions: written: cannot parse '${written}' as a timestamp`);
    written = ms;
  }
  return native.findTimeMentions(text, written);
}

/** 2024-01-31T12:34:56.789Z */
function formatTimestamp(ms) {
  return native.formatTimestamp(ms instanceof Date ? ms.getTime() : ms);
}

// Shorthand names only, so that Node's CommonJS export detection also gives ES modules every
// name: `import { use, MemvidError } from 'memvid-cpp'`.
const version = native.version;
const formatVersion = native.formatVersion;
// Every result type's fields as [name, type] pairs, from the library's field lists (the
// names the CLI's --json and the Python SDK use, here in camelCase). Types: boolean-like
// "bool", "int", "float", "str", "time" (ms since the epoch), "span" ([begin, end]), "bytes",
// "json", "enum:NAME", a result type's name; "?" may be null, "[]" a list.
const resultSchema = Object.freeze(native.resultSchema);
const kinds = KINDS;
module.exports = {
  use,
  create,
  open,
  verify,
  doctor,
  who,
  nudge,
  restore,
  parseTimestamp,
  formatTimestamp,
  resolveTime,
  findTimeMentions,
  Memvid,
  Facts,
  Sessions,
  version,
  formatVersion,
  resultSchema,
  kinds,
  errorClasses,
  MemvidError,
  InvalidArgumentError,
  NotFoundError,
  AlreadyExistsError,
  LockedError,
  CorruptError,
  InvalidTocError,
  RecoveryNeededError,
  AuxiliaryFileDetected,
  MemvidIOError,
  NoSpaceError,
  ReadOnlyError,
  ClosedError,
  TransactionStateError,
  QueryError,
  ModelUnavailableError,
  ModelMismatchError,
  ProviderError,
  OperationInterruptedError,
  DecryptError,
  NotAMemoryError,
  EncryptedError,
};
