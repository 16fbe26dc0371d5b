// Linear on every line shape (issue 17): each distinct line shape of the project's
// fixtures and examples and of the shared corpora (when present), and the shapes written
// in testing/line-shapes.ts, repeated to 64 KB and 512 KB (512 KB only where 64 KB shows
// it could fail; see LINEARITY). A shape fails when 64 KB
// takes over 0.5 s, or 512 KB over 1 s and over 12× its 64 KB time — twice in a row.
//
// A run of one line is the input that turns "scan ahead, give up, retry at the next
// line" quadratic, and it compresses to almost nothing: 1 MB of `PID: 14` gzips to a few
// KB. The fuzz test's inputs are short and never such a run. Per-shape numbers:
// `node bench/line-shapes.mjs` (after a build).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { corpusDirs, corpusFiles, LINEARITY, lineShapes, timeShape, type ShapeTiming } from './testing/line-shapes.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

describe('every line shape, repeated, is analysed in linear time', () => {
  const shapes = lineShapes(corpusFiles(corpusDirs(repoRoot)));

  it(`${shapes.length} shapes at 64 KB, and at 512 KB when 64 KB took over ${LINEARITY.bigIfSmallOverMs} ms (or over ${LINEARITY.screenIfSmallOverMs} ms and 128 KB over ${LINEARITY.screenRatio}× that)`, () => {
    // Warm the analyzer up, so the first shapes are not timed with a cold JIT.
    for (const s of shapes.slice(0, 20)) analyze(s.line.repeat(200));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const timings: ShapeTiming[] = shapes.map((s) => timeShape(s, analyze));
    const slow = timings.filter((t) => t.slow);
    const big = timings.filter((t) => t.ms512 !== null);
    const worst = big.reduce<ShapeTiming | null>(
      (w, t) => (w === null || t.ms512! / t.ms64 > w.ms512! / w.ms64 ? t : w),
      null,
    );
    console.log(
      `linearity: ${timings.length} shapes (${big.length} also at 512 KB) in ${((performance.now() - t0) / 1000).toFixed(1)} s (${((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6).toFixed(1)} s CPU); ` +
        `slowest 64 KB ${Math.max(...timings.map((t) => t.ms64)).toFixed(0)} ms, slowest 512 KB ${Math.max(0, ...big.map((t) => t.ms512!)).toFixed(0)} ms` +
        (worst
          ? `, worst 512/64 ratio ${(worst.ms512! / worst.ms64).toFixed(1)} (${JSON.stringify(worst.line.slice(0, 80))})`
          : ''),
    );
    expect(
      slow.map(
        (t) =>
          `${JSON.stringify(t.line.slice(0, 120))} (${t.source}): 64 KB ${t.ms64.toFixed(0)} ms, 512 KB ${t.ms512?.toFixed(0) ?? '-'} ms`,
      ),
    ).toEqual([]);
  }, 1_800_000);
});
