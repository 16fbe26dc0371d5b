// Runs the browser tests against the real, already-built server (apps/server/dist),
// which also serves the built web app (apps/web/dist). Build first:
//   pnpm turbo run build
import { defineConfig } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '..');
const PORT = Number(process.env.HANGSCOPE_E2E_PORT ?? 18080);
const BASE = `http://127.0.0.1:${PORT}`;

// One fresh database per run. The config is evaluated again in each worker process;
// the env var makes them reuse the directory the main process created (and started
// the server with) instead of making new ones. Only folders this config made
// (hangscope-e2e-* in the temp dir) are ever deleted.
const ours = (dir: string) => dir.startsWith(tmpdir()) && /hangscope-e2e-[^/]*$/.test(dir);
let dataDir = process.env.HANGSCOPE_E2E_DATA;
if (!dataDir || (!process.env.TEST_WORKER_INDEX && !ours(dataDir))) {
  dataDir = mkdtempSync(join(tmpdir(), 'hangscope-e2e-'));
  process.env.HANGSCOPE_E2E_DATA = dataDir;
} else if (!process.env.TEST_WORKER_INDEX) {
  // Left over from an interrupted run in this shell: start it empty.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: './tests',
  globalTeardown: './global-teardown.ts',
  outputDir: './test-results',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Generous: a shared 2-core machine may be building something else at the same time.
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: BASE,
    // Never download a browser: use the system Chromium.
    browserName: 'chromium',
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    viewport: { width: 1300, height: 1000 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node apps/server/dist/server.js',
    cwd: repoRoot,
    url: `${BASE}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      HANGSCOPE_DB: join(dataDir, 'hangscope.db'),
      // A folder that does not exist: no bundled examples unless a test wants them.
      HANGSCOPE_EXAMPLES: join(dataDir, 'no-examples'),
      LOG_LEVEL: 'warn',
    },
  },
});
