'use strict';
// index.d.ts declares every export of index.js, and nothing that is not there.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const memvid = require('..');

test('index.d.ts declares every runtime export', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = new Set();
  for (const m of dts.matchAll(/^export declare (?:function|class|const) (\w+)/gm)) declared.add(m[1]);
  const exported = new Set(Object.keys(memvid));
  assert.deepEqual([...exported].filter((k) => !declared.has(k)), [], 'exported but not declared');
  assert.deepEqual([...declared].filter((k) => !exported.has(k)), [], 'declared but not exported');
  // Every method of the handle class is declared on Memvid.
  const cls = dts.slice(dts.indexOf('export declare class Memvid {'));
  const body = cls.slice(0, cls.indexOf('\n}\n'));
  const methods = Object.getOwnPropertyNames(memvid.Memvid.prototype).filter((k) => k !== 'constructor');
  for (const name of methods) assert.match(body, new RegExp(`\\n  (?:readonly )?${name}[(:<]`), name);
  for (const name of ['verify', 'doctor', 'who', 'nudge']) assert.match(body, new RegExp(`static ${name}\\(`), name);
});

// How a field type of resultSchema is written in index.d.ts.
const SCALARS = {
  bool: 'boolean', int: 'number', float: 'number', str: 'string', time: 'number',
  span: '[number, number]', bytes: 'Buffer', json: 'Record<string, unknown> | string',
};
const INTERFACE_NAMES = { Warning: 'MemvidWarning' };
function tsType(t) {
  if (t.endsWith('?')) return `${tsType(t.slice(0, -1))} | null`;
  if (t.endsWith('[]')) {
    const inner = tsType(t.slice(0, -2));
    return /^\w+$/.test(inner) ? `${inner}[]` : `Array<${inner}>`;
  }
  if (t.startsWith('enum:')) return t === 'enum:ErrorCode' ? 'string' : t.slice(5);
  return SCALARS[t] || INTERFACE_NAMES[t] || t;
}

test('index.d.ts declares every result with the library\'s fields, in order and with their types', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  for (const [type, fields] of Object.entries(memvid.resultSchema)) {
    const name = INTERFACE_NAMES[type] || type;
    const m = dts.match(new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}\\n`));
    assert.ok(m, `index.d.ts has no interface ${name}`);
    const declared = [];
    for (const line of m[1].split('\n')) {
      const p = line.match(/^ {2}(readonly )?(\w+)(\??): (.*);$/);
      if (p && !p[1]) declared.push([p[2], p[4]]);  // readonly: a getter (timestamp), not a field
    }
    assert.deepEqual(declared, fields.map(([f, t]) => [f, tsType(t)]), name);
  }
});

test('results carry exactly the fields of the schema', async (t) => {
  const { freshMemory } = require('./helpers');
  const { mem } = await freshMemory(t);
  const id = await mem.put('schema check text', { title: 't', metadata: { a: 1 } });
  const keys = (o) => Object.keys(o);
  const names = (type) => memvid.resultSchema[type].map(([f]) => f);
  const found = await mem.find('schema', { mode: 'lex' });
  assert.deepEqual(keys(found), names('FindResult'));
  assert.deepEqual(keys(found.hits[0]), names('Hit'));
  assert.deepEqual(keys(await mem.view(id)), names('Frame'));
  assert.deepEqual(keys((await mem.timeline())[0]), names('TimelineEntry'));
  assert.deepEqual(keys(await mem.stats()), names('Stats'));
  assert.deepEqual(keys(mem.recoveryInfo), names('RecoveryInfo'));
  assert.deepEqual(keys(await mem.verify()), names('VerifyReport'));
  await mem.close();
});
