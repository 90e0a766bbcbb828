'use strict';
// No SDK call may destroy data: the Node.js side of the SDK rows of the safety matrix
// (docs/SAFETY.md, the "sdk" table, which the Python suite checks too), and the warnings of a
// call whose work was committed when a later step failed.
//
// Each call runs against each kind of file. A refused call changed no byte of anything; a
// call that read changed nothing; a call that wrote left memories that verify, with every
// frame they had (or kept in a backup beside them). The outcomes must equal the table.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { memvid, tmpdir, freshMemory, CORPUS } = require('./helpers');

const DOC = path.join(__dirname, '..', '..', '..', 'docs', 'SAFETY.md');
const CLI = process.env.MEMVID_CLI;
const ENV = { ...process.env, MEMVID_PASSWORD: 'matrix', MEMVID_CAPSULE_KDF: 'min' };

const COLUMNS = ['memory', 'missing', 'text file', 'PDF', 'empty file', 'directory', 'capsule',
  'write-protected memory', 'symlink to a memory', 'memory a writer holds', 'OUT exists', 'full disk',
  'killed at a random moment'];

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const subjectName = (column) => (column === 'PDF' ? 'subject.pdf' : column === 'capsule' ? 'subject.mv2e' : 'subject.mv2');

async function withOpen(s, options, fn) {
  const m = await memvid.use('basic', s, options);
  try {
    await fn(m);
  } finally {
    await m.close();
  }
}

// The rows, labelled as in the document (the Python spelling), with the Node.js calls.
const ROWS = [
  ['use(FILE)', (s) => withOpen(s, { embeddingModel: 'none', lockTimeoutMs: 50 }, async () => {}), true, false],
  ['create(FILE)', async (s) => (await memvid.create(s, { embeddingModel: 'none' })).close(), true, false],
  ['use(FILE, read_only=True)', (s) => withOpen(s, { readOnly: true }, async () => {}), false, false],
  ['put', (s) => withOpen(s, { mode: 'open', lockTimeoutMs: 50 }, (m) => m.put({ text: 'a new note', timestamp: '2024-05-01' })), true, false],
  ['put_many', (s) => withOpen(s, { mode: 'open', lockTimeoutMs: 50 }, (m) => m.putMany([{ text: 'one from a batch' }, { text: 'two from a batch' }])), true, false],
  ['ingest(DIR)', (s, d) => withOpen(s, { mode: 'open', lockTimeoutMs: 50 }, (m) => m.ingest(path.join(d, 'docs'))), true, false],
  ['delete', (s) => withOpen(s, { mode: 'open', lockTimeoutMs: 50 }, (m) => m.delete(0)), true, false],
  ['compact()', (s) => withOpen(s, { mode: 'open', lockTimeoutMs: 50 }, (m) => m.compact()), true, false],
  ['compact(OUT)', (s, d) => withOpen(s, { readOnly: true }, (m) => m.compact(path.join(d, 'out.mv2'))), true, true],
  ['export(OUT)', (s, d) => withOpen(s, { readOnly: true }, (m) => m.export(path.join(d, 'out.mv2'))), true, true],
  ['doctor(FILE)', (s) => memvid.doctor(s, { lockTimeoutMs: 50 }), true, false],
  ['doctor(FILE, vacuum=True)', (s) => memvid.doctor(s, { vacuum: true, lockTimeoutMs: 50 }), true, false],
  ['doctor(FILE, output=OUT)', (s, d) => memvid.doctor(s, { rebuildLexIndex: true, output: path.join(d, 'out.mv2') }), true, true],
  ['restore(SNAPSHOT, FILE, force=True)', (s, d) => memvid.restore(path.join(d, 'snap.mv2'), s, { force: true }), true, false],
  ['verify(FILE, deep=True)', (s) => memvid.verify(s, { deep: true }), false, false],
  ['find', (s) => withOpen(s, { readOnly: true }, (m) => m.find('rivers')), false, false],
  ['who(FILE)', (s) => memvid.who(s), false, false],
  ['nudge(FILE)', (s) => memvid.nudge(s), true, false],
];

let fixtures = null;
async function getFixtures() {
  if (fixtures) return fixtures;
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-fix-'));
  const good = path.join(d, 'good.mv2');
  await withOpen(good, { mode: 'create', embeddingModel: 'none' }, async (m) => {
    for (let i = 0; i < 3; i++) await m.put({ text: `frame ${i} about rivers and mountains`, timestamp: `2024-01-0${i + 1}` });
  });
  await withOpen(path.join(d, 'other.mv2'), { mode: 'create', embeddingModel: 'none' }, async (m) => {
    await m.put({ text: "the snapshot's own first frame", timestamp: '2024-02-01' });
    await m.export(path.join(d, 'snap.mv2'));
  });
  const r = spawnSync(CLI, ['lock', good, '-o', path.join(d, 'caps.mv2e')], { env: ENV });
  assert.equal(r.status, 0, String(r.stderr));
  fixtures = {
    memory: fs.readFileSync(good),
    snapshot: fs.readFileSync(path.join(d, 'snap.mv2')),
    capsule: fs.readFileSync(path.join(d, 'caps.mv2e')),
  };
  fs.rmSync(d, { recursive: true, force: true });
  return fixtures;
}

function layOut(d, column) {
  const f = fixtures;
  fs.writeFileSync(path.join(d, 'good.mv2'), f.memory);
  fs.writeFileSync(path.join(d, 'snap.mv2'), f.snapshot);
  fs.mkdirSync(path.join(d, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(d, 'docs', 'a.md'), '# Alpha\n\nRivers run to the sea.\n');
  const s = path.join(d, subjectName(column));
  switch (column) {
    case 'memory': case 'memory a writer holds': case 'OUT exists': case 'full disk': case 'killed at a random moment':
      fs.writeFileSync(s, f.memory); break;
    case 'text file': fs.writeFileSync(s, Array.from({ length: 300 }, (_, i) => `line ${i} of somebody's notes\n`).join('')); break;
    case 'PDF': fs.writeFileSync(s, PDF); break;
    case 'empty file': fs.writeFileSync(s, ''); break;
    case 'directory': fs.mkdirSync(s); fs.writeFileSync(path.join(s, 'keep.txt'), 'a file inside the directory'); break;
    case 'capsule': fs.writeFileSync(s, f.capsule); break;
    case 'write-protected memory': fs.writeFileSync(s, f.memory); fs.chmodSync(s, 0o444); break;
    case 'symlink to a memory':
      fs.mkdirSync(path.join(d, 'store'));
      fs.writeFileSync(path.join(d, 'store', 'real.mv2'), f.memory);
      fs.symlinkSync('store/real.mv2', s);
      break;
    default: break;
  }
  if (column === 'OUT exists') fs.writeFileSync(path.join(d, 'out.mv2'), "somebody's file that happens to be called out.mv2\n");
  return s;
}

function treeOf(root) {
  const out = {};
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      if (rel === 'filler') continue;
      const st = fs.lstatSync(p);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out[rel] = `link:${fs.readlinkSync(p)}:${mode}`;
      else if (st.isDirectory()) { out[rel] = `dir:${mode}`; walk(p); }
      else out[rel] = `file:${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}:${mode}`;
    }
  };
  walk(root);
  return out;
}

async function framesOf(file) {
  try {
    const m = await memvid.use('basic', file, { readOnly: true });
    try {
      const out = {};
      const n = await m.frameCount();
      for (let i = 0; i < n; i++) {
        const f = await m.view(i, { payload: false });
        out[i] = f.removed ? null : f.contentHash;
      }
      return out;
    } finally {
      await m.close();
    }
  } catch (e) {
    if (e instanceof memvid.MemvidError) return null;
    throw e;
  }
}

const isBackup = (name) => name.includes('.damaged-') || name.includes('.replaced-');
function isMemory(p) {
  const head = Buffer.alloc(520);
  const fd = fs.openSync(p, 'r');
  const n = fs.readSync(fd, head, 0, 520, 0);
  fs.closeSync(fd);
  return n >= 7 && (head.toString('latin1', 0, 7) === 'MV2HEAD' || (n >= 519 && head.toString('latin1', 512, 519) === 'MV2HEAD'));
}

async function checkRules(row, column, d, before, after, framesBefore, refused, context) {
  const [, , writes] = row;
  if (refused || !writes) {
    assert.deepEqual(after, before, `${context}: ${refused ? 'a refused' : 'a reading'} call changed files`);
    return;
  }
  const subject = subjectName(column);
  const real = path.join('store', 'real.mv2');
  for (const [name, entry] of Object.entries(after)) {
    if (before[name] === entry) continue;
    assert.ok([subject, 'out.mv2', real].includes(name) || isBackup(name) || path.basename(name).startsWith('.'),
      `${context}: unexpected change to ${name}`);
  }
  for (const name of Object.keys(before)) assert.ok(name in after, `${context}: ${name} disappeared`);
  if (column === 'symlink to a memory') assert.equal(after[subject], before[subject], `${context}: the symlink changed`);
  for (const name of [subject, 'out.mv2', real]) {
    if (!(name in after) || !after[name].startsWith('file:') || before[name] === after[name]) continue;
    const p = path.join(d, name);
    if (fs.statSync(p).size === 0) continue;
    assert.ok(isMemory(p), `${context}: ${name} is not a memory afterwards`);
    assert.ok((await memvid.verify(p, { deep: true })).ok, `${context}: ${name} fails verification`);
  }
  if (framesBefore) {
    const now = [];
    const f = await framesOf(path.join(d, subject));
    if (f) now.push(f);
    for (const name of Object.keys(after)) {
      if (!isBackup(name)) continue;
      const b = await framesOf(path.join(d, name));
      if (b) now.push(b);
    }
    for (const [id, h] of Object.entries(framesBefore)) {
      if (h !== null) assert.ok(now.some((x) => x[id] === h), `${context}: frame ${id} is gone`);
    }
  }
}

// A small tmpfs over a fresh directory, when this process may mount one.
function tmpfs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]).status === 0;
  return {
    dir,
    mounted,
    fill() {
      const fd = fs.openSync(path.join(dir, 'filler'), 'w');
      for (let chunk = 1 << 16; chunk >= 1;) {
        try {
          if (fs.writeSync(fd, Buffer.alloc(chunk)) < chunk) chunk >>= 1;
        } catch {
          chunk >>= 1;
        }
      }
      fs.closeSync(fd);
    },
    unfill() { fs.rmSync(path.join(dir, 'filler'), { force: true }); },
    close() {
      if (mounted) spawnSync('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A writer in another process, holding the memory until released.
function holder(file) {
  const child = spawn(process.execPath, ['-e', `
    const { use } = require(${JSON.stringify(path.join(__dirname, '..'))});
    (async () => {
      const m = await use('basic', process.argv[1], { mode: 'open' });
      process.stdout.write('ready\\n');
      process.stdin.once('data', async () => { await m.close(); process.exit(0); });
    })().catch((e) => { console.error(e); process.exit(2); });
  `, file], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const ready = new Promise((resolve, reject) => {
    child.stdout.once('data', (b) => (String(b).startsWith('ready') ? resolve() : reject(new Error(String(b)))));
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return { ready, release: () => new Promise((r) => { child.once('exit', r); child.stdin.write('\n'); }) };
}

async function runCell(row, column) {
  const [label, call, , usesOut] = row;
  if (column === 'OUT exists' && !usesOut) return '-';
  const context = `${label} / ${column}`;
  const full = column === 'full disk' ? tmpfs() : null;
  if (full && !full.mounted) {
    full.close();
    return null;
  }
  const d = full ? full.dir : fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-cell-'));
  let h = null;
  try {
    const s = layOut(d, column);
    if (column === 'memory a writer holds') {
      h = holder(s);
      await h.ready;
    }
    const framesBefore = fs.existsSync(s) && fs.statSync(s).isFile() ? await framesOf(s) : null;
    if (full) full.fill();
    const before = treeOf(d);
    let outcome = 'done';
    try {
      await call(s, d);
    } catch (e) {
      assert.ok(e instanceof memvid.MemvidError, `${context}: ${e}`);
      outcome = `refused ${e.constructor.name}`;
    }
    const after = treeOf(d);
    if (full) full.unfill();
    if (h) {
      await h.release();
      h = null;
    }
    await checkRules(row, column, d, before, after, framesBefore, outcome !== 'done', context);
    return outcome;
  } finally {
    if (h) await h.release();
    if (full) full.close();
    else {
      spawnSync('chmod', ['-R', 'u+w', d]);
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
}

// The kill column: the call in a child node process, SIGKILLed at a random moment.
async function killCell(row, column, seed) {
  const [label] = row;
  const script = `
    const t = require(${JSON.stringify(__filename)});
    t.ROWS.find((r) => r[0] === process.argv[1])[1](process.argv[2], process.argv[3]).then(() => process.exit(0),
      (e) => { console.error(String(e)); process.exit(1); });
  `;
  const runChild = (d, s, killAfterMs) => new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, ['-e', script, label, s, d], { stdio: 'ignore', env: { ...process.env, MEMVID_SAFETY_CHILD: '1' } });
    let timer = null;
    if (killAfterMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', (code, signal) => { if (timer) clearTimeout(timer); resolve({ code, signal, ms: Date.now() - start }); });
  });
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-probe-'));
  const fullMs = Math.max(50, (await runChild(probe, layOut(probe, column))).ms);
  fs.rmSync(probe, { recursive: true, force: true });
  let x = seed;
  const random = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  // MEMVID_SHORT_LOOPS=1 (the sanitizer run, where every child process starts slowly): one kill per row.
  const kills = process.env.MEMVID_SHORT_LOOPS === '1' ? 1 : 2;
  for (let k = 0; k < kills; k++) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-kill-'));
    try {
      const s = layOut(d, column);
      const framesBefore = await framesOf(s);
      const before = treeOf(d);
      const r = await runChild(d, s, random() * 1.2 * fullMs);
      const killed = r.signal === 'SIGKILL';
      await checkRules(row, column, d, before, treeOf(d), framesBefore, !killed && r.code !== 0, `${label} / killed`);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
  return 'intact';
}

function documented() {
  const doc = fs.readFileSync(DOC, 'utf8');
  const begin = '<!-- safety-matrix:sdk:begin -->', end = '<!-- safety-matrix:sdk:end -->';
  const lines = doc.slice(doc.indexOf(begin) + begin.length, doc.indexOf(end)).split('\n')
    .filter((l) => l.startsWith('|') && !l.includes('---'));
  const rows = lines.map((l) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
  return { header: rows[0], rows: Object.fromEntries(rows.slice(1).map((r) => [r[0].replace(/`/g, ''), r])) };
}

module.exports = { ROWS };

if (!process.env.MEMVID_SAFETY_CHILD) {
  describe('the SDK safety matrix (docs/SAFETY.md, sdk table)', () => {
    for (const [index, column] of COLUMNS.entries()) {
      test(column, async (t) => {
        await getFixtures();
        const { header, rows } = documented();
        const c = header.indexOf(column);
        assert.ok(c > 0, `docs/SAFETY.md has no SDK column '${column}'`);
        const mismatches = [];
        for (const row of ROWS) {
          const got = column === 'killed at a random moment' ? await killCell(row, column, index * 7919 + 17) : await runCell(row, column);
          if (got === null) {
            t.skip('cannot mount a tmpfs here (needs root)');
            return;
          }
          const want = rows[row[0]] ? rows[row[0]][c] : undefined;
          if (want !== got) mismatches.push(`${row[0]}: the document says '${want}', Node.js gives '${got}'`);
        }
        assert.deepEqual(mismatches, []);
      });
    }
  });

  describe('warnings', () => {
    test('an empty stray sidecar: a MemvidWarning, and the call succeeds', async (t) => {
      const { file, mem } = await freshMemory(t);
      await mem.putMany(CORPUS);
      await mem.close();
      fs.writeFileSync(file + '-wal', '');
      const seen = [];
      const onWarning = (w) => { if (w.name === 'MemvidWarning') seen.push(w); };
      process.on('warning', onWarning);
      t.after(() => process.off('warning', onWarning));
      const ro = await memvid.open(file, { readOnly: true });
      const { hits } = await ro.find('Paris', { mode: 'lex' });
      assert.equal(hits.length, 1);
      assert.deepEqual(ro.lastWarnings, []);  // the find had none
      await ro.close();
      await new Promise((r) => setImmediate(r));
      assert.equal(seen.length, 1);
      assert.equal(seen[0].code, 'AuxiliaryFileDetected');
      assert.equal(seen[0].detail, 'sidecar');
      assert.match(seen[0].message, /-wal/);
      fs.writeFileSync(file + '-wal', 'x');
      await assert.rejects(memvid.open(file, { readOnly: true }), memvid.AuxiliaryFileDetected);
    });

    test('restore: force, dropped frames and the backup', async (t) => {
      const { dir, file, mem } = await freshMemory(t);
      await mem.putMany(CORPUS);
      await mem.export(path.join(dir, 'snap.mv2'));
      await mem.put({ text: 'written after the snapshot' });
      await mem.close();
      await assert.rejects(memvid.restore(path.join(dir, 'snap.mv2'), file), memvid.AlreadyExistsError);
      const r = await memvid.Memvid.restore(path.join(dir, 'snap.mv2'), file, { force: true });
      assert.equal(r.replaced, true);
      assert.equal(r.droppedFrames, 1);
      assert.deepEqual(r.droppedIds, [5]);
      assert.ok(r.backupPath && fs.existsSync(r.backupPath));
      const notes = path.join(dir, 'notes.txt');
      fs.writeFileSync(notes, "somebody's notes\n".repeat(50));
      await assert.rejects(memvid.restore(path.join(dir, 'snap.mv2'), notes, { force: true }), memvid.NotAMemoryError);
      assert.equal(fs.readFileSync(notes, 'utf8'), "somebody's notes\n".repeat(50));
      const d = await memvid.doctor(file, { rebuildLexIndex: true, output: path.join(dir, 'fixed.mv2') });
      assert.equal(d.ok, true);
      assert.equal(d.outputPath, path.join(dir, 'fixed.mv2'));
      assert.equal(d.backupPath, null);
      assert.ok(tmpdir);
    });
  });
}
