'use strict';
// Calls run off the main thread: many finds at once on one handle and on several read-only
// handles, the event loop stays responsive during a long write, and a collected handle is
// released safely.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync } = require('child_process');

const { memvid, freshMemory } = require('./helpers');

const WORDS = ['apple', 'banana', 'cherry', 'delta', 'echo', 'falcon', 'garnet', 'harbor', 'island', 'jungle'];

function corpus(n) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const a = WORDS[i % WORDS.length];
    const b = WORDS[(i * 7 + 3) % WORDS.length];
    docs.push({ text: `Document ${i} talks about ${a} and ${b}. ${'Filler sentence number ' + i + '. '.repeat(3)}`, title: `doc ${i}`, uri: `mv2://c/${i}` });
  }
  return docs;
}

function ids(r) {
  return r.hits.map((h) => [h.id, h.score]);
}

describe('concurrency', () => {
  test('50 concurrent finds on one handle agree with sequential ones', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany(corpus(300));
    const queries = Array.from({ length: 50 }, (_, i) => `${WORDS[i % WORDS.length]} ${WORDS[(i + 3) % WORDS.length]}`);
    const expected = [];
    for (const q of queries) expected.push(ids(await mem.find(q, { k: 5, mode: 'lex' })));
    const results = await Promise.all(queries.map((q) => mem.find(q, { k: 5, mode: 'lex' })));
    assert.equal(results.length, 50);
    results.forEach((r, i) => {
      assert.equal(r.hits.length, 5);
      assert.deepEqual(ids(r), expected[i]);
    });
  });

  test('50 concurrent finds across several read-only handles', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.putMany(corpus(300));
    await mem.close();
    const readers = await Promise.all([1, 2, 3, 4].map(() => memvid.use('basic', file, { readOnly: true })));
    t.after(() => Promise.all(readers.map((r) => r.close())));
    const queries = Array.from({ length: 50 }, (_, i) => WORDS[i % WORDS.length]);
    const expected = [];
    for (const q of queries) expected.push(ids(await readers[0].find(q, { k: 10 })));
    const results = await Promise.all(queries.map((q, i) => readers[i % readers.length].find(q, { k: 10 })));
    results.forEach((r, i) => assert.deepEqual(ids(r), expected[i]));
    // Mixed with other reads on the same handles.
    const mixed = await Promise.all([
      ...readers.map((r) => r.stats()),
      ...readers.map((r) => r.timeline({ limit: 3 })),
      ...readers.map((r) => r.view(0)),
    ]);
    assert.equal(mixed[0].activeFrames, 300);
  });

  test('the event loop stays responsive while a big putMany runs', async (t) => {
    const { mem } = await freshMemory(t);
    const docs = corpus(20000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = process.hrtime.bigint();
    let ticksAtCall;
    const pending = mem.putMany(docs);
    ticksAtCall = ticks;
    const written = await pending;
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    clearInterval(timer);
    assert.equal(written.length, 20000);
    assert.equal(ticksAtCall, 0);
    // The write ran on the thread pool: the timer kept firing while it ran.
    assert.ok(elapsedMs < 50 || ticks >= 3, `only ${ticks} ticks in ${elapsedMs.toFixed(0)} ms`);
    const r = await mem.find('falcon', { k: 3 });
    assert.equal(r.hits.length, 3);
  });

  test('calls queued at once on a writer run in order and all succeed', async (t) => {
    const { mem } = await freshMemory(t);
    const puts = await Promise.all(Array.from({ length: 40 }, (_, i) => mem.put({ text: `note ${i} kiwi` })));
    assert.deepEqual([...puts].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
    const [finds, stats] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => mem.find('kiwi', { k: 50 }))),
      mem.stats(),
    ]);
    for (const f of finds) assert.equal(f.hits.length, 40);
    assert.equal(stats.activeFrames, 40);
  });

  test('close() while many calls are queued: each call succeeds or rejects with ReadOnlyError', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.putMany(corpus(200));
    const calls = [];
    for (let i = 0; i < 60; i++) {
      calls.push(i % 3 === 0 ? mem.put({ text: `late ${i} kiwi` }) : mem.find(WORDS[i % WORDS.length], { k: 3 }));
      if (i === 30) calls.push(mem.close());
    }
    const settled = await Promise.allSettled(calls);
    let ok = 0;
    for (const r of settled) {
      if (r.status === 'fulfilled') ok++;
      else assert.ok(r.reason instanceof memvid.ReadOnlyError, String(r.reason));
    }
    assert.ok(ok > 0);
    assert.equal(mem.closed, true);
    // Every put that resolved was committed.
    const puts = settled.filter((r, i) => r.status === 'fulfilled' && typeof r.value === 'number');
    const ro = await memvid.open(file, { readOnly: true });
    t.after(() => ro.close());
    assert.equal((await ro.find('kiwi', { k: 100 })).hits.length, puts.length);
  });

  test('a handle collected while a call is in flight is released safely', () => {
    const script = `
      const m = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      const fs = require('fs'), os = require('os'), path = require('path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-gc-'));
      const file = path.join(dir, 'gc.mv2');
      let collected = false;
      const registry = new FinalizationRegistry(() => { collected = true; });
      async function start() {
        const mem = await m.create(file, { embeddingModel: 'none' });
        await mem.put({ text: 'survives the collector' });
        registry.register(mem, 'mem');
        return { pending: mem.find('collector') };  // the handle is dropped here
      }
      (async () => {
        const { pending } = await start();
        for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
        const r = await pending;
        if (r.hits.length !== 1) throw new Error('lost the hit');
        for (let i = 0; i < 20 && !collected; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); }
        if (!collected) { console.log('ok (not collected)'); return; }
        await new Promise((r) => setTimeout(r, 50));
        const again = await m.open(file, { lockTimeoutMs: 2000 });
        const f = await again.find('collector');
        if (f.hits.length !== 1) throw new Error('the put was lost');
        await again.close();
        fs.rmSync(dir, { recursive: true, force: true });
        console.log('ok');
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: process.env, timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ok/);
  });
});
