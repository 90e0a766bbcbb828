'use strict';
// Every method of the Node.js SDK on a memory without a semantic index (no model needed),
// plus caller-supplied vectors and, when the built-in model is installed, semantic search.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const { memvid, tmpdir, freshMemory, CORPUS } = require('./helpers');

describe('opening', () => {
  test('use() in auto mode creates, then opens', async (t) => {
    const dir = tmpdir(t);
    const file = path.join(dir, 'auto.mv2');
    const mem = await memvid.use('basic', file, { embeddingModel: 'none' });
    assert.ok(mem instanceof memvid.Memvid);
    assert.equal(mem.path, file);
    assert.equal(mem.readOnly, false);
    assert.equal(mem.closed, false);
    assert.equal(await mem.put({ text: 'hello world' }), 0);
    await mem.close();
    assert.equal(mem.closed, true);
    const again = await memvid.use('basic', file);
    assert.equal(await again.frameCount(), 1);
    await again.close();
    const opened = await memvid.open(file, { sync: 'normal', recovery: 'default' });
    assert.equal(await opened.frameCount(), 1);
    await opened.close();
  });

  test('read-only handles: mode read_only and readOnly: true', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.put({ text: 'alpha' });
    await mem.close();
    for (const options of [{ mode: 'read_only' }, { readOnly: true }, { readOnly: true, recovery: 'strict' }, { mode: 'readOnly', lockTimeoutMs: 10 }]) {
      const ro = await memvid.use('basic', file, options);
      assert.equal(ro.readOnly, true);
      assert.equal((await ro.find('alpha')).hits.length, 1);
      await ro.close();
    }
  });

  test('creation options are recorded', async (t) => {
    const { mem } = await freshMemory(t, {
      language: 'english', chunkSize: 1000, chunkOverlap: 100, capacityBytes: 1 << 20, walBytes: 256 * 1024,
      lockTimeoutMs: 100, recovery: 'auto_truncate', vectorCompression: false,
    });
    const s = await mem.stats();
    assert.equal(s.walBytes, 256 * 1024);
    assert.equal(s.embeddingModel, '');
  });

  test('module exports', () => {
    assert.equal(typeof memvid.version, 'string');
    assert.deepEqual(memvid.kinds, ['basic']);
    assert.equal(memvid.parseTimestamp('2024-01-31T00:00:00Z'), 1706659200000);
    assert.equal(memvid.parseTimestamp('nonsense'), null);
    assert.equal(memvid.formatTimestamp(1706659200000), '2024-01-31T00:00:00.000Z');
    assert.equal(memvid.formatTimestamp(new Date(1706659200000)), '2024-01-31T00:00:00.000Z');
  });
});

describe('writing and reading', () => {
  test("label: 'x' adds one label, as in Python and the original memvid", async (t) => {
    const { mem } = await freshMemory(t);
    const a = await mem.put({ text: 'one', label: 'intro' });
    const b = await mem.put({ text: 'two', labels: ['docs'], label: 'intro' });
    assert.deepEqual((await mem.view(a)).labels, ['intro']);
    assert.deepEqual((await mem.view(b)).labels, ['docs', 'intro']);
    await assert.rejects(mem.put({ text: 'three', label: 5 }), TypeError);
  });

  test('put with every option, view returns them', async (t) => {
    const { mem } = await freshMemory(t);
    const ts = Date.UTC(2024, 0, 31, 12, 34, 56);
    const id = await mem.put({
      text: 'Long text about the capital of France. '.repeat(20),
      title: 'A title',
      uri: 'mv2://docs/one',
      tags: ['t1', 't2'],
      labels: ['l1'],
      metadata: { source: 'test', n: 3, nested: { ok: true } },
      timestamp: ts,
      kind: 'document',
      chunkSize: 256,
      chunkOverlap: 32,
    });
    assert.equal(typeof id, 'number');
    const f = await mem.view(id);
    assert.equal(f.id, id);
    assert.equal(f.kind, 'document');
    assert.equal(f.status, 'active');
    assert.equal(f.timestampMs, ts);
    assert.ok(f.timestamp instanceof Date);
    assert.equal(f.timestamp.getTime(), ts);
    assert.equal(f.title, 'A title');
    assert.equal(f.uri, 'mv2://docs/one');
    assert.deepEqual(f.tags, ['t1', 't2']);
    assert.deepEqual(f.labels, ['l1']);
    assert.deepEqual(f.metadata, { source: 'test', n: 3, nested: { ok: true } });
    assert.ok(f.text.startsWith('Long text about'));
    assert.ok(Buffer.isBuffer(f.data));
    assert.equal(f.data.toString('utf8'), f.text);
    assert.equal(f.parent, null);
    assert.equal(f.supersedes, null);
    assert.equal(f.supersededBy, null);
    assert.match(f.contentHash, /^[0-9a-f]{64}$/);
    assert.equal(f.payloadBytes, Buffer.byteLength(f.text));
    assert.equal(typeof f.storedBytes, 'number');
    assert.equal(typeof f.compressed, 'boolean');
    assert.equal(f.chunkSize, 256);
    assert.equal(f.chunkOverlap, 32);
    assert.equal(f.removed, false);
    assert.equal(f.hasVector, false);

    // Timestamps as Date and ISO-8601 strings; a string as the first argument.
    const id2 = await mem.put({ text: 'dated', timestamp: new Date(ts) });
    assert.equal((await mem.view(id2)).timestampMs, ts);
    const id3 = await mem.put({ text: 'iso', timestamp: '2024-01-31T12:34:56Z' });
    assert.equal((await mem.view(id3)).timestampMs, ts);
    const id4 = await mem.put('plain string', { title: 'shorthand' });
    const f4 = await mem.view(id4);
    assert.equal(f4.text, 'plain string');
    assert.equal(f4.title, 'shorthand');
    assert.deepEqual(f4.metadata, {});
    assert.equal(f4.chunkSize, null);
    // Default timestamp: now.
    assert.ok(Math.abs(f4.timestampMs - Date.now()) < 60000);
  });

  test('binary payloads: data Buffer in, Buffer out, text null', async (t) => {
    const { mem } = await freshMemory(t);
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    const id = await mem.put({ data: bytes, title: 'blob' });
    const f = await mem.view(id);
    assert.equal(f.kind, 'binary');
    assert.equal(f.text, null);
    assert.ok(Buffer.isBuffer(f.data));
    assert.ok(f.data.equals(bytes));
    assert.equal(f.payloadBytes, bytes.length);
    const u8 = await mem.put({ data: new Uint8Array([0xc3, 0x28]) });
    assert.deepEqual([...(await mem.view(u8)).data], [0xc3, 0x28]);
    const info = await mem.view(id, { payload: false });
    assert.equal(info.data, null);
    assert.equal(info.text, null);
    assert.equal(info.title, 'blob');
    assert.equal(info.payloadBytes, bytes.length);
  });

  test('putMany writes every document in one call and returns their ids', async (t) => {
    const { mem } = await freshMemory(t);
    const ids = await mem.putMany(CORPUS);
    assert.deepEqual(ids, [0, 1, 2, 3, 4]);
    assert.equal(await mem.frameCount(), 5);
    const f = await mem.view(ids[2]);
    assert.equal(f.title, 'Japan');
    assert.deepEqual(f.tags, ['geo', 'asia']);
    assert.deepEqual(await mem.putMany([]), []);
  });

  test('update supersedes, delete tombstones', async (t) => {
    const { mem } = await freshMemory(t);
    const id = await mem.put({ text: 'version one of the note', title: 'v1' });
    const id2 = await mem.update(id, { text: 'version two of the note', title: 'v2', tags: ['new'] });
    assert.notEqual(id2, id);
    const old = await mem.view(id);
    assert.equal(old.status, 'superseded');
    assert.equal(old.supersededBy, id2);
    const cur = await mem.view(id2);
    assert.equal(cur.supersedes, id);
    assert.equal(cur.title, 'v2');
    assert.equal(cur.text, 'version two of the note');
    assert.deepEqual((await mem.find('version')).hits.map((h) => h.id), [id2]);

    const id3 = await mem.update(id2, 'version three', { title: 'v3' });
    assert.equal((await mem.view(id3)).title, 'v3');

    assert.equal(await mem.delete(id3), undefined);
    assert.equal((await mem.find('version')).hits.length, 0);
    const s = await mem.stats();
    assert.equal(s.frames, 3);
    assert.equal(s.activeFrames, 0);
    assert.equal(s.supersededFrames, 2);
    assert.ok(s.deletedFrames >= 1);
  });

  test('stats has every field', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    const s = await mem.stats();
    for (const key of [
      'frames', 'activeFrames', 'deletedFrames', 'supersededFrames', 'payloadBytes', 'storedBytes', 'fileBytes',
      'walBytes', 'walUsedBytes', 'walPendingTransactions', 'tocSegments', 'generation', 'embeddingDimension', 'vectors',
    ]) {
      assert.equal(typeof s[key], 'number', key);
    }
    assert.equal(s.frames, 5);
    assert.equal(s.activeFrames, 5);
    assert.equal(typeof s.embeddingModel, 'string');
    assert.equal(typeof s.vectorCompression, 'boolean');
    assert.equal(typeof s.semanticUnavailable, 'string');
    assert.ok(s.payloadBytes > 0);
  });
});

describe('find', () => {
  test('hits carry every field; k, mode, snippet and highlights', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    const r = await mem.find('capital', { k: 2, mode: 'lex', snippetChars: 80 });
    assert.equal(r.hits.length, 2);
    assert.equal(r.mode, 'lex');
    assert.equal(typeof r.note, 'string');
    assert.equal(typeof r.elapsedMs, 'number');
    assert.equal(typeof r.nextCursor, 'string');
    const h = r.hits[0];
    for (const key of [
      'id', 'score', 'rank', 'kind', 'timestampMs', 'title', 'uri', 'tags', 'labels', 'chunk', 'chunkCount',
      'chunkBegin', 'chunkEnd', 'page', 'snippet', 'highlights', 'lexicalMatch', 'semanticMatch', 'lexicalScore',
      'semanticScore', 'duplicates', 'duplicateIds',
    ]) {
      assert.ok(key in h, key);
    }
    assert.equal(h.rank, 1);
    assert.equal(r.hits[1].rank, 2);
    assert.ok(h.score >= r.hits[1].score);
    assert.equal(h.kind, 'text');
    assert.ok(h.timestamp instanceof Date);
    assert.equal(h.lexicalMatch, true);
    assert.ok(h.highlights.length > 0);
    const [b, e] = h.highlights[0];
    assert.equal(h.snippet.slice(b, e).toLowerCase(), 'capital');
    assert.equal(h.semanticScore, null);  // lex mode: no cosine
    assert.equal(typeof r.totalHits, 'number');
    assert.equal(typeof r.totalHitsExact, 'boolean');

    const all = await mem.find('capital', { k: 10 });
    assert.equal(all.hits.length, 3);
    assert.equal(all.nextCursor, null);
    assert.ok(['lex', 'auto'].includes(all.mode));
  });

  test('highlights are UTF-16 offsets into the snippet; copies fold into one hit', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany([
      { text: 'Ünïcödé 𝄞 façade — naïve café 𝄞𝄞 and the naïve façade again, “quoted” façade.', title: 'u' },
      { text: 'façade façade', title: 'copy', uri: 'mv2://a' },
      { text: 'façade façade', title: 'copy', uri: 'mv2://b' },
    ]);
    const r = await mem.find('façade naïve', { mode: 'lex', snippetChars: 40 });
    let spans = 0;
    for (const h of r.hits) {
      for (const [b, e] of h.highlights) {
        assert.ok(['façade', 'naïve'].includes(h.snippet.slice(b, e).toLowerCase()), h.snippet);
        spans += 1;
      }
    }
    assert.ok(spans > 2);
    const copies = r.hits.filter(h => h.title === 'copy');
    assert.equal(copies.length, 1);
    assert.equal(copies[0].duplicates, 1);
    assert.equal((await mem.find('façade', { mode: 'lex', collapseDuplicates: false })).hits.length, 3);
    await assert.rejects(mem.find('façade', { semanticFloor: true }), memvid.InvalidArgumentError);
  });

  test('chunk offsets are UTF-16 offsets into the frame text', async (t) => {
    const { mem } = await freshMemory(t);
    const paragraphs = [];
    for (let i = 0; i < 12; i++) paragraphs.push(`Ünïcödé paragraph ${i}: naïve café façade 𝄞 déjà vu, über straße.`);
    paragraphs[9] = 'The quokka lives on Rottnest Island — naïve visitors photograph it 𝄞.';
    const id = await mem.put({ text: paragraphs.join('\n\n'), title: 'long', chunkSize: 200, chunkOverlap: 0 });
    const stored = (await mem.view(id)).text;
    const r = await mem.find('quokka', { mode: 'lex', collapseChunks: false });
    assert.equal(r.hits.length, 1);
    const h = r.hits[0];
    assert.ok(h.chunk > 0);
    assert.ok(stored.slice(h.chunkBegin, h.chunkEnd).includes('quokka'));
    assert.ok(h.chunkEnd - h.chunkBegin < 260);
    const a = await mem.ask('Where does the quokka live?', { contextOnly: true, mode: 'lex' });
    assert.ok(a.sources.length > 0);
    assert.equal(stored.slice(a.sources[0].chunkBegin, a.sources[0].chunkEnd), a.sources[0].text);
  });

  test('where filters by metadata in find, ask and timeline', async (t) => {
    const { mem } = await freshMemory(t);
    for (let i = 0; i < 9; i++) {
      await mem.put({ text: `session note ${i} about the deploy`, metadata: { user: ['ann', 'ben', 'cy'][i % 3], n: i } });
    }
    const ann = (await mem.find('deploy', { k: 20, where: { user: 'ann' } })).hits.map(h => h.id).sort();
    assert.equal(ann.length, 3);
    assert.deepEqual((await mem.find('meta.user:ann', { k: 20 })).hits.map(h => h.id).sort(), ann);
    assert.equal((await mem.find('deploy', { k: 20, where: '{"n": {"$gte": 6}}' })).hits.length, 3);
    const asked = await mem.ask('the deploy?', { mode: 'lex', where: { user: 'ann' } });
    assert.ok(asked.sources.every(s => ann.includes(s.id)));
    assert.equal((await mem.timeline({ where: { n: { $in: [0, 1] } } })).length, 2);
    await assert.rejects(mem.find('deploy', { where: { n: { $near: 1 } } }), memvid.InvalidArgumentError);
    await assert.rejects(mem.find('deploy', { where: 7 }), TypeError);
  });

  test('cursor and offset paging', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    const all = (await mem.find('capital OR cell OR energy', { k: 10, mode: 'lex' })).hits.map((h) => h.id);
    assert.equal(all.length, 5);
    const seen = [];
    let cursor;
    for (;;) {
      const page = await mem.find('capital OR cell OR energy', { k: 2, mode: 'lex', cursor });
      seen.push(...page.hits.map((h) => h.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, all);
    const off = await mem.find('capital OR cell OR energy', { k: 2, mode: 'lex', offset: 2 });
    assert.deepEqual(off.hits.map((h) => h.id), all.slice(2, 4));
    assert.equal(off.hits[0].rank, 3);
  });

  test('scope, asOfFrame, asOf, query language', async (t) => {
    const { mem } = await freshMemory(t);
    const ids = await mem.putMany(
      CORPUS.map((d, i) => ({ ...d, timestamp: Date.UTC(2024, 0, 1 + i) }))
    );
    const scoped = await mem.find('capital', { scope: 'mv2://geo/j' });
    assert.deepEqual(scoped.hits.map((h) => h.id), [ids[2]]);
    const early = await mem.find('capital', { asOfFrame: ids[1] });
    assert.deepEqual(early.hits.map((h) => h.id).sort(), [ids[0], ids[1]]);
    const before = await mem.find('capital', { asOf: new Date(Date.UTC(2024, 0, 1)) });
    assert.deepEqual(before.hits.map((h) => h.id), [ids[0]]);
    const iso = await mem.find('capital', { asOf: '2024-01-02' });
    assert.equal(iso.hits.length, 2);
    const fielded = await mem.find('tag:asia');
    assert.deepEqual(fielded.hits.map((h) => h.id), [ids[2]]);
    const titled = await mem.find('title:germany');
    assert.deepEqual(titled.hits.map((h) => h.id), [ids[1]]);
    const phrase = await mem.find('"capital of japan"');
    assert.deepEqual(phrase.hits.map((h) => h.id), [ids[2]]);
    const tuned = await mem.find('capital', { titleWeight: 1, collapseChunks: false, fusion: 'rrf', semanticWeight: 0.5, candidates: 50, efSearch: 64, nprobe: 8 });
    assert.equal(tuned.hits.length, 3);
  });

  test('caller-supplied vectors: put vector, find by vector in sem mode', async (t) => {
    const { mem } = await freshMemory(t, { embeddingModel: 'custom:test', embeddingDimension: 4 });
    const a = await mem.put({ text: 'north', vector: new Float32Array([1, 0, 0, 0]), vectorModel: 'custom:test' });
    const b = await mem.put({ text: 'east', vector: [0, 1, 0, 0] });
    const c = await mem.put({ text: 'south', vector: [0, 0, 1, 0] });
    assert.equal((await mem.view(a)).hasVector, true);
    const r = await mem.find('', { mode: 'sem', vector: [0.1, 0.9, 0, 0], k: 3 });
    assert.equal(r.mode, 'sem');
    assert.equal(r.hits[0].id, b);
    assert.equal(r.hits[0].semanticMatch, true);
    assert.ok(r.hits[0].semanticScore > 0.9);
    // south is at a right angle to the query: no relevance floor lets a cosine of 0 through...
    assert.ok(!r.hits.map((h) => h.id).includes(c));
    // ...unless the floor is off.
    const all = await mem.find('', { mode: 'sem', vector: [0.1, 0.9, 0, 0], k: 3, semanticFloor: false });
    assert.ok(all.hits.map((h) => h.id).includes(c));
    assert.equal(all.semanticFloor, null);
    const s = await mem.stats();
    assert.equal(s.embeddingModel, 'custom:test');
    assert.equal(s.embeddingDimension, 4);
    assert.equal(s.vectors, 3);
  });

  test('vectorGraphMinRows gives smaller vector parts a graph; search finds the same frames', async (t) => {
    const dir = tmpdir(t);
    const docs = Array.from({ length: 300 }, (_, i) => ({ text: `note ${i}: rivers, mountains and the sea; item ${(i * 7919) % 1000}` }));
    const sizes = {};
    const hits = {};
    for (const rows of [undefined, 1]) {
      const file = path.join(dir, `graph_${rows}.mv2`);
      const mem = await memvid.create(file, rows === undefined ? { sync: 'off' } : { sync: 'off', vectorGraphMinRows: rows });
      if ((await mem.stats()).semanticUnavailable) {
        await mem.close();
        t.skip('semantic search unavailable');
        return;
      }
      await mem.putMany(docs);
      await mem.close();
      sizes[rows] = fs.statSync(file).size;
      const r = await memvid.use('basic', file, { mode: 'read_only' });
      hits[rows] = (await r.find('rivers and the sea', { mode: 'sem', k: 5 })).hits.map((h) => h.id);
      await r.close();
    }
    assert.ok(sizes[1] > sizes[undefined], `${sizes[1]} > ${sizes[undefined]}`);
    assert.equal(hits[1].length, 5);
    assert.deepEqual(hits[1], hits[undefined]);
    await assert.rejects(memvid.create(path.join(dir, 'bad.mv2'), { vectorGraphMinRows: -1 }),
      (e) => e.code === 'InvalidArgument');
  });

  test('semantic search with the built-in model', async (t) => {
    const dir = tmpdir(t);
    const mem = await memvid.create(path.join(dir, 'sem.mv2'), { sync: 'off' });
    t.after(() => mem.close());
    const st = await mem.stats();
    if (st.semanticUnavailable) {
      t.skip(`semantic search unavailable: ${st.semanticUnavailable}`);
      return;
    }
    const ids = await mem.putMany(CORPUS);
    const r = await mem.find('plants turning sunlight into chemical energy', { mode: 'sem', k: 3 });
    assert.equal(r.mode, 'sem');
    assert.equal(r.hits[0].id, ids[3]);
    assert.equal(r.hits[0].semanticMatch, true);
    assert.ok(r.hits[0].semanticScore > 0);
    assert.equal((await mem.view(ids[3])).hasVector, true);
    assert.equal((await mem.stats()).vectors, 5);
    const auto = await mem.find('Eiffel Tower', { mode: 'auto', k: 3 });
    assert.equal(auto.hits[0].id, ids[0]);
  });
});

describe('ask', () => {
  test('extractive answer offline, with sources and citations', async (t) => {
    const { mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    const r = await mem.ask('What is the capital of Japan?', { k: 4, mode: 'lex', maxSentences: 2, contextTokens: 1000 });
    assert.equal(r.question, 'What is the capital of Japan?');
    assert.equal(r.found, true);
    assert.equal(r.usedModel, false);
    assert.match(r.answer, /Tokyo/);
    assert.ok(r.note.length > 0);
    assert.ok(r.sources.length > 0);
    const src = r.sources[0];
    for (const key of ['number', 'id', 'title', 'uri', 'timestampMs', 'page', 'chunkBegin', 'chunkEnd', 'score', 'snippet', 'text']) {
      assert.ok(key in src, key);
    }
    assert.ok(src.timestamp instanceof Date);
    assert.ok(r.citations.length > 0);
    assert.ok(r.context.includes('[1]'));
    assert.equal(r.mode, 'lex');
    assert.equal(typeof r.retrievalMs, 'number');
    assert.equal(r.promptTokens, 0);

    const ctx = await mem.ask('capital of Germany', { contextOnly: true, scope: 'mv2://geo/' });
    assert.equal(ctx.answer, '');
    assert.ok(ctx.sources.every((s) => s.uri.startsWith('mv2://geo/')));

    const none = await mem.ask('zebra quantum xylophone');
    assert.equal(none.found, false);
  });
});

describe('timeline', () => {
  test('order, reverse, limit, since/until, includeInactive', async (t) => {
    const { mem } = await freshMemory(t);
    const ids = await mem.putMany(CORPUS.map((d, i) => ({ ...d, timestamp: Date.UTC(2024, 0, 1 + i) })));
    const tl = await mem.timeline();
    assert.deepEqual(tl.map((e) => e.id), ids);
    const e = tl[0];
    assert.deepEqual(Object.keys(e).sort(), ['id', 'kind', 'preview', 'status', 'timestampMs', 'title', 'uri']);
    assert.equal(e.kind, 'text');
    assert.equal(e.status, 'active');
    assert.equal(e.title, 'France');
    assert.ok(e.preview.startsWith('Paris'));
    assert.equal(e.timestamp.getTime(), Date.UTC(2024, 0, 1));
    assert.deepEqual((await mem.timeline({ reverse: true, limit: 2 })).map((x) => x.id), [ids[4], ids[3]]);
    const window = await mem.timeline({ since: Date.UTC(2024, 0, 2), until: new Date(Date.UTC(2024, 0, 3)) });
    assert.deepEqual(window.map((x) => x.id), [ids[1], ids[2]]);
    assert.deepEqual((await mem.timeline({ since: '2024-01-05' })).map((x) => x.id), [ids[4]]);
    await mem.delete(ids[0]);
    assert.equal((await mem.timeline()).length, 4);
    const inactive = await mem.timeline({ includeInactive: true });
    assert.equal(inactive.length, 5);
    assert.equal(inactive.find((x) => x.id === ids[0]).status, 'deleted');
  });
});

describe('integrity', () => {
  test('verify on a handle, statically and as a module function; doctor', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.putMany(CORPUS);
    const v = await mem.verify();
    assert.equal(v.ok, true);
    assert.equal(v.path, file);
    assert.equal(v.deep, false);
    assert.equal(v.frames, 5);
    assert.ok(v.fileBytes > 0);
    assert.deepEqual(v.damagedFrames, []);
    assert.ok(v.checks.length > 0);
    for (const c of v.checks) {
      assert.equal(typeof c.name, 'string');
      assert.ok(['passed', 'failed', 'skipped'].includes(c.status));
      assert.equal(typeof c.detail, 'string');
    }
    const deep = await mem.verify({ deep: true });
    assert.equal(deep.deep, true);
    assert.equal(deep.ok, true);
    assert.ok(deep.checks.some((c) => c.name === 'FramePayloadChecksums' && c.status === 'passed'));
    assert.equal((await mem.verify(true)).deep, true);
    await mem.close();
    assert.equal((await memvid.Memvid.verify(file, { deep: true })).ok, true);
    assert.equal((await memvid.verify(file)).ok, true);

    const plan = await memvid.Memvid.doctor(file, { planOnly: true });
    assert.equal(plan.path, file);
    assert.equal(plan.ok, true);
    assert.equal(plan.changed, false);
    assert.ok(Array.isArray(plan.findings));
    assert.ok(Array.isArray(plan.actions));
    assert.equal(plan.before.ok, true);
    assert.equal(plan.after, null);
    for (const key of ['framesRecovered', 'lostFrames', 'bytesBefore', 'bytesAfter']) assert.ok(key in plan, key);

    const rebuilt = await memvid.doctor(file, { rebuildLexIndex: true, rebuildTimeIndex: true, lockTimeoutMs: 100 });
    assert.equal(rebuilt.ok, true);
    assert.ok(rebuilt.actions.some((a) => a.name === 'RebuildLexIndex'));
    for (const a of rebuilt.actions) assert.ok(['planned', 'done', 'failed', 'skipped'].includes(a.status));
    for (const f of rebuilt.findings) assert.ok(['info', 'warn', 'error'].includes(f.severity));
    const again = await memvid.open(file);
    t.after(() => again.close());
    assert.equal((await again.find('capital')).hits.length, 3);
  });
});

describe('transactions', () => {
  test('begin/commit/rollback and inTransaction', async (t) => {
    const { mem } = await freshMemory(t);
    assert.equal(mem.inTransaction, false);
    await mem.begin();
    assert.equal(mem.inTransaction, true);
    const a = await mem.put({ text: 'kept note' });
    await mem.commit();
    assert.equal(mem.inTransaction, false);
    await mem.begin();
    const b = await mem.put({ text: 'dropped note' });
    assert.equal((await mem.find('dropped')).hits.length, 1);  // a writer sees its transaction
    await mem.rollback();
    assert.equal(mem.inTransaction, false);
    assert.equal((await mem.find('dropped')).hits.length, 0);
    assert.equal((await mem.view(a)).text, 'kept note');
    await assert.rejects(mem.view(b), memvid.NotFoundError);
  });

  test('transaction(fn) commits on success and rolls back on a throw', async (t) => {
    const { mem } = await freshMemory(t);
    const id = await mem.transaction(async (m) => m.put({ text: 'inside' }));
    assert.equal((await mem.view(id)).text, 'inside');
    await assert.rejects(
      mem.transaction(async (m) => {
        await m.put({ text: 'doomed' });
        throw new Error('boom');
      }),
      /boom/
    );
    assert.equal(mem.inTransaction, false);
    assert.equal((await mem.find('doomed')).hits.length, 0);
  });
});

describe('lifetime', () => {
  test('seal commits and closes; close is idempotent; calls after close reject with ReadOnlyError', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.begin();
    await mem.put({ text: 'sealed text' });
    await mem.seal();
    assert.equal(mem.closed, true);
    await mem.close();
    await mem.close();
    await assert.rejects(mem.put({ text: 'late' }), (e) => e instanceof memvid.ClosedError && e instanceof memvid.ReadOnlyError && e.code === 'Closed' && /closed/.test(e.message));
    await assert.rejects(mem.find('sealed'), memvid.ReadOnlyError);
    await assert.rejects(mem.verify(), memvid.ReadOnlyError);
    await assert.rejects(mem.stats(), memvid.ReadOnlyError);
    await assert.rejects(mem.commit(), memvid.ReadOnlyError);
    const ro = await memvid.use('basic', file, { readOnly: true });
    assert.equal((await ro.find('sealed')).hits.length, 1);
    await ro.close();
    assert.equal(ro.closed, true);
    await assert.rejects(ro.stats(), memvid.ReadOnlyError);
  });

  test('refresh moves a read-only handle to the newest commit', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.put({ text: 'first' });
    const ro = await memvid.use('basic', file, { mode: 'read_only' });
    t.after(() => ro.close());
    await mem.put({ text: 'second' });
    assert.equal((await ro.find('second')).hits.length, 0);
    await ro.refresh();
    assert.equal((await ro.find('second')).hits.length, 1);
    await mem.refresh();
  });

  test('who and nudge', async (t) => {
    const { file, mem } = await freshMemory(t);
    const w = await memvid.Memvid.who(file);
    assert.equal(w.present, true);
    assert.equal(w.alive, true);
    assert.equal(w.pid, process.pid);
    for (const key of ['host', 'command', 'startedMs', 'heartbeatMs', 'nudgeRequested']) assert.ok(key in w, key);
    await memvid.nudge(file);
    await mem.put({ text: 'after nudge' });
  });
});

describe('extras', () => {
  test('ingest a directory', async (t) => {
    const { mem } = await freshMemory(t);
    const src = tmpdir(t);
    fs.writeFileSync(path.join(src, 'a.md'), '# Alpha heading\n\nThe aardvark eats ants.\n');
    fs.writeFileSync(path.join(src, 'b.txt'), 'Bees make honey.\n');
    fs.writeFileSync(path.join(src, 'skip.log'), 'ignored\n');
    const r = await mem.ingest(src, { exclude: ['*.log'], tags: ['ingested'], metadata: { batch: 1 } });
    assert.equal(r.ingested, 2);
    assert.equal(r.items.length, 2);
    assert.equal(r.dryRun, false);
    const hit = (await mem.find('aardvark')).hits[0];
    assert.equal(hit.title, 'Alpha heading');
    assert.ok(hit.tags.includes('ingested'));
    const f = await mem.view(hit.id);
    assert.equal(f.metadata.batch, 1);
    const dry = await mem.ingest(src, { dryRun: true });
    assert.equal(dry.dryRun, true);
    assert.equal(dry.ingested, 0);
  });

  test('compact to a new file, compact in place, export', async (t) => {
    const { dir, mem } = await freshMemory(t);
    const ids = await mem.putMany(CORPUS);
    await mem.delete(ids[0]);
    const dest = path.join(dir, 'compact.mv2');
    await mem.compact(dest);
    const c = await memvid.open(dest, { readOnly: true });
    assert.equal((await c.stats()).activeFrames, 4);
    assert.equal((await c.view(ids[1])).title, 'Germany');
    await c.close();
    const backup = path.join(dir, 'backup.mv2');
    await mem.export(backup);
    assert.equal((await memvid.verify(backup, { deep: true })).ok, true);
    await mem.compact();
    assert.equal((await mem.stats()).activeFrames, 4);
  });
});
