'use strict';
// Shared by the *.test.js files (not a test itself).
const fs = require('fs');
const os = require('os');
const path = require('path');

const memvid = require('..');

/** A fresh temporary directory, removed after the test (or suite) that asked for it. */
function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memvid-node-'));
  if (t && typeof t.after === 'function') t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A new memory without a semantic index (fast, needs no model). */
async function freshMemory(t, options = {}) {
  const dir = tmpdir(t);
  const file = path.join(dir, 'notes.mv2');
  const mem = await memvid.create(file, { embeddingModel: 'none', sync: 'off', ...options });
  if (t && typeof t.after === 'function') t.after(() => mem.close().catch(() => {}));
  return { dir, file, mem };
}

const CORPUS = [
  { text: 'Paris is the capital of France. The Eiffel Tower stands on the Champ de Mars.', title: 'France', uri: 'mv2://geo/france', tags: ['geo', 'europe'] },
  { text: 'Berlin is the capital of Germany. The Brandenburg Gate is its landmark.', title: 'Germany', uri: 'mv2://geo/germany', tags: ['geo', 'europe'] },
  { text: 'Tokyo is the capital of Japan and the largest metropolitan area in the world.', title: 'Japan', uri: 'mv2://geo/japan', tags: ['geo', 'asia'] },
  { text: 'Photosynthesis converts light energy into chemical energy in plants.', title: 'Biology', uri: 'mv2://science/biology', tags: ['science'] },
  { text: 'The mitochondria is the powerhouse of the cell, producing ATP.', title: 'Cells', uri: 'mv2://science/cells', tags: ['science'] },
];

module.exports = { memvid, tmpdir, freshMemory, CORPUS };
