// ES modules get every export by name, as users of the original SDK write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as esm from '../index.js';

const cjs = createRequire(import.meta.url)('../index.js');

test('import { use, MemvidError, ... } names every CommonJS export', () => {
  for (const name of Object.keys(cjs)) assert.strictEqual(esm[name], cjs[name], name);
  assert.equal(typeof esm.use, 'function');
  assert.equal(typeof esm.MemvidError, 'function');
});
