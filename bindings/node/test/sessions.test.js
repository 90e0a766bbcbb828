'use strict';
// Sessions through the Node.js SDK: the callback form records what it does inside the
// memory file, replay as of each action and against today's state, compare and delete.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const { memvid, freshMemory } = require('./helpers');

test('session(name, fn) records the callback and ends on throw', async (t) => {
  const { file, mem } = await freshMemory(t);
  await mem.put({ text: 'tea with bob' });
  const alice = await mem.session('agent', async (m) => {
    const id = await m.put({ text: 'Alice works at Acme Corp.' });
    await m.find('alice OR tea', { mode: 'lex' });
    await m.ask('Where does Alice work?', { mode: 'lex' });
    await m.sessions.checkpoint('done');
    assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file))), [path.basename(file)]);
    return id;
  });
  assert.equal(await mem.sessions.active(), null);
  const v = await mem.sessions.view('agent');
  assert.deepEqual(v.actions.map((a) => a.action), ['put', 'find', 'ask', 'checkpoint']);
  assert.deepEqual(v.actions[0].frames, [alice]);
  assert.equal(v.actions[1].inputHash.length, 64);
  assert.equal((await mem.timeline()).length, 2);
  await assert.rejects(mem.session('boom', async (m) => {
    await m.put({ text: 'x' });
    throw new Error('agent failed');
  }), /agent failed/);
  assert.equal(await mem.sessions.active(), null);
  assert.deepEqual((await mem.sessions.list()).map((s) => [s.name, s.actions]), [['agent', 4], ['boom', 1]]);
  await mem.close();
});

test('replay, compare, delete', async (t) => {
  const { mem } = await freshMemory(t);
  await mem.put({ text: 'the cat sat' });
  await mem.session('r', (m) => m.find('cat', { mode: 'lex' }));
  await mem.put({ text: 'another cat' });
  assert.equal((await mem.sessions.replay('r')).ok, true);
  const now = await mem.sessions.replay('r', { current: true });
  assert.equal(now.ok, false);
  assert.equal(now.details[0].added.length, 1);
  assert.equal((await mem.sessions.compare('r', 'r')).same, true);
  await assert.rejects(mem.sessions.end(), (e) => e instanceof memvid.InvalidArgumentError);
  await assert.rejects(mem.sessions.view('nope'), (e) => e instanceof memvid.NotFoundError);
  await mem.sessions.delete('r');
  assert.deepEqual(await mem.sessions.list(), []);
  await mem.close();
});
