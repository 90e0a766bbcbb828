'use strict';
// Every error class: the library's failures arrive as MemvidError subclasses with `code`.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const { memvid, tmpdir, freshMemory, CORPUS } = require('./helpers');

function isError(Cls, code, pattern) {
  return (e) => {
    assert.ok(e instanceof Cls, `expected ${Cls.name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    assert.ok(e instanceof memvid.MemvidError);
    assert.ok(e instanceof Error);
    assert.equal(e.code, code);
    assert.equal(e.name, Cls.name);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

describe('error classes', () => {
  test('the hierarchy and codes', () => {
    assert.ok(new memvid.InvalidTocError('x') instanceof memvid.CorruptError);
    assert.ok(new memvid.RecoveryNeededError('x') instanceof memvid.CorruptError);
    assert.ok(new memvid.NoSpaceError('x') instanceof memvid.MemvidIOError);
    const expected = {
      InvalidArgument: 'InvalidArgumentError', NotFound: 'NotFoundError', AlreadyExists: 'AlreadyExistsError',
      Locked: 'LockedError', Corrupt: 'CorruptError', InvalidToc: 'InvalidTocError', RecoveryNeeded: 'RecoveryNeededError',
      AuxiliaryFileDetected: 'AuxiliaryFileDetected', Io: 'MemvidIOError', NoSpace: 'NoSpaceError', ReadOnly: 'ReadOnlyError', Closed: 'ClosedError',
      TransactionState: 'TransactionStateError', InvalidQuery: 'QueryError', ModelUnavailable: 'ModelUnavailableError',
      ModelMismatch: 'ModelMismatchError', ProviderFailed: 'ProviderError', Interrupted: 'OperationInterruptedError',
      DecryptFailed: 'DecryptError',
      NotAMemory: 'NotAMemoryError',
      Encrypted: 'EncryptedError',
    };
    for (const [code, name] of Object.entries(expected)) {
      const Cls = memvid[name];
      assert.equal(memvid.errorClasses[code], Cls, code);
      const e = new Cls('message');
      assert.equal(e.code, code);
      assert.equal(e.name, name);
      assert.equal(e.message, 'message');
      assert.ok(e instanceof memvid.MemvidError);
    }
    const locked = new memvid.LockedError('m');
    assert.equal(locked.pid, null);
    assert.equal(locked.owner, null);
  });
});

describe('errors from the library', () => {
  test('create over an existing file: AlreadyExistsError', async (t) => {
    const { file } = await freshMemory(t);
    await assert.rejects(memvid.create(file), isError(memvid.AlreadyExistsError, 'AlreadyExists'));
    await assert.rejects(memvid.use('basic', file, { mode: 'create' }), memvid.AlreadyExistsError);
  });

  test('open a missing file: NotFoundError', async (t) => {
    const dir = tmpdir(t);
    const missing = path.join(dir, 'missing.mv2');
    await assert.rejects(memvid.open(missing), isError(memvid.NotFoundError, 'NotFound'));
    await assert.rejects(memvid.use('basic', missing, { readOnly: true }), memvid.NotFoundError);
    assert.equal(fs.existsSync(missing), false);
  });

  test('a missing frame or input: NotFoundError', async (t) => {
    const { dir, mem } = await freshMemory(t);
    await assert.rejects(mem.ingest(path.join(dir, 'no', 'such', 'dir')), memvid.NotFoundError);
    await assert.rejects(mem.view(42), isError(memvid.NotFoundError, 'NotFound'));
    await assert.rejects(mem.delete(42), memvid.NotFoundError);
    await assert.rejects(mem.update(42, { text: 'x' }), memvid.NotFoundError);
  });

  test('a second writer: LockedError with the owner pid', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.put({ text: 'held' });
    await assert.rejects(memvid.open(file, { lockTimeoutMs: 0 }), (e) => {
      isError(memvid.LockedError, 'Locked')(e);
      assert.equal(e.pid, process.pid);
      assert.equal(e.owner.pid, process.pid);
      assert.equal(e.owner.alive, true);
      return true;
    });
  });

  test('a writer in another process: LockedError with its pid', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.close();
    const script = `
      const m = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      m.open(${JSON.stringify(file)}).then(() => { process.stdout.write('ready\\n'); setTimeout(() => {}, 60000); });
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    t.after(() => child.kill('SIGKILL'));
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    await assert.rejects(memvid.open(file, { lockTimeoutMs: 50 }), (e) => {
      isError(memvid.LockedError, 'Locked')(e);
      assert.equal(e.pid, child.pid);
      assert.equal(e.owner.present, true);
      return true;
    });
    // Readers are not blocked by a writer.
    const ro = await memvid.open(file, { readOnly: true });
    await ro.close();
  });

  test('flipped bytes: CorruptError or a failed verify', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    await mem.seal();
    const bytes = fs.readFileSync(file);
    // Damage every byte of the payload region after the headers and WAL, keeping the size.
    const s = bytes.toString('latin1');
    const at = s.indexOf('Photosynthesis');
    assert.ok(at > 0, 'payload stored uncompressed');
    for (let i = at; i < at + 14; i++) bytes[i] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const report = await memvid.verify(file, { deep: true });
    assert.equal(report.ok, false);
    assert.ok(report.checks.some((c) => c.name === 'FramePayloadChecksums' && c.status === 'failed'));
    assert.ok(report.damagedFrames.length > 0);
    const ro = await memvid.open(file, { readOnly: true });
    t.after(() => ro.close());
    await assert.rejects(ro.view(report.damagedFrames[0]), isError(memvid.CorruptError, 'Corrupt'));

    // A file with no memvid header and no commit of ours is not a memory at all, and a
    // memory whose header page is overwritten is a damaged one.
    const junk = path.join(path.dirname(file), 'junk.mv2');
    fs.writeFileSync(junk, Buffer.alloc(8192, 0x5a));
    await assert.rejects(memvid.open(junk, { readOnly: true }), isError(memvid.NotAMemoryError, 'NotAMemory'));
    const wiped = Buffer.from(bytes);
    wiped.fill(0x5a, 0, 1024);
    fs.writeFileSync(junk, wiped);
    await assert.rejects(memvid.open(junk, { readOnly: true }), isError(memvid.CorruptError, 'Corrupt', /memvid doctor/));
  });

  test('a -wal sidecar: AuxiliaryFileDetected', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.close();
    fs.writeFileSync(file + '-wal', 'stray');
    await assert.rejects(memvid.open(file), isError(memvid.AuxiliaryFileDetected, 'AuxiliaryFileDetected', /-wal/));
  });

  test('a malformed query: QueryError (code InvalidQuery)', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.put({ text: 'anything' });
    // Read as plain words by default, with a note; strict parsing reports the error.
    assert.match((await mem.find('"unclosed')).note, /plain text/);
    await assert.rejects(mem.find('"unclosed', { strict: true }), isError(memvid.QueryError, 'InvalidQuery'));
    await assert.rejects(mem.ask(''), memvid.QueryError);
  });

  test('a write on a read-only handle: ReadOnlyError', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.put({ text: 'x' });
    const ro = await memvid.use('basic', file, { readOnly: true });
    t.after(() => ro.close());
    await assert.rejects(ro.put({ text: 'nope' }), isError(memvid.ReadOnlyError, 'ReadOnly'));
    await assert.rejects(ro.delete(0), memvid.ReadOnlyError);
    await assert.rejects(ro.putMany([{ text: 'a' }]), memvid.ReadOnlyError);
  });

  test('transaction misuse: TransactionStateError', async (t) => {
    const { mem } = await freshMemory(t);
    await assert.rejects(mem.rollback(), isError(memvid.TransactionStateError, 'TransactionState', /no transaction/));
    await mem.begin();
    await assert.rejects(mem.begin(), memvid.TransactionStateError);
    assert.equal(mem.inTransaction, true);
    await mem.rollback();
  });

  test('vectors from another model: ModelMismatchError', async (t) => {
    const { mem } = await freshMemory(t, { embeddingModel: 'custom:a', embeddingDimension: 3 });
    await assert.rejects(mem.put({ text: 'x', vector: [1, 0, 0], vectorModel: 'custom:b' }), isError(memvid.ModelMismatchError, 'ModelMismatch'));
    await assert.rejects(mem.put({ text: 'x', vector: [1, 0] }), memvid.ModelMismatchError);
  });
});

describe('model and provider errors', () => {
  test('semantic search on a memory without an embedding model: InvalidArgumentError', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.put({ text: 'hello world' });
    await assert.rejects(mem.find('hello', { mode: 'sem' }), isError(memvid.InvalidArgumentError, 'InvalidArgument', /embedding model/));
  });

  test('an unreachable language model: ProviderError (code ProviderFailed)', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.put({ text: 'hello world' });
    // Port 9 on the loopback interface refuses the connection: no network needed.
    await assert.rejects(
      mem.ask('hello?', { model: 'ollama:llama3', baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 2000 }),
      isError(memvid.ProviderError, 'ProviderFailed')
    );
  });

  test('the built-in model missing: ModelUnavailableError, and auto mode falls back to lex', () => {
    const script = `
      const m = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      const fs = require('fs'), os = require('os'), path = require('path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-nomodel-'));
      (async () => {
        const mem = await m.create(path.join(dir, 'x.mv2'), { sync: 'off' });
        try {
          const s = await mem.stats();
          if (!s.semanticUnavailable) { console.log('SKIP model installed system-wide'); return; }
          await mem.put({ text: 'lexical still works' });
          const auto = await mem.find('lexical');
          if (auto.mode !== 'lex' || auto.hits.length !== 1 || !auto.note) throw new Error('no fallback: ' + JSON.stringify(auto));
          try { await mem.find('lexical', { mode: 'sem' }); throw new Error('no error'); }
          catch (e) {
            if (!(e instanceof m.ModelUnavailableError) || e.code !== 'ModelUnavailable') throw e;
          }
          console.log('OK');
        } finally {
          await mem.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const env = { ...process.env, HOME: '/nonexistent' };
    delete env.XDG_DATA_HOME;
    delete env.MEMVID_MODEL;
    delete env.MEMVID_MODEL_DIR;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /OK|SKIP/);
  });
});

describe('argument errors', () => {
  test('an unknown kind: InvalidArgumentError naming the supported kinds', async (t) => {
    const dir = tmpdir(t);
    await assert.rejects(memvid.use('fancy', path.join(dir, 'x.mv2')), isError(memvid.InvalidArgumentError, 'InvalidArgument', /basic/));
    assert.equal(fs.existsSync(path.join(dir, 'x.mv2')), false);
  });

  test('unknown option names: TypeError', async (t) => {
    const { file, mem } = await freshMemory(t);
    await assert.rejects(memvid.use('basic', file, { bogus: 1 }), TypeError);
    await assert.rejects(mem.find('x', { kk: 3 }), (e) => e instanceof TypeError && /kk/.test(e.message));
    await assert.rejects(mem.put({ text: 'x', titel: 'typo' }), TypeError);
    await assert.rejects(mem.timeline({ sinse: 1 }), TypeError);
    await assert.rejects(mem.ask('x', { top: 1 }), TypeError);
    await assert.rejects(mem.view(1, { body: true }), TypeError);
    await assert.rejects(memvid.doctor(file, { fix: true }), TypeError);
  });

  test('wrong types: TypeError', async (t) => {
    const { mem } = await freshMemory(t);
    await assert.rejects(mem.put({ title: 'no text' }), TypeError);
    await assert.rejects(mem.put({ text: 42 }), TypeError);
    await assert.rejects(mem.find(42), TypeError);
    await assert.rejects(mem.putMany('nope'), TypeError);
    await assert.rejects(mem.put({ text: 'x', tags: [1] }), TypeError);
    await assert.rejects(mem.put({ text: 'x' }, { title: 'outside' }), TypeError);
    await assert.rejects(mem.put({ text: 'x', vector: ['a'] }), TypeError);
    await assert.rejects(mem.put({ data: 'not a buffer' }), TypeError);
  });

  test('bad values: InvalidArgumentError', async (t) => {
    const { file, mem } = await freshMemory(t);
    await assert.rejects(mem.find('x', { mode: 'fuzzy' }), isError(memvid.InvalidArgumentError, 'InvalidArgument', /mode/));
    await assert.rejects(mem.find('x', { k: -1 }), memvid.InvalidArgumentError);
    await assert.rejects(mem.find('x', { fusion: 'max' }), memvid.InvalidArgumentError);
    await assert.rejects(mem.put({ text: 'x', timestamp: 'yesterday' }), isError(memvid.InvalidArgumentError, 'InvalidArgument', /timestamp/));
    await assert.rejects(mem.put({ text: 'x', timestamp: new Date('nope') }), memvid.InvalidArgumentError);
    await assert.rejects(mem.put({ text: 'x', kind: 'video' }), memvid.InvalidArgumentError);
    await assert.rejects(mem.put({ text: 'x', metadata: '{not json' }), memvid.InvalidArgumentError);
    await assert.rejects(mem.put({ text: 'x', data: Buffer.from('y') }), memvid.InvalidArgumentError);
    await assert.rejects(mem.put({ text: 'x', chunkSize: 8 }), memvid.InvalidArgumentError);
    await assert.rejects(mem.view(-1), memvid.InvalidArgumentError);
    await assert.rejects(memvid.use('basic', file, { mode: 'sometimes' }), memvid.InvalidArgumentError);
    await assert.rejects(memvid.use('basic', file, { sync: 'maybe' }), memvid.InvalidArgumentError);
    await assert.rejects(memvid.use('basic', file, { recovery: 'pray' }), memvid.InvalidArgumentError);
    await assert.rejects(memvid.use('basic', file, { readOnly: true, mode: 'create' }), memvid.InvalidArgumentError);
    const dir = tmpdir(t);
    await assert.rejects(memvid.create(path.join(dir, 'w.mv2'), { walBytes: 1000 }), memvid.InvalidArgumentError);
  });

  test('a handle cannot be constructed directly', () => {
    assert.throws(() => new memvid.Memvid(), TypeError);
  });
});
