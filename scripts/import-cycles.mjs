#!/usr/bin/env node
// Fails when a package's source has an import cycle: a module that, through value imports,
// imports itself. Such cycles make the order of module evaluation matter (a binding read
// before its module ran is undefined) and blur which stage depends on which.
// `import type` is erased at build time and does not count.
//
//   node scripts/import-cycles.mjs [DIR...]    (default: every package's src/)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['packages/analyzer/src', 'apps/server/src', 'apps/web/src'];

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// import … from './x.js'  /  export … from './x.js'  /  import './x.js'  (relative only)
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function resolveImport(from, spec, known) {
  const base = resolve(dirname(from), spec);
  for (const cand of [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base + '.ts',
    base + '.tsx',
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (known.has(cand)) return cand;
  }
  return null;
}

/** Strongly connected components of more than one module (or a module importing itself). */
export function importCycles(files, read = (f) => readFileSync(f, 'utf8')) {
  const known = new Set(files);
  const graph = new Map();
  for (const f of files) {
    const out = new Set();
    for (const m of read(f).matchAll(IMPORT)) {
      if (m[2]) continue; // import type / export type
      const to = resolveImport(f, m[3], known);
      if (to) out.add(to);
    }
    graph.set(f, out);
  }
  // Tarjan's algorithm, iterative (deep import chains must not overflow the stack).
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, [...graph.get(start)], 0]];
    index.set(start, next);
    low.set(start, next);
    next++;
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, succ] = top;
      if (top[2] < succ.length) {
        const w = succ[top[2]++];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next);
          next++;
          stack.push(w);
          onStack.add(w);
          work.push([w, [...graph.get(w)], 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || graph.get(v).has(v)) cycles.push(comp.sort());
      }
    }
  }
  return cycles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let bad = 0;
  for (const d of dirs) {
    const dir = resolve(root, d);
    for (const c of importCycles(sources(dir))) {
      bad++;
      console.error(`import cycle in ${d}: ${c.map((f) => relative(dir, f)).join(' <-> ')}`);
    }
  }
  if (bad) {
    console.error(`${bad} import cycle(s): move what both sides need into a module of its own`);
    process.exit(1);
  }
  console.error(`no import cycles in ${dirs.join(', ')}`);
}
