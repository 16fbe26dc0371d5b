#!/usr/bin/env node
// `npm test` / `pnpm test`: every test — the analyzer's unit, golden and corpus tests, the
// server's integration tests (real SQLite, real sockets; again on a real PostgreSQL), the
// web app's unit tests, and the browser tests in real Chromium against the built app.
// Prints one closing line:
// "tests: N passed, N failed, N skipped".
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureInstalled, log, pnpm, root, run } from './lib.mjs';

ensureInstalled();
build();

const out = join(root, '.test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const suites = [
  { name: 'analyzer', filter: '@hangscope/analyzer' },
  { name: 'server', filter: '@hangscope/server' },
  // The store and route tests again on a throwaway PostgreSQL cluster (Debian's
  // `postgresql` package; the config's globalSetup starts and removes it), and
  // PostgreSQL's own tests (several servers on one database, kill -9, migrate-store).
  { name: 'server-postgres', filter: '@hangscope/server', config: 'vitest.postgres.config.ts' },
  { name: 'web', filter: '@hangscope/web' },
];
const results = [];
// The types of every package, tests included: vitest strips types without checking them.
log('typecheck: every package, tests included');
results.push({ name: 'typecheck', status: pnpm(['typecheck']), file: null, kind: 'check' });
log('lint: eslint over every package (eslint.config.mjs)');
results.push({
  name: 'lint',
  status: run(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', '.']),
  file: null,
  kind: 'check',
});
log('format: prettier --check over the code (.prettierrc.json, .prettierignore)');
results.push({
  name: 'format',
  status: run(process.execPath, [
    join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
    '--check',
    '--log-level',
    'warn',
    '.',
  ]),
  file: null,
  kind: 'check',
});
log('import cycles: none in any package');
results.push({
  name: 'import-cycles',
  status: run(process.execPath, [join(root, 'scripts', 'import-cycles.mjs')]),
  file: null,
  kind: 'check',
});
for (const s of suites) {
  log(`unit/integration tests: ${s.name}`);
  const file = join(out, `${s.name}.json`);
  const status = pnpm([
    '--filter',
    s.filter,
    'exec',
    'vitest',
    'run',
    ...(s.config ? ['--config', s.config] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  results.push({ name: s.name, status, file, kind: 'vitest' });
}

log('browser tests: e2e (Chromium)');
const chromium = process.env.HANGSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const e2eFile = join(out, 'e2e.json');
if (!existsSync(chromium)) {
  log(
    `Chromium not found at ${chromium}: install it (apt-get install -y chromium) — the browser tests count as failed`,
  );
  results.push({ name: 'e2e', status: 1, file: null, kind: 'missing-browser' });
} else {
  const status = pnpm(['--filter', '@hangscope/e2e', 'exec', 'playwright', 'test', '--reporter=list,json'], {
    env: {
      ...process.env,
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eFile,
      PLAYWRIGHT_JSON_OUTPUT_FILE: e2eFile,
      TURBO_TELEMETRY_DISABLED: '1',
    },
  });
  results.push({ name: 'e2e', status, file: e2eFile, kind: 'playwright' });
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  let p = 0,
    f = 0,
    k = 0;
  if (r.file && existsSync(r.file)) {
    const j = JSON.parse(readFileSync(r.file, 'utf8'));
    if (r.kind === 'vitest') {
      p = j.numPassedTests ?? 0;
      // A suite that fails to load has no failed test, only a failed suite: count it.
      f = j.numFailedTests || j.numFailedTestSuites || 0;
      k = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    } else {
      p = (j.stats?.expected ?? 0) + (j.stats?.flaky ?? 0);
      f = j.stats?.unexpected ?? 0;
      k = j.stats?.skipped ?? 0;
    }
  }
  if (r.kind === 'check') p = r.status === 0 ? 1 : 0;
  // A runner that exited non-zero without a counted failure (crash, config error) fails.
  if (r.status !== 0 && f === 0) f = 1;
  log(`${r.name}: ${p} passed, ${f} failed, ${k} skipped`);
  passed += p;
  failed += f;
  skipped += k;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
