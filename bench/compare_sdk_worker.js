'use strict';
// One repetition of bench/compare_sdk.js for one SDK, in its own process so that the parent can
// kill it when a call hangs. Started by compare_sdk.js; not meant to be run by hand.
//   node compare_sdk_worker.js CONFIG.json
// CONFIG: { sdk: 'ours'|'peer', module, docsFile, queriesFile, dir, puts, opens, timelines,
//           queryPasses, k }
// Every finished phase is written at once to stdout as one JSON line {phase, ...}, so that a
// timeout later in the run loses only the phases that had not finished.
const fs = require('fs');
const path = require('path');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const docs = JSON.parse(fs.readFileSync(cfg.docsFile, 'utf8'));
const queries = JSON.parse(fs.readFileSync(cfg.queriesFile, 'utf8'));
const sdk = require(cfg.module);

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const note = (msg) => process.stderr.write(`[${cfg.sdk}] ${msg}\n`);
const rmf = (f) => { for (const x of [f, f + '-wal', f + '.manifest.wal', f + '-lock']) { try { fs.rmSync(x, { force: true, recursive: true }); } catch (_) { /* ignore */ } } };
const errText = (e) => `${e && e.code ? e.code + ': ' : ''}${e && e.message ? e.message : String(e)}`.slice(0, 300);

// ---- the two SDKs behind one small interface --------------------------------------------------
const adapters = {
  ours: {
    // configs: 'builtin' = our default (built-in embedding model), 'none' = embeddingModel 'none'
    configs: ['none', 'builtin'],
    async create(file, config) { return sdk.create(file, config === 'none' ? { embeddingModel: 'none' } : {}); },
    async open(file) { return sdk.use('basic', file, { mode: 'open' }); },
    async putMany(m, ds) { return m.putMany(ds.map((d) => ({ title: d.title, text: d.text, uri: d.uri }))); },
    async put(m, d) { return m.put({ title: d.title, text: d.text, uri: d.uri }); },
    async seal(m) { return m.seal(); },
    async close(m) { return m.close(); },
    async find(m, q, mode, k) { const r = await m.find(q, { k, mode }); return { hits: r.hits.map((h) => h.uri || h.title), mode: r.mode }; },
    async timeline(m, limit) { return (await m.timeline({ limit })).length; },
    async frames(m) { return (await m.stats()).activeFrames; },
    findModes(config) { return config === 'builtin' ? ['lex', 'auto'] : ['lex']; },
  },
  peer: {
    // Its embedding models download at run time, so only lexical search works offline. Its
    // rules-based enrichment (auto tags, dates, triplets) is off: ours does none of that.
    configs: ['lex'],
    async create(file) { return sdk.create(file); },
    async open(file) { return sdk.use('basic', file, { mode: 'open' }); },
    async putMany(m, ds) { return m.putMany(ds.map((d) => ({ title: d.title, text: d.text, uri: d.uri })), { enableEnrichment: false }); },
    async put(m, d) { return m.put({ title: d.title, label: 'text', text: d.text, uri: d.uri, autoTag: false, extractDates: false }); },
    async seal(m) { return m.seal(); },
    async close(m) { return m.seal(); }, // no close(): seal() is how a handle is released
    async find(m, q, mode, k) { const r = await m.find(q, { k, mode }); return { hits: r.hits.map((h) => h.uri || h.title), mode }; },
    async timeline(m, limit) { return (await m.timeline({ limit })).length; },
    async frames(m) { return (await m.stats()).active_frame_count; },
    findModes() { return ['lex']; },
  },
};
const A = adapters[cfg.sdk];

async function build(config) {
  const file = path.join(cfg.dir, `${cfg.sdk}_${config}.mv2`);
  rmf(file);
  const t0 = now();
  const m = await A.create(file, config);
  const t1 = now();
  const ids = await A.putMany(m, docs);
  const t2 = now();
  await A.seal(m);
  const t3 = now();
  const size = fs.statSync(file).size;
  const sidecars = fs.readdirSync(cfg.dir).filter((n) => n.startsWith(path.basename(file)) && n !== path.basename(file));
  emit({ phase: 'build', config, file, createMs: t1 - t0, putManyMs: t2 - t1, sealMs: t3 - t2, totalMs: t3 - t0,
    ids: ids.length, fileBytes: size, sidecars });
  note(`build ${config}: ${(t3 - t0).toFixed(0)} ms, ${size} B`);
  return file;
}

async function query(file, config) {
  // open latency: open an existing memory, then release it (the release is not timed)
  const opens = [];
  for (let i = 0; i < cfg.opens; i++) {
    const t0 = now();
    const m = await A.open(file);
    opens.push(now() - t0);
    await A.close(m);
  }
  const m = await A.open(file);
  const frames = await A.frames(m);
  const modes = A.findModes(config);
  const lat = {}; const hits = {}; const errors = {}; const zero = {}; const modeUsed = {};
  for (const mode of modes) { lat[mode] = queries.map(() => []); hits[mode] = []; errors[mode] = []; zero[mode] = 0; modeUsed[mode] = {}; }
  // pass 0 is an untimed warm-up that records the hits; then queryPasses timed passes,
  // each query running in every mode before the next query (interleaved).
  for (let pass = 0; pass <= cfg.queryPasses; pass++) {
    for (let qi = 0; qi < queries.length; qi++) {
      for (const mode of modes) {
        const t0 = now();
        let r = null; let err = null;
        try { r = await A.find(m, queries[qi].q, mode, cfg.k); } catch (e) { err = e; }
        const dt = now() - t0;
        if (pass === 0) {
          if (err) { errors[mode].push({ qi, query: queries[qi].q, error: errText(err) }); hits[mode].push(null); }
          else {
            hits[mode].push(r.hits);
            if (r.hits.length === 0) zero[mode]++;
            modeUsed[mode][r.mode] = (modeUsed[mode][r.mode] || 0) + 1;
          }
        } else if (!err) lat[mode][qi].push(dt);
      }
    }
  }
  const timelines = [];
  let tlCount = 0;
  for (let i = 0; i < cfg.timelines; i++) {
    const t0 = now();
    tlCount = await A.timeline(m, 100);
    timelines.push(now() - t0);
  }
  await A.close(m);
  emit({ phase: 'query', config, frames, opens, findLatency: lat, hits, errors, zeroHits: zero, modeUsed, timelines, timelineEntries: tlCount });
  note(`query ${config}: ${frames} frames, ${modes.map((md) => `${md}: ${errors[md].length} errors, ${zero[md]} zero`).join('; ')}`);
}

async function puts(config) {
  const file = path.join(cfg.dir, `${cfg.sdk}_${config}_puts.mv2`);
  rmf(file);
  const m = await A.create(file, config);
  const each = [];
  const t0 = now();
  let done = 0;
  let error = null;
  for (let i = 0; i < cfg.puts; i++) {
    const t = now();
    try { await A.put(m, docs[i % docs.length]); } catch (e) {
      error = { at: i, afterMs: now() - t0, error: errText(e) };
      note(`put ${i} failed after ${(now() - t0).toFixed(0)} ms: ${error.error}`);
      break;
    }
    each.push(now() - t);
    done++;
    if (done % 100 === 0) emit({ phase: 'puts-progress', config, done, elapsedMs: now() - t0 });
  }
  const wall = now() - t0;
  let sealError = null;
  try { await A.seal(m); } catch (e) { sealError = errText(e); }
  emit({ phase: 'puts', config, puts: done, wallMs: wall, perPutMs: each, fileBytes: fs.statSync(file).size, error, sealError });
  note(`puts ${config}: ${done} in ${wall.toFixed(0)} ms`);
  rmf(file);
}

(async () => {
  emit({ phase: 'start', sdk: cfg.sdk, pid: process.pid, version: cfg.sdk === 'ours' ? sdk.version : (sdk.info ? sdk.info() : null) });
  for (const config of A.configs) {
    if (cfg.phases.includes('build')) {
      const file = await build(config);
      if (cfg.phases.includes('query')) await query(file, config);
    }
  }
  if (cfg.phases.includes('puts') && cfg.puts > 0) for (const config of A.configs) await puts(config);
  emit({ phase: 'done' });
  // the original SDK keeps timers (telemetry) alive; leave at once
  process.exit(0);
})().catch((e) => { emit({ phase: 'error', error: errText(e), stack: String(e && e.stack).slice(0, 2000) }); process.exit(1); });
