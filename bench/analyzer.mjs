#!/usr/bin/env node
// Analyzer benchmark: for each input, in fresh Node processes,
//   floor    = read the file (utf8) + split it into lines (String.prototype.split), in a
//              process of its own, best of 3;
//   analyzer = analyze(text) from packages/analyzer/dist (the analyzer does no I/O), and
//              read the file (utf8) + analyze, each best of --runs (default 3) after two
//              untimed full analyses (the memory run and a warm-up): wall and CPU ms, MB/s
//              of the analyzer and of read + analyze, and the ratio to the floor like for
//              like (read + analyze ÷ read + split);
//   memory   = one analysis in the same fresh process before the timed runs: peak RSS
//              growth over the RSS with the input read, plus the input itself, ÷ input
//              size ("mem×in": the input counts once);
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
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** The first `bytes` bytes of a file, as text (a character cut at the end is harmless). */
function readHead(file, bytes) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

// ---- child: measure one file --------------------------------------------------------------
if (process.argv[2] === '--child') {
  const file = process.argv[3];
  const runs = Number(process.argv[4] ?? 1);
  const { analyze } = await import(pathToFileURL(DIST).href);
  const gc = globalThis.gc ?? (() => {});
  // Warm the analyzer's code paths on a small slice so JIT warm-up is not billed to
  // the first large run (a dashboard's server process is warm too).
  // Only the file's first 200 KB are read for it: a slice of the whole text would keep
  // that whole first copy alive through the measurements (a 10 MB input raised mem×in by
  // ~1, V8 sizing its heap to the extra live data, and no server worker holds one).
  analyze(readHead(file, 200_000));
  gc();
  const size = statSync(file).size;

  // The floor runs in its own child (--floor): its strings must not inflate the
  // analyzer's peak RSS, which is measured from this baseline.
  const fl = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--floor', file, String(Math.max(3, runs))], { encoding: 'utf8' });
  if (fl.status !== 0) throw new Error(`floor child failed: ${fl.stderr}`);
  const { floor, lines } = JSON.parse(fl.stdout);
  gc();
  // Memory: one analysis in this fresh process, measured from the RSS with the input
  // already read (reading a file is not the analyzer's work: its buffer is gone by then);
  // the input string itself is counted once in memRatio. First, so no earlier run's heap
  // is still held.
  let doc = null;
  let peakRss = 0;
  let inputRss = 0;
  {
    const text = readFileSync(file, 'utf8');
    gc();
    inputRss = process.memoryUsage().rss;
    doc = analyze(text);
    peakRss = process.resourceUsage().maxRSS * 1024;
  }
  // One more full analysis before the timed runs: V8 is still optimising the analyzer's
  // hot code during the first two (measured: the 1st, 2nd and 3rd runs of nmi-10mb in one
  // process took 527, 412, 367 ms, then ~350), and a server's worker that has analysed
  // dumps before is past that.
  doc = null;
  gc();
  analyze(readFileSync(file, 'utf8'));
  let best = Infinity;
  let bestWithRead = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < runs; r++) {
    doc = null;
    gc();
    const t0 = performance.now();
    const text = readFileSync(file, 'utf8');
    // Reading 10 MB costs 60–100 ms on these VMs (page faults of a fresh buffer and
    // string), as much as a third of the analysis: reported beside it, not inside it.
    const c0 = process.cpuUsage();
    const t1 = performance.now();
    doc = analyze(text);
    const t2 = performance.now();
    best = Math.min(best, t2 - t1);
    bestWithRead = Math.min(bestWithRead, t2 - t0);
    const c = process.cpuUsage(c0);
    // CPU time of the process (GC helper threads included): less sensitive than wall
    // time to other work on a shared machine.
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  const out = {
    file: basename(file),
    bytes: size,
    lines,
    floorMs: floor,
    analyzeMs: best,
    withReadMs: bestWithRead,
    cpuMs: bestCpu,
    mbps: size / 1048576 / (best / 1000),
    withReadMbps: size / 1048576 / (bestWithRead / 1000),
    floorMbps: size / 1048576 / (floor / 1000),
    ratio: bestWithRead / floor,
    // Peak RSS of the process, and the analysis's peak growth over the RSS with the input
    // loaded (working set + the document it returns) plus the input itself, ÷ input size.
    peakRssMB: peakRss / 1048576,
    memRatio: (peakRss - inputRss + size) / size,
    kind: doc.kind,
    title: doc.title,
    tasks: doc.tasks.length,
    cpus: doc.cpus.length,
    locks: doc.locks.length,
    nodes: doc.graph.nodes.length,
    edges: doc.graph.edges.length,
    findings: doc.findings.map((f) => f.kind),
  };
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
const flagValues = new Set(['--dir', '--match', '--runs', '--rounds', '--json'].map((f) => arg(f.slice(2), null)).filter(Boolean));
let files = process.argv.slice(2).filter((a) => !a.startsWith('--') && !flagValues.has(a)).map((f) => resolve(f));
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
console.log(`analyzer: ${DIST}  node ${process.version}  load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs; ${rounds} round(s) of fresh processes per input`);
const samples = new Map(files.map((f) => [f, []]));
for (let round = 1; round <= rounds; round++) {
  for (const f of files) {
    const size = statSync(f).size;
    const runs = Number(runsArg ?? 3);
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', f, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      console.error(`${basename(f)}: child failed (${r.status}${r.signal ? ' ' + r.signal : ''})\n${r.stderr.slice(-2000)}`);
      samples.get(f).push({ file: basename(f), error: r.stderr.slice(-500) });
      continue;
    }
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    samples.get(f).push(o);
    console.log(`  round ${round}/${rounds} ${o.file.padEnd(18)} ${pad(o.analyzeMs.toFixed(0), 6)} ms ${pad(o.mbps.toFixed(1), 5)} MB/s (+read ${pad(o.withReadMs.toFixed(0), 4)} ms)  floor ${pad(o.floorMs.toFixed(0), 4)} ms  mem×in ${o.memRatio.toFixed(1)}  load ${loadavg()[0].toFixed(1)}  (${(size / 1048576).toFixed(1)} MB)`);
  }
}
console.log(['input'.padEnd(20), pad('MB', 6), pad('lines', 8), pad('floor ms', 9), pad('analyze ms', 11), pad('+read ms', 9), pad('cpu ms', 7), pad('MB/s', 7), pad('+read', 6), pad('×floor', 7), pad('peak RSS', 9), pad('mem×in', 7), pad('tasks', 6), pad('nodes', 6), pad('edges', 6), pad('MB/s range', 12), ' kind'].join(' '));
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
    rounds: ok.map((x) => ({ analyzeMs: x.analyzeMs, withReadMs: x.withReadMs, mbps: x.mbps, floorMs: x.floorMs, memRatio: x.memRatio })),
  };
  rows.push(o);
  const mbpsAll = ok.map((x) => x.mbps);
  const range = `${Math.min(...mbpsAll).toFixed(1)}–${Math.max(...mbpsAll).toFixed(1)}`;
  console.log([o.file.padEnd(20), pad((o.bytes / 1048576).toFixed(1), 6), pad(o.lines, 8), pad(o.floorMs.toFixed(0), 9), pad(o.analyzeMs.toFixed(0), 11), pad(o.withReadMs.toFixed(0), 9), pad(o.cpuMs.toFixed(0), 7), pad(o.mbps.toFixed(1), 7), pad(o.withReadMbps.toFixed(1), 6), pad(o.ratio.toFixed(1), 7), pad(o.peakRssMB.toFixed(0) + 'M', 9), pad(o.memRatio.toFixed(1), 7), pad(o.tasks, 6), pad(o.nodes, 6), pad(o.edges, 6), pad(range, 12), ' ' + o.kind].join(' '));
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: loadavg(), rows }, null, 2) + '\n');
if (rows.some((r) => r.error)) process.exit(1);
