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

// An object's own keys in camelCase (not its values': metadata keys are the caller's).
function camel(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), v]));
}

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

    // The same fields and values under the same names (camelCase here): the CLI adds only
    // the query, ISO times, each hit's retrievers and the warnings, and gives a payload that
    // is not text as base64 (JSON holds text only).
    const out = cli('find', file, '--query', 'capital', '-k', '10', '--mode', 'lex', '--json');
    const { query, warnings, elapsedMs, hits, ...rest } = camel(out);
    const { elapsedMs: sdkMs, hits: sdkHits, ...sdkRest } = sdkFind;
    assert.equal(query, 'capital');
    assert.deepEqual(warnings, []);
    assert.deepEqual(rest, sdkRest);
    assert.deepEqual(hits.map((h) => {
      const { time, retrievers, ...fields } = camel(h);
      assert.equal(time, memvid.formatTimestamp(fields.timestampMs));
      assert.equal(retrievers, 'lex');
      return fields;
    }), sdkHits.map((h) => ({ ...h })));

    for (const id of Object.keys(sdkViews).map(Number)) {
      const { time, warnings: w, data, ...v } = camel(cli('view', file, '--frame', String(id), '--json'));
      const { data: sdkData, ...s } = sdkViews[id];
      assert.deepEqual(v, { ...s }, `frame ${id}`);
      if (s.text !== null) assert.equal(data, null);
      else assert.ok(Buffer.from(data, 'base64').equals(sdkData));
    }
    assert.equal(sdkViews[bin].text, null);
    assert.equal(sdkViews[ids[4]].supersededBy, updated);

    const tl = cli('timeline', file, '--all', '--json');
    assert.deepEqual(tl.map((e) => {
      const { time, ...fields } = camel(e);
      return fields;
    }), sdkTimeline.map((e) => ({ ...e })));
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
