#!/usr/bin/env node
// Runs the analyzer CLI, building it first when its output is missing or older than the
// sources (so `pnpm hangscope` works right after install).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages', 'analyzer');
const cli = join(pkg, 'dist', 'cli.js');

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(cli) || statSync(cli).mtimeMs < newestMtime(join(pkg, 'src'))) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json')], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('hangscope: building the analyzer failed\n');
    process.exit(2);
  }
}
// The analysis runs with the young generation the analyzer asks for, as in the server's
// analysis workers (packages/analyzer/src/heap.ts: V8 sizes a young generation as three
// semi-spaces): V8's default costs a 10 MB dump's analysis 1–1.5× its size more memory.
const { ANALYSIS_YOUNG_GENERATION_MB } = await import(pathToFileURL(join(pkg, 'dist', 'heap.js')).href);
const semiSpace = `--max-semi-space-size=${Math.max(1, Math.floor(ANALYSIS_YOUNG_GENERATION_MB / 3))}`;
const r = spawnSync(process.execPath, [semiSpace, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
