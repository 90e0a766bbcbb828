'use strict';
// A memory written from Node reads identically from the CLI (MEMVID_CLI): find, view and
// timeline --json agree with the SDK's results.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const { memvid, freshMemory, CORPUS } = require('./helpers');

const CLI = process.env.MEMVID_CLI;
const skip = !CLI || !fs.existsSync(CLI) ? 'MEMVID_CLI is not set to the built memvid CLI' : false;

function cli(...args) {
  return JSON.parse(execFileSync(CLI, args, { encoding: 'utf8' }));
}

describe('the CLI reads what Node wrote', { skip }, () => {
  test('find, view and timeline --json agree with the SDK', async (t) => {
    const { file, mem } = await freshMemory(t);
    const ids = await mem.putMany(CORPUS.map((d, i) => ({ ...d, labels: ['lab'], metadata: { i }, timestamp: Date.UTC(2024, 1, 1 + i) })));
    const bin = await mem.put({ data: Buffer.from([0, 255, 1, 254]), title: 'binary' });
    const updated = await mem.update(ids[4], { text: 'The mitochondria makes ATP for the cell.', title: 'Cells v2' });
    await mem.delete(ids[3]);
    const sdkFind = await mem.find('capital', { k: 10, mode: 'lex' });
    const sdkViews = {};
    for (const id of [...ids, bin, updated]) sdkViews[id] = await mem.view(id);
    const sdkTimeline = await mem.timeline({ includeInactive: true });
    await mem.close();

    const out = cli('find', file, '--query', 'capital', '-k', '10', '--mode', 'lex', '--json');
    assert.equal(out.mode, sdkFind.mode);
    assert.equal(out.next_cursor, sdkFind.nextCursor);
    assert.equal(out.hits.length, sdkFind.hits.length);
    out.hits.forEach((h, i) => {
      const s = sdkFind.hits[i];
      assert.equal(h.id, s.id);
      assert.equal(h.rank, s.rank);
      assert.equal(h.score, s.score);
      assert.equal(h.kind, s.kind);
      assert.equal(h.timestamp, s.timestampMs);
      assert.equal(h.time, memvid.formatTimestamp(s.timestamp));
      assert.equal(h.title, s.title);
      assert.equal(h.uri, s.uri);
      assert.deepEqual(h.tags, s.tags);
      assert.deepEqual(h.labels, s.labels);
      assert.equal(h.chunk, s.chunk);
      assert.equal(h.chunk_count, s.chunkCount);
      assert.deepEqual(h.chunk_range, [s.chunkBegin, s.chunkEnd]);
      assert.equal(h.snippet, s.snippet);
      assert.deepEqual(h.highlights, s.highlights);
      assert.equal(h.lexical_score, s.lexicalScore);
    });

    for (const id of Object.keys(sdkViews).map(Number)) {
      const v = cli('view', file, '--frame', String(id), '--json');
      const s = sdkViews[id];
      assert.equal(v.id, s.id);
      assert.equal(v.kind, s.kind);
      assert.equal(v.status, s.status);
      assert.equal(v.timestamp, s.timestampMs);
      assert.equal(v.title, s.title);
      assert.equal(v.uri, s.uri);
      assert.deepEqual(v.tags, s.tags);
      assert.deepEqual(v.labels, s.labels);
      assert.deepEqual(v.metadata, s.metadata);
      assert.equal(v.parent, s.parent);
      assert.equal(v.supersedes, s.supersedes);
      assert.equal(v.superseded_by, s.supersededBy);
      assert.equal(v.content_hash, s.contentHash);
      assert.equal(v.payload_bytes, s.payloadBytes);
      assert.equal(v.stored_bytes, s.storedBytes);
      assert.equal(v.compressed, s.compressed);
      if (s.text !== null) {
        assert.equal(v.text, s.text);
      } else {
        assert.equal(v.text, undefined);
        assert.ok(Buffer.from(v.payload_base64, 'base64').equals(s.data));
      }
    }
    assert.equal(sdkViews[bin].text, null);
    assert.equal(sdkViews[ids[4]].supersededBy, updated);

    const tl = cli('timeline', file, '--all', '--json');
    const rows = Array.isArray(tl) ? tl : tl.entries || tl.frames;
    assert.ok(Array.isArray(rows), JSON.stringify(tl).slice(0, 200));
    assert.deepEqual(
      rows.map((e) => [e.id, e.timestamp, e.kind, e.status, e.title, e.uri, e.preview]),
      sdkTimeline.map((e) => [e.id, e.timestampMs, e.kind, e.status, e.title, e.uri, e.preview])
    );
  });

  test('Node reads what the CLI wrote', async (t) => {
    const { file, mem } = await freshMemory(t);
    await mem.close();
    const put = cli('put', file, '--text', 'Written by the command line tool', '--title', 'from cli', '--tag', 'cli', '--json');
    const id = put.frame_ids[0];
    assert.equal(typeof id, 'number', JSON.stringify(put));
    const ro = await memvid.use('basic', file, { readOnly: true });
    t.after(() => ro.close());
    const f = await ro.view(id);
    assert.equal(f.text, 'Written by the command line tool');
    assert.equal(f.title, 'from cli');
    assert.deepEqual(f.tags, ['cli']);
    const r = await ro.find('command line');
    assert.equal(r.hits[0].id, id);
  });
});
