#!/usr/bin/env node
'use strict';
// Side-by-side benchmark of the two Node.js SDKs: memvid-cpp (bindings/node) against the original
// memvid's @memvid/sdk, on the same documents and queries, on the same machine, in the same run.
// See bench/README.md ("Node.js SDKs") and `node bench/compare_sdk.js --help`.
//
// Every repetition runs each SDK in its own child process (compare_sdk_worker.js), ours and the
// original alternately, with a timeout, so a hung call cannot stall the run. Prints a Markdown
// table of medians; writes the raw samples to bench/results/sdk_latest.json.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

const here = __dirname;
const repo = path.resolve(here, '..');

const HELP = `usage: node bench/compare_sdk.js [options]
  --docs N           corpus documents (first N lines), default 1000
  --reps N           repetitions (one process per SDK each, interleaved), default 3
  --queries N        first N queries of bench/queries/mix.txt (0 = all 300), default 0
  --query-passes N   timed passes over the queries per repetition, default 3 (+1 warm-up)
  --puts N           single put() calls per repetition (each committed), default = --docs
  --peer-puts N      the same for the original, default = --puts
  --peer-puts-reps N run the original's single puts in the first N repetitions only
                     (about 0.4 s a put: 1,000 take ~7 min), default = --reps
  --opens N          open latency samples per repetition, default 10
  --timelines N      timeline(limit 100) samples per repetition, default 20
  --timeout S        seconds allowed per worker process, default 900
  --skip-peer        ours only
  --skip-puts        no single-put phase
  --ours PATH        our SDK (default bindings/node; or $MEMVID_NODE_SDK)
  --peer PATH        the original SDK's package dir (default $MEMVID_PEER_SDK or
                     \${XDG_CACHE_HOME:-~/.cache}/memvid/peer-sdk/node_modules/@memvid/sdk)
  --corpus FILE      default $MEMVID_BENCH_CORPUS or ../shared/bench/corpus50k.jsonl.zst
  --out FILE         default bench/results/sdk_latest.json
  --keep             keep the temporary directory
  --from-raw FILE    measure nothing: re-read the runs.json of an earlier run (in its kept or
                     failed temporary directory) and print the table again`;

function parseArgs(argv) {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const o = {
    docs: 1000, reps: 3, queries: 0, queryPasses: 3, puts: null, peerPuts: null, peerPutsReps: null, opens: 10, timelines: 20,
    timeout: 900, skipPeer: false, skipPuts: false, keep: false, k: 10,
    ours: process.env.MEMVID_NODE_SDK || path.join(repo, 'bindings/node'),
    peer: process.env.MEMVID_PEER_SDK || path.join(cacheHome, 'memvid/peer-sdk/node_modules/@memvid/sdk'),
    corpus: process.env.MEMVID_BENCH_CORPUS || path.resolve(repo, '../shared/bench/corpus50k.jsonl.zst'),
    out: path.join(here, 'results/sdk_latest.json'),
  };
  const num = { '--docs': 'docs', '--reps': 'reps', '--queries': 'queries', '--query-passes': 'queryPasses', '--puts': 'puts',
    '--peer-puts': 'peerPuts', '--peer-puts-reps': 'peerPutsReps', '--opens': 'opens', '--timelines': 'timelines', '--timeout': 'timeout', '--k': 'k' };
  const str = { '--ours': 'ours', '--peer': 'peer', '--corpus': 'corpus', '--out': 'out', '--from-raw': 'fromRaw' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]; let v = null;
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const next = () => { if (v !== null) return v; if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '-h' || a === '--help') { console.log(HELP); process.exit(0); }
    else if (num[a]) { const n = Number(next()); if (!Number.isFinite(n) || n < 0) throw new Error(`${a}: not a number`); o[num[a]] = n; }
    else if (str[a]) o[str[a]] = path.resolve(next());
    else if (a === '--skip-peer') o.skipPeer = true;
    else if (a === '--skip-puts') o.skipPuts = true;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (o.puts === null) o.puts = o.docs;
  if (o.peerPuts === null) o.peerPuts = o.puts;
  if (o.skipPuts) { o.puts = 0; o.peerPuts = 0; }
  if (o.reps < 1) o.reps = 1;
  if (o.peerPutsReps === null) o.peerPutsReps = o.reps;
  return o;
}

// ---- statistics and formatting -----------------------------------------------------------------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
function quantile(xs, q) { // nearest rank
  if (!xs.length) return null;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
function median(xs) {
  if (!xs.length) return null;
  const s = sorted(xs); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmtMs = (ms) => ms === null || ms === undefined ? 'n/a'
  : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s`
  : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
const fmtBytes = (b) => b === null || b === undefined ? 'n/a' : `${(b / 1e6).toFixed(2)} MB`;
function fmtRatio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || !b) return '—';
  const r = a / b;
  return r >= 0.1 ? `${r.toFixed(2)}×` : `1/${Math.round(1 / r).toLocaleString('en-US')}`;
}

// ---- inputs --------------------------------------------------------------------------------------
function loadCorpus(file, n) {
  const cmd = file.endsWith('.zst') ? `zstd -dc '${file}' | head -n ${n}` : `head -n ${n} '${file}'`;
  const out = execFileSync('bash', ['-o', 'pipefail', '-c', cmd + ' || [ $? -eq 141 ]'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const docs = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).map((d) => ({ title: d.title, text: d.text, uri: d.uri }));
  if (docs.length < n) throw new Error(`${file}: only ${docs.length} documents`);
  return docs;
}
function loadQueries(file, n) {
  const qs = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => {
    const tab = l.indexOf('\t');
    return tab < 0 ? { cls: 'term', q: l.trim() } : { cls: l.slice(0, tab), q: l.slice(tab + 1).trim() };
  });
  return n > 0 ? qs.slice(0, n) : qs;
}

// ---- running a worker -----------------------------------------------------------------------------
function runWorker(config, timeoutS) {
  return new Promise((resolve) => {
    const cfgFile = path.join(config.dir, `worker_${config.sdk}_${config.rep}.json`);
    fs.writeFileSync(cfgFile, JSON.stringify(config));
    const env = { ...process.env, MEMVID_TELEMETRY: '0', MEMVID_OFFLINE: '1' };
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(here, 'compare_sdk_worker.js'), cfgFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = ''; const lines = []; let stderr = '';
    child.stdout.on('data', (d) => {
      buf += d; let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        try {
          const o = JSON.parse(line);
          if (o.phase === 'puts-progress') process.stderr.write(`  [${config.sdk}] puts ${o.config}: ${o.done} in ${fmtMs(o.elapsedMs)}\n`);
          if (o.phase === 'error') process.stderr.write(`  [${config.sdk}] ERROR: ${o.error}\n`);
          lines.push(o);
        }
        catch (_) { stderr += `(stdout) ${line}\n`; }
      }
    });
    child.stderr.on('data', (d) => { stderr += d; process.stderr.write(String(d).split('\n').filter(Boolean).map((l) => `  ${l}\n`).join('')); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; try { child.kill('SIGKILL'); } catch (_) { /* gone */ } }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ sdk: config.sdk, rep: config.rep, code, signal, timedOut, wallS: (Date.now() - t0) / 1000,
        phases: lines.filter((l) => l.phase !== 'puts-progress'), progress: lines.filter((l) => l.phase === 'puts-progress'), stderr: stderr.slice(-20000) });
    });
  });
}

// ---- aggregation ----------------------------------------------------------------------------------
function aggregate(runs, sdk, queries) {
  const mine = runs.filter((r) => r.sdk === sdk);
  const ph = (name, config) => mine.flatMap((r) => r.phases.filter((p) => p.phase === name && (config === undefined || p.config === config)));
  const configs = [...new Set(mine.flatMap((r) => r.phases.filter((p) => p.config).map((p) => p.config)))];
  const res = { configs: {} };
  for (const c of configs) {
    const builds = ph('build', c); const qs = ph('query', c); const ps = ph('puts', c);
    const out = {
      build: builds.length ? {
        runs: builds.length, totalMs: median(builds.map((b) => b.totalMs)), minMs: Math.min(...builds.map((b) => b.totalMs)),
        maxMs: Math.max(...builds.map((b) => b.totalMs)), createMs: median(builds.map((b) => b.createMs)),
        putManyMs: median(builds.map((b) => b.putManyMs)), sealMs: median(builds.map((b) => b.sealMs)),
        fileBytes: median(builds.map((b) => b.fileBytes)), ids: builds[0].ids, sidecars: builds[0].sidecars,
        samplesMs: builds.map((b) => b.totalMs),
      } : null,
      puts: ps.length ? {
        runs: ps.length, puts: ps[0].puts, wallMs: median(ps.map((p) => p.wallMs)), minMs: Math.min(...ps.map((p) => p.wallMs)),
        perPutMedianMs: median(ps.flatMap((p) => p.perPutMs)), perPutP99Ms: quantile(ps.flatMap((p) => p.perPutMs), 0.99),
        fileBytes: median(ps.map((p) => p.fileBytes)), samplesMs: ps.map((p) => p.wallMs),
        errors: ps.map((p) => p.error).filter(Boolean), sealErrors: ps.map((p) => p.sealError).filter(Boolean),
        done: ps.map((p) => p.puts), perPutRuns: ps.map((p) => p.perPutMs),
      } : null,
      find: {},
    };
    if (qs.length) {
      const opens = qs.flatMap((q) => q.opens); const tls = qs.flatMap((q) => q.timelines);
      out.open = { samples: opens.length, medianMs: median(opens), minMs: Math.min(...opens) };
      out.timeline = { samples: tls.length, medianMs: median(tls), p90Ms: quantile(tls, 0.9), entries: qs[0].timelineEntries };
      out.frames = qs[0].frames;
      for (const mode of Object.keys(qs[0].findLatency)) {
        // per query: the median of all its timed samples (reps x passes); then quantiles over queries
        const perQuery = queries.map((_, qi) => median(qs.flatMap((q) => q.findLatency[mode][qi])));
        const ok = perQuery.filter((x) => x !== null);
        const all = qs.flatMap((q) => q.findLatency[mode].flat());
        out.find[mode] = {
          queries: queries.length, p50Ms: quantile(ok, 0.5), p90Ms: quantile(ok, 0.9), p99Ms: quantile(ok, 0.99), meanMs: ok.reduce((a, b) => a + b, 0) / (ok.length || 1),
          allSamplesP50Ms: quantile(all, 0.5), samples: all.length,
          errors: qs[0].errors[mode], zeroHits: qs[0].zeroHits[mode], modeUsed: qs[0].modeUsed[mode],
          zeroHitsByClass: Object.fromEntries([...new Set(queries.map((q) => q.cls))].map((cls) => [cls, qs[0].hits[mode].filter((h, i) => h && !h.length && queries[i].cls === cls).length])),
          meanHitsByClass: Object.fromEntries([...new Set(queries.map((q) => q.cls))].map((cls) => {
            const hs = qs[0].hits[mode].filter((h, i) => h && queries[i].cls === cls);
            return [cls, hs.reduce((a, h) => a + h.length, 0) / (hs.length || 1)];
          })),
          perQueryMedianMs: perQuery, hits: qs[0].hits[mode],
        };
      }
    }
    res.configs[c] = out;
  }
  const start = mine.flatMap((r) => r.phases.filter((p) => p.phase === 'start'))[0];
  res.version = start ? start.version : null;
  res.workers = mine.map((r) => ({ rep: r.rep, code: r.code, signal: r.signal, timedOut: r.timedOut, wallS: r.wallS,
    lastPhase: (r.phases[r.phases.length - 1] || {}).phase, error: (r.phases.find((p) => p.phase === 'error') || {}).error || null,
    lastProgress: r.progress.length ? r.progress[r.progress.length - 1] : null }));
  return res;
}

function overlap(a, b, queries) {
  // a, b: arrays (per query) of top-k uri lists, or null for a failed query
  let n = 0; let sum = 0; let sumMin = 0; let top1 = 0; let both0 = 0; let same = 0;
  const perQuery = [];
  for (let i = 0; i < queries.length; i++) {
    const x = a && a[i]; const y = b && b[i];
    if (!x || !y) { perQuery.push(null); continue; }
    if (!x.length && !y.length) { both0++; perQuery.push(null); continue; }
    const sy = new Set(y); const inter = x.filter((u) => sy.has(u)).length;
    n++; sum += inter / Math.max(x.length, y.length); sumMin += x.length && y.length ? inter / Math.min(x.length, y.length) : 0;
    if (x.length && y.length && x[0] === y[0]) top1++;
    if (inter === x.length && x.length === y.length) same++;
    perQuery.push(inter);
  }
  return { compared: n, bothEmpty: both0, meanOverlapAtK: n ? sum / n : null, meanOverlapOfShorter: n ? sumMin / n : null, sameTop1: top1, identicalSets: same, perQuery };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  if (!fs.existsSync(o.ours)) throw new Error(`our SDK not found at ${o.ours}`);
  let peerOk = !o.skipPeer;
  if (peerOk && !fs.existsSync(path.join(o.peer, 'package.json'))) {
    console.error(`the original SDK is not installed at ${o.peer}: run bench/compare_sdk.sh (it installs it), or pass --skip-peer`);
    process.exit(2);
  }
  const peerPkg = peerOk ? JSON.parse(fs.readFileSync(path.join(o.peer, 'package.json'), 'utf8')) : null;
  let peerNativePkg = null;
  if (peerOk) {
    for (const cand of [path.join(o.peer, '../sdk-linux-x64-gnu/package.json'), path.join(o.peer, 'node_modules/@memvid/sdk-linux-x64-gnu/package.json')]) {
      if (fs.existsSync(cand)) { peerNativePkg = JSON.parse(fs.readFileSync(cand, 'utf8')); break; }
    }
  }
  const ourPkg = JSON.parse(fs.readFileSync(path.join(o.ours, 'package.json'), 'utf8'));

  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'memvid-sdk-bench-'));
  const docs = loadCorpus(o.corpus, o.docs);
  const queries = loadQueries(path.join(here, 'queries/mix.txt'), o.queries);
  const docsFile = path.join(dir, 'docs.json'); fs.writeFileSync(docsFile, JSON.stringify(docs));
  const queriesFile = path.join(dir, 'queries.json'); fs.writeFileSync(queriesFile, JSON.stringify(queries));
  const rawBytes = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0);
  let commit = null; try { commit = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch (_) { /* no git */ }
  console.error(`memvid SDK bench: ${docs.length} docs (${(rawBytes / 1e6).toFixed(2)} MB text), ${queries.length} queries, ${o.reps} reps, dir ${dir}`);
  const load0 = os.loadavg();

  const runs = [];
  if (o.fromRaw) {
    const raw = JSON.parse(fs.readFileSync(o.fromRaw, 'utf8'));
    runs.push(...raw.runs); startedAt.setTime(Date.parse(raw.startedAt)); load0.splice(0, 3, ...raw.load0);
    o.reps = raw.reps;
  }
  for (let rep = 1; rep <= (o.fromRaw ? 0 : o.reps); rep++) {
    const order = peerOk ? (rep % 2 ? ['ours', 'peer'] : ['peer', 'ours']) : ['ours'];
    for (const sdk of order) {
      const wdir = path.join(dir, `${sdk}_${rep}`); fs.mkdirSync(wdir, { recursive: true });
      console.error(`rep ${rep}/${o.reps}: ${sdk} (load ${os.loadavg()[0].toFixed(2)})`);
      const r = await runWorker({ sdk, rep, module: sdk === 'ours' ? o.ours : o.peer, docsFile, queriesFile, dir: wdir,
        puts: sdk === 'ours' ? o.puts : (rep <= o.peerPutsReps ? o.peerPuts : 0), opens: o.opens, timelines: o.timelines, queryPasses: o.queryPasses, k: o.k,
        phases: ['build', 'query', 'puts'] }, o.timeout);
      if (r.timedOut) console.error(`  ${sdk} rep ${rep}: TIMEOUT after ${o.timeout} s (last phase: ${(r.phases[r.phases.length - 1] || {}).phase})`);
      else if (r.code !== 0) console.error(`  ${sdk} rep ${rep}: exit ${r.code} ${r.signal || ''}`);
      runs.push(r);
      if (!o.keep) for (const f of fs.readdirSync(wdir)) if (f.endsWith('.mv2') && !(rep === o.reps)) { try { fs.rmSync(path.join(wdir, f)); } catch (_) { /* ignore */ } }
    }
  }
  const load1 = os.loadavg();
  if (!o.fromRaw) fs.writeFileSync(path.join(dir, 'runs.json'), JSON.stringify({ startedAt: startedAt.toISOString(), load0, reps: o.reps, runs }));

  const ours = aggregate(runs, 'ours', queries);
  const peer = peerOk ? aggregate(runs, 'peer', queries) : null;
  const oN = ours.configs.none || {}; const oB = ours.configs.builtin || {}; const pL = peer ? (peer.configs.lex || {}) : {};
  const ov = {};
  if (peer) {
    const pH = pL.find && pL.find.lex ? pL.find.lex.hits : null;
    if (oN.find && oN.find.lex) ov.oursNoneLex_vs_peerLex = overlap(oN.find.lex.hits, pH, queries);
    if (oB.find && oB.find.auto) ov.oursBuiltinAuto_vs_peerLex = overlap(oB.find.auto.hits, pH, queries);
  }
  if (oN.find && oN.find.lex && oB.find && oB.find.lex) ov.oursNoneLex_vs_oursBuiltinLex = overlap(oN.find.lex.hits, oB.find.lex.hits, queries);

  // ---- table ----
  const rows = [];
  const g = (obj, ...ks) => ks.reduce((x, k) => (x === null || x === undefined ? undefined : x[k]), obj);
  const row = (metric, a, b, fmt) => rows.push([metric, a === undefined || a === null ? 'n/a' : fmt(a), b === undefined || b === null ? (peer ? 'n/a' : '—') : fmt(b), fmtRatio(a, b)]);
  const n = docs.length.toLocaleString('en-US');
  const pb = g(pL, 'build', 'totalMs');
  const withRange = (c) => (v) => { const b = g(c, 'build'); return b && b.runs > 1 ? `${fmtMs(v)} (${fmtMs(b.minMs)}–${fmtMs(b.maxMs)})` : fmtMs(v); };
  row(`create + putMany(${n}) + seal, ours embedding none`, g(oN, 'build', 'totalMs'), pb, withRange(oN));
  rows[rows.length - 1][2] = pb === undefined || pb === null ? rows[rows.length - 1][2] : withRange(pL)(pb);
  row(`create + putMany(${n}) + seal, ours default (built-in model)`, g(oB, 'build', 'totalMs'), pb, withRange(oB));
  rows[rows.length - 1][2] = pb === undefined || pb === null ? rows[rows.length - 1][2] : withRange(pL)(pb);
  row('file size, ours embedding none', g(oN, 'build', 'fileBytes'), g(pL, 'build', 'fileBytes'), fmtBytes);
  row('file size, ours default (built-in model)', g(oB, 'build', 'fileBytes'), g(pL, 'build', 'fileBytes'), fmtBytes);
  const pp = g(pL, 'puts', 'wallMs');
  const putsLabel = (c) => `${(g(c, 'puts', 'puts') || 0).toLocaleString('en-US')}`;
  row(`single put() x ${putsLabel(oN)} / ${putsLabel(pL)}, wall, ours embedding none`, g(oN, 'puts', 'wallMs'), pp, fmtMs);
  row(`single put() x ${putsLabel(oB)} / ${putsLabel(pL)}, wall, ours default`, g(oB, 'puts', 'wallMs'), pp, fmtMs);
  // the original cannot finish 1,000 single puts without an account (50 MB cap): compare the
  // first N puts that every run of both completed
  const dones = [oN, oB, pL].flatMap((c) => g(c, 'puts', 'done') || []);
  const common = dones.length ? Math.min(...dones) : 0;
  const firstN = (c) => { const runs = g(c, 'puts', 'perPutRuns'); return runs && runs.length ? median(runs.map((r) => r.slice(0, common).reduce((a, b) => a + b, 0))) : null; };
  if (common > 0 && peer && common < Math.max(...dones)) {
    row(`single put() x first ${common.toLocaleString('en-US')} (all runs of both completed them), ours embedding none`, firstN(oN), firstN(pL), fmtMs);
    row(`single put() x first ${common.toLocaleString('en-US')}, ours default`, firstN(oB), firstN(pL), fmtMs);
  }
  row('one put(), median, ours embedding none', g(oN, 'puts', 'perPutMedianMs'), g(pL, 'puts', 'perPutMedianMs'), fmtMs);
  row('one put(), median, ours default', g(oB, 'puts', 'perPutMedianMs'), g(pL, 'puts', 'perPutMedianMs'), fmtMs);
  row('open existing 1K memory, median', g(oN, 'open', 'medianMs'), g(pL, 'open', 'medianMs'), fmtMs);
  row('open existing 1K memory, median, ours default', g(oB, 'open', 'medianMs'), g(pL, 'open', 'medianMs'), fmtMs);
  for (const [label, obj, mode] of [['lex, ours embedding none', oN, 'lex'], ['lex, ours default memory', oB, 'lex'], ['ours auto (hybrid) vs original lex', oB, 'auto']]) {
    for (const q of ['p50', 'p90', 'p99']) row(`find k=${o.k} ${q}, ${label}`, g(obj, 'find', mode, `${q}Ms`), g(pL, 'find', 'lex', `${q}Ms`), fmtMs);
  }
  const cnt = (x) => String(x);
  row(`find: queries with zero hits (of ${queries.length}), lex none`, g(oN, 'find', 'lex', 'zeroHits'), g(pL, 'find', 'lex', 'zeroHits'), cnt);
  row('find: queries with zero hits, ours auto', g(oB, 'find', 'auto', 'zeroHits'), g(pL, 'find', 'lex', 'zeroHits'), cnt);
  row('find: queries rejected (error)', g(oN, 'find', 'lex', 'errors', 'length'), g(pL, 'find', 'lex', 'errors', 'length'), cnt);
  row('timeline(limit 100), median', g(oN, 'timeline', 'medianMs'), g(pL, 'timeline', 'medianMs'), fmtMs);
  rows.forEach((r) => { if (r[0].includes('zero hits') || r[0].includes('rejected')) r[3] = '—'; });
  // a put that failed: the wall time is not that of all the puts
  for (const [col, c] of [[1, oN], [1, oB], [2, pL]]) {
    const errs = g(c, 'puts', 'errors') || [];
    if (!errs.length) continue;
    const e = errs[0];
    for (const r of rows) if (r[0].startsWith('single put()') && r[0].includes(', wall,') && (col === 2 || r[0].endsWith(c === oN ? 'none' : 'default'))) {
      r[col] = `**failed at put #${e.at + 1}** after ${fmtMs(e.afterMs)} (${errs.length}/${g(c, 'puts', 'runs')} runs)`; r[3] = '—';
    }
  }

  const lines = [];
  lines.push(`| metric | memvid-cpp ${ourPkg.version} | @memvid/sdk ${peerPkg ? peerPkg.version : '(skipped)'} | ratio (ours ÷ original) |`);
  lines.push('|---|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  const ovLines = [];
  for (const [k, v] of Object.entries(ov)) {
    ovLines.push(`top-${o.k} overlap ${k}: ${v.compared} queries compared (${v.bothEmpty} empty on both sides), mean |A∩B|/max(|A|,|B|) = ${v.meanOverlapAtK === null ? 'n/a' : v.meanOverlapAtK.toFixed(3)}, `
      + `mean |A∩B|/min = ${v.meanOverlapOfShorter === null ? 'n/a' : v.meanOverlapOfShorter.toFixed(3)}, same top-1: ${v.sameTop1}, identical sets: ${v.identicalSets}`);
  }
  const byClass = {};
  if (ov.oursNoneLex_vs_peerLex) {
    queries.forEach((q, i) => { const x = ov.oursNoneLex_vs_peerLex.perQuery[i]; if (x === null) return; (byClass[q.cls] = byClass[q.cls] || []).push(x); });
    ovLines.push('mean overlap (of 10) by query class, ours none lex vs original lex: ' + Object.entries(byClass).map(([c, xs]) => `${c} ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)} (n=${xs.length})`).join(', '));
  }
  const failures = [];
  for (const w of [...ours.workers, ...(peer ? peer.workers : [])]) if (w.timedOut || w.code !== 0) failures.push(w);
  const peerErrors = g(pL, 'find', 'lex', 'errors') || [];

  console.log(`\nmemvid SDK comparison, ${startedAt.toISOString().slice(0, 16)}Z, ${os.cpus().length} CPUs (${os.cpus()[0].model}), load ${load0[0].toFixed(2)} → ${load1[0].toFixed(2)}`);
  console.log(`ours: ${ourPkg.name} ${ourPkg.version} (library ${ours.version})${commit ? ', commit ' + commit : ''}; original: ${peerPkg ? `${peerPkg.name} ${peerPkg.version}` : 'skipped'}`
    + `${peerNativePkg ? `, native ${peerNativePkg.name} ${peerNativePkg.version}` : ''}${peer && peer.version && peer.version.native ? ` (memvid-core ${peer.version.native.memvid_core_version}, native ${peer.version.native.native_version})` : ''}`);
  console.log(`${docs.length} docs, ${queries.length} queries, ${o.reps} reps; medians; Node ${process.version}\n`);
  console.log(lines.join('\n'));
  console.log('');
  for (const l of ovLines) console.log(l);
  for (const [name, c, mode] of [['ours none lex', oN, 'lex'], ['ours default auto', oB, 'auto'], ['original lex', pL, 'lex']]) {
    const m = g(c, 'find', mode, 'meanHitsByClass');
    if (m) console.log(`mean hits per query (k=${o.k}), ${name}: ` + Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')
      + `; zero hits: ` + Object.entries(g(c, 'find', mode, 'zeroHitsByClass') || {}).map(([k, v]) => `${k} ${v}`).join(', '));
  }
  if (peerErrors.length) { console.log(`\nqueries the original rejected (${peerErrors.length}):`); for (const e of peerErrors.slice(0, 20)) console.log(`  ${JSON.stringify(e.query)}: ${e.error}`); }
  const ourErrors = g(oN, 'find', 'lex', 'errors') || [];
  if (ourErrors.length) { console.log(`\nqueries ours rejected (${ourErrors.length}):`); for (const e of ourErrors.slice(0, 20)) console.log(`  ${JSON.stringify(e.query)}: ${e.error}`); }
  for (const [name, c] of [['ours none', oN], ['ours default', oB], ['original', pL]]) {
    for (const e of g(c, 'puts', 'errors') || []) console.log(`single puts, ${name}: put #${e.at + 1} failed after ${fmtMs(e.afterMs)}: ${e.error}`);
  }
  if (failures.length) { console.log('\nworker failures:'); for (const f of failures) console.log(`  ${JSON.stringify(f)}`); }

  const result = {
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), options: o, machine: { cpus: os.cpus().length, model: os.cpus()[0].model, kernel: os.release(), load0, load1, node: process.version },
    commit, dir, docs: docs.length, rawTextBytes: rawBytes, queries: queries.length,
    versions: { ours: { package: ourPkg.version, library: ours.version }, peer: peerPkg ? { package: peerPkg.version, native: peerNativePkg && peerNativePkg.version, info: peer && peer.version } : null },
    table: rows, overlap: Object.fromEntries(Object.entries(ov).map(([k, v]) => [k, { ...v }])),
    ours, peer, workers: runs.map((r) => ({ sdk: r.sdk, rep: r.rep, code: r.code, signal: r.signal, timedOut: r.timedOut, wallS: r.wallS, stderr: r.stderr.slice(-4000) })),
  };
  // hits are large: keep them only for the first 20 queries
  for (const s of [result.ours, result.peer]) if (s) for (const c of Object.values(s.configs)) for (const f of Object.values(c.find || {})) f.hits = (f.hits || []).slice(0, 20);
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(result, null, 1));
  console.log(`\nwrote ${path.relative(process.cwd(), o.out) || o.out}`);
  if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

main().catch((e) => { console.error(e && e.stack ? e.stack : String(e)); process.exit(1); });
