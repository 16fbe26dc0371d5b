// One file's analysis measured in the current thread (bench/analyzer.mjs): the memory of
// one analysis, then the best of `runs` timed ones. Loaded as a worker thread with
// workerData { dist, file, runs }, it measures there and posts the result.

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

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

/** Memory of one analysis, then (runs > 0) the best of `runs` timed ones, in this thread. */
export async function measure(dist, file, runs) {
  const { analyze } = await import(pathToFileURL(dist).href);
  const gc = globalThis.gc ?? (() => {});
  // Warm the analyzer's code paths on a small slice so JIT warm-up is not billed to
  // the first large run (a dashboard's server process is warm too).
  // Only the file's first 200 KB are read for it: a slice of the whole text would keep
  // that whole first copy alive through the measurements (a 10 MB input raised mem×in by
  // ~1, V8 sizing its heap to the extra live data, and no server worker holds one).
  analyze(readHead(file, 200_000));
  gc();
  const size = statSync(file).size;
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
  const out = {
    file: basename(file),
    bytes: size,
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
  if (runs === 0) return out;
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
  return {
    ...out,
    analyzeMs: best,
    withReadMs: bestWithRead,
    cpuMs: bestCpu,
    mbps: size / 1048576 / (best / 1000),
    withReadMbps: size / 1048576 / (bestWithRead / 1000),
  };
}

if (!isMainThread && workerData?.file)
  parentPort.postMessage(await measure(workerData.dist, workerData.file, workerData.runs));
