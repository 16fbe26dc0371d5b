#!/usr/bin/env node
// Line-shape linearity benchmark: every distinct line shape of the corpora (fixtures,
// examples, ../shared/corpus when present; digits and hex normalised) and the shapes
// named in packages/analyzer/src/testing/line-shapes.ts, each repeated to 64 KB, and to
// 512 KB when 64 KB could grow past the limits (LINEARITY in line-shapes.ts) — the same
// measurement as the analyzer's linearity.test.ts, with the numbers printed per shape.
// Times are min(wall, process CPU) in ms.
//
//   node bench/line-shapes.mjs [--top N] [--all] [--match TEXT] [--json out.json]
//
// --top N (default 25): the N slowest shapes at 512 KB, then at 64 KB; --all: every shape.
// Build first: pnpm --filter @hangscope/analyzer build
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/analyzer/dist');
const { analyze } = await import(pathToFileURL(join(dist, 'index.js')).href);
const { corpusDirs, corpusFiles, LINEARITY, lineShapes, timeShape } = await import(
  pathToFileURL(join(dist, 'testing/line-shapes.js')).href
);

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : dflt;
};
const top = args.includes('--all') ? Infinity : Number(opt('--top', 25));
const match = opt('--match', null);

let shapes = lineShapes(corpusFiles(corpusDirs(root)));
if (match) shapes = shapes.filter((s) => s.line.includes(match));
for (const s of shapes.slice(0, 20)) analyze(s.line.repeat(200));

const t0 = performance.now();
const c0 = process.cpuUsage();
const timings = shapes.map((s) => timeShape(s, analyze));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
const cpuMs = (cpu.user + cpu.system) / 1000;

const big = timings.filter((t) => t.ms512 !== null);
const ratio = (t) => t.ms512 / t.ms64;
const fmt = (t) =>
  `${t.ms64.toFixed(1).padStart(8)} ${(t.ms512 === null ? '-' : t.ms512.toFixed(1)).padStart(9)} ${(t.ms512 === null ? '-' : ratio(t).toFixed(1)).padStart(6)} ${t.slow ? 'SLOW' : '    '}  ${JSON.stringify(t.line.slice(0, 100))}`;
const header = `${'64KB ms'.padStart(8)} ${'512KB ms'.padStart(9)} ${'ratio'.padStart(6)}       line`;

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, node ${process.version}`,
);
console.log(
  `${timings.length} shapes (${big.length} also at 512 KB) in ${seconds.toFixed(1)} s wall, ${(cpuMs / 1000).toFixed(1)} s CPU; ` +
    `${timings.filter((t) => t.slow).length} over the limits (64 KB > ${LINEARITY.smallLimitMs} ms, or 512 KB > ${LINEARITY.bigLimitMs} ms and > ${LINEARITY.maxRatio}× 64 KB)`,
);
if (big.length) {
  const worst = big.reduce((w, t) => (ratio(t) > ratio(w) ? t : w));
  console.log(
    `worst 512/64 ratio ${ratio(worst).toFixed(1)}; slowest 512 KB ${Math.max(...big.map((t) => t.ms512)).toFixed(0)} ms; slowest 64 KB ${Math.max(...timings.map((t) => t.ms64)).toFixed(0)} ms`,
  );
}
console.log(`\nslowest at 512 KB:\n${header}`);
for (const t of big
  .slice()
  .sort((a, b) => b.ms512 - a.ms512)
  .slice(0, top))
  console.log(fmt(t));
console.log(`\nslowest at 64 KB:\n${header}`);
for (const t of timings
  .slice()
  .sort((a, b) => b.ms64 - a.ms64)
  .slice(0, top))
  console.log(fmt(t));
const out = opt('--json', null);
if (out) writeFileSync(out, JSON.stringify({ seconds, timings }, null, 1));
