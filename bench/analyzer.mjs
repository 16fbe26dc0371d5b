#!/usr/bin/env node
// Analyzer benchmark: for each input, in fresh Node processes,
//   floor    = read the file (utf8) + split it into lines (String.prototype.split), in a
//              process of its own, best of 3;
//   analyzer = analyze(text) from packages/analyzer/dist (the analyzer does no I/O) in a
//              worker thread with the analyzer's young generation size, as the server's
//              analysis pool runs it (bench/analysis-run.mjs), and
//              read the file (utf8) + analyze, each best of --runs (default 3) after two
//              untimed full analyses (the memory run and a warm-up): wall and CPU ms, MB/s
//              of the analyzer and of read + analyze, and the ratio to the floor like for
//              like (read + analyze ÷ read + split);
//   memory   = one analysis in the same fresh process before the timed runs: peak RSS
//              growth over the RSS with the input read, plus the input itself, ÷ input
//              size ("mem×in": the input counts once); and "main mem×in", the same in a
//              process of its own on the main thread with V8's defaults, as the CLI runs it;
// and graph nodes/edges (the graph after identical waiters are collapsed), tasks, kind.
//
//   node bench/analyzer.mjs [--dir bench/out] [--match sysrq] [--runs N] [--rounds N] [--json out.json] [files…]
//
// --rounds N (default 3): every input is measured in N fresh processes, round-robin; the
// best time and the worst memory of the rounds are reported, with the MB/s range.
//
// Build first: pnpm turbo run build --filter @hangscope/analyzer

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { measure } from './analysis-run.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const DIST = join(root, 'packages/analyzer/dist/index.js');

// ---- child: the floor (read + split into lines), best of N ------------------------------------
if (process.argv[2] === '--floor') {
  const file = process.argv[3];
  const runs = Number(process.argv[4] ?? 3);
  let floor = Infinity;
  let lines = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const text = readFileSync(file, 'utf8');
    const parts = text.split(/\r\n|\r|\n/);
    lines = parts.length;
    floor = Math.min(floor, performance.now() - t0);
  }
  process.stdout.write(JSON.stringify({ floor, lines }));
  process.exit(0);
}

// ---- child: measure one file --------------------------------------------------------------
// The analysis runs as the server runs it: in a worker thread with the young generation
// the analyzer asks for (ANALYSIS_YOUNG_GENERATION_MB, packages/analyzer/src/heap.ts).
// `--thread main` runs it on the process's main thread with V8's defaults instead, as the
// `hangscope` CLI does; the parent measures memory that way too, for comparison.
if (process.argv[2] === '--child') {
  const file = process.argv[3];
  const runs = Number(process.argv[4] ?? 1);
  const thread = process.argv[5] ?? 'worker';
  // The floor runs in its own child (--floor), first: its strings must not inflate the
  // analyzer's peak RSS.
  let floor = null;
  let lines = null;
  if (runs > 0) {
    const fl = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--floor', file, String(Math.max(3, runs))],
      { encoding: 'utf8' },
    );
    if (fl.status !== 0) throw new Error(`floor child failed: ${fl.stderr}`);
    ({ floor, lines } = JSON.parse(fl.stdout));
  }
  let out;
  if (thread === 'main') out = await measure(DIST, file, runs);
  else {
    const { ANALYSIS_YOUNG_GENERATION_MB } = await import(pathToFileURL(DIST).href);
    if (!Number.isFinite(ANALYSIS_YOUNG_GENERATION_MB))
      throw new Error(`${DIST} has no ANALYSIS_YOUNG_GENERATION_MB: build the analyzer again`);
    out = await new Promise((resolvePromise, reject) => {
      const w = new Worker(new URL('./analysis-run.mjs', import.meta.url), {
        workerData: { dist: DIST, file, runs },
        resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
      });
      w.once('message', resolvePromise);
      w.once('error', reject);
    });
  }
  out.thread = thread;
  if (floor !== null)
    Object.assign(out, {
      lines,
      floorMs: floor,
      floorMbps: out.bytes / 1048576 / (floor / 1000),
      ratio: out.withReadMs / floor,
    });
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
// ---- parent ------------------------------------------------------------------------------------
function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const dir = resolve(arg('dir', join(here, 'out')));
const match = arg('match', null);
const runsArg = arg('runs', null);
const jsonOut = arg('json', null);
const flagValues = new Set(
  ['--dir', '--match', '--runs', '--rounds', '--json'].map((f) => arg(f.slice(2), null)).filter(Boolean),
);
let files = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--') && !flagValues.has(a))
  .map((f) => resolve(f));
if (!files.length) {
  const mb = (n) => Number(/-(\d+(?:\.\d+)?)mb\.txt$/.exec(n)?.[1] ?? 0);
  files = readdirSync(dir)
    .filter((n) => n.endsWith('.txt') && (!match || n.includes(match)))
    .sort((a, b) => mb(a) - mb(b) || a.localeCompare(b))
    .map((n) => join(dir, n));
}
if (!files.length) {
  console.error(`no inputs in ${dir}: run pnpm bench:gen first`);
  process.exit(2);
}

const rows = [];
const pad = (s, n) => String(s).padStart(n);
// Each input is measured in `--rounds` fresh processes, round-robin over the inputs, so a
// burst of load from the machine's neighbours (2 shared vCPUs) spoils one sample of an
// input, not all of them. Times keep the best round (the floor too); memory keeps the
// worst round (noise only makes time slower, but memory is reported conservatively).
const rounds = Math.max(1, Number(arg('rounds', 3)));
console.log(
  `analyzer: ${DIST}  node ${process.version}  load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${cpus().length} CPUs; ${rounds} round(s) of fresh processes per input`,
);
const samples = new Map(files.map((f) => [f, []]));
for (let round = 1; round <= rounds; round++) {
  for (const f of files) {
    const size = statSync(f).size;
    const runs = Number(runsArg ?? 3);
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', f, String(runs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) {
      console.error(
        `${basename(f)}: child failed (${r.status}${r.signal ? ' ' + r.signal : ''})\n${r.stderr.slice(-2000)}`,
      );
      samples.get(f).push({ file: basename(f), error: r.stderr.slice(-500) });
      continue;
    }
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    // Memory only, on the main thread with V8's defaults.
    const m = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', f, '0', 'main'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    o.mainMemRatio = m.status === 0 ? JSON.parse(m.stdout.trim().split('\n').pop()).memRatio : null;
    samples.get(f).push(o);
    console.log(
      `  round ${round}/${rounds} ${o.file.padEnd(18)} ${pad(o.analyzeMs.toFixed(0), 6)} ms ${pad(o.mbps.toFixed(1), 5)} MB/s (+read ${pad(o.withReadMs.toFixed(0), 4)} ms)  floor ${pad(o.floorMs.toFixed(0), 4)} ms  mem×in ${o.memRatio.toFixed(1)} (main thread ${o.mainMemRatio?.toFixed(1) ?? '?'})  load ${loadavg()[0].toFixed(1)}  (${(size / 1048576).toFixed(1)} MB)`,
    );
  }
}
console.log(
  [
    'input'.padEnd(20),
    pad('MB', 6),
    pad('lines', 8),
    pad('floor ms', 9),
    pad('analyze ms', 11),
    pad('+read ms', 9),
    pad('cpu ms', 7),
    pad('MB/s', 7),
    pad('+read', 6),
    pad('×floor', 7),
    pad('peak RSS', 9),
    pad('mem×in', 7),
    pad('main', 5),
    pad('tasks', 6),
    pad('nodes', 6),
    pad('edges', 6),
    pad('MB/s range', 12),
    ' kind',
  ].join(' '),
);
for (const f of files) {
  const ok = samples.get(f).filter((o) => !o.error);
  if (!ok.length) {
    rows.push(samples.get(f)[0]);
    continue;
  }
  const best = ok.reduce((a, b) => (b.analyzeMs < a.analyzeMs ? b : a));
  const floorMs = Math.min(...ok.map((o) => o.floorMs));
  const withReadMs = Math.min(...ok.map((o) => o.withReadMs));
  const worstMem = ok.reduce((a, b) => (b.memRatio > a.memRatio ? b : a));
  const mains = ok.map((x) => x.mainMemRatio).filter((x) => typeof x === 'number');
  const o = {
    ...best,
    floorMs,
    floorMbps: best.bytes / 1048576 / (floorMs / 1000),
    withReadMs,
    withReadMbps: best.bytes / 1048576 / (withReadMs / 1000),
    ratio: withReadMs / floorMs,
    cpuMs: Math.min(...ok.map((x) => x.cpuMs)),
    peakRssMB: worstMem.peakRssMB,
    memRatio: worstMem.memRatio,
    mainMemRatio: mains.length ? Math.max(...mains) : null,
    rounds: ok.map((x) => ({
      analyzeMs: x.analyzeMs,
      withReadMs: x.withReadMs,
      mbps: x.mbps,
      floorMs: x.floorMs,
      memRatio: x.memRatio,
      mainMemRatio: x.mainMemRatio,
    })),
  };
  rows.push(o);
  const mbpsAll = ok.map((x) => x.mbps);
  const range = `${Math.min(...mbpsAll).toFixed(1)}–${Math.max(...mbpsAll).toFixed(1)}`;
  console.log(
    [
      o.file.padEnd(20),
      pad((o.bytes / 1048576).toFixed(1), 6),
      pad(o.lines, 8),
      pad(o.floorMs.toFixed(0), 9),
      pad(o.analyzeMs.toFixed(0), 11),
      pad(o.withReadMs.toFixed(0), 9),
      pad(o.cpuMs.toFixed(0), 7),
      pad(o.mbps.toFixed(1), 7),
      pad(o.withReadMbps.toFixed(1), 6),
      pad(o.ratio.toFixed(1), 7),
      pad(o.peakRssMB.toFixed(0) + 'M', 9),
      pad(o.memRatio.toFixed(1), 7),
      pad(o.mainMemRatio?.toFixed(1) ?? '?', 5),
      pad(o.tasks, 6),
      pad(o.nodes, 6),
      pad(o.edges, 6),
      pad(range, 12),
      ' ' + o.kind,
    ].join(' '),
  );
}
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: loadavg(), rows }, null, 2) + '\n',
  );
if (rows.some((r) => r.error)) process.exit(1);
