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
