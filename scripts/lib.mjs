// Shared by the start and test scripts: make sure pnpm and the workspace's packages are
// installed and the apps are built, on a fresh machine with only Node 20 and npm.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '12.21.0';

export function log(msg) {
  process.stderr.write(`[hangscope] ${msg}\n`);
}

export function env() {
  const e = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };
  // node-gyp would otherwise download Node's headers (no internet here) for better-sqlite3.
  if (!e.npm_config_nodedir && existsSync('/usr/include/node/node.h')) e.npm_config_nodedir = '/usr';
  return e;
}

function hasPnpm() {
  if (process.env.HANGSCOPE_PNPM_VIA_NPX === '1') return null;
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** How to call pnpm: the installed one, else through npx (no global install needed). */
let pnpmVia = ['pnpm'];

/** Run pnpm with these arguments (through npx when there is no global pnpm). */
export function pnpm(args, opts = {}) {
  const [cmd, ...pre] = pnpmVia;
  return run(cmd, [...pre, ...args], opts);
}

export function mustPnpm(args, opts = {}) {
  const status = pnpm(args, opts);
  if (status !== 0) {
    log(`'pnpm ${args.join(' ')}' failed with exit code ${status}`);
    process.exit(status);
  }
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: env(), ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function mustRun(cmd, args, opts = {}) {
  const status = run(cmd, args, opts);
  if (status !== 0) {
    log(`'${cmd} ${args.join(' ')}' failed with exit code ${status}`);
    process.exit(status);
  }
}

export function ensurePnpm() {
  if (hasPnpm()) return;
  // A global install needs a writable npm prefix (root here, not on every laptop): when
  // it fails, run pnpm through npx, which caches it per user.
  if (process.env.HANGSCOPE_PNPM_VIA_NPX !== '1') {
    log(`installing pnpm ${PNPM_VERSION} (npm i -g)`);
    if (run('npm', ['install', '-g', `pnpm@${PNPM_VERSION}`]) === 0 && hasPnpm()) return;
  }
  log(`using pnpm ${PNPM_VERSION} through npx`);
  pnpmVia = ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

/** Install when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  ensurePnpm();
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies (pnpm install --frozen-lockfile)');
  mustPnpm(['install', '--frozen-lockfile']);
}

export function build() {
  log('building (turbo run build)');
  mustPnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}
