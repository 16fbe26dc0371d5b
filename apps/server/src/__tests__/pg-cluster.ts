// A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a cluster in a
// fresh temp directory, on a free loopback port; stopped and deleted afterwards. Run as
// the `postgres` user when the tests run as root (PostgreSQL refuses to run as root),
// as the current user otherwise. Nothing outside the temp directory is touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../reliability/harness.js';

export interface PgCluster {
  /** postgres://… of the cluster's `postgres` database, as its superuser. */
  url: string;
  dir: string;
  stop(): void;
}

/** The directory of initdb/pg_ctl: HANGSCOPE_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else pg_config's. */
export function findPgBin(): string | null {
  if (process.env.HANGSCOPE_PG_BIN) return process.env.HANGSCOPE_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config
  }
  return null;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin)
    throw new Error('PostgreSQL server binaries not found: apt-get install -y postgresql (or set HANGSCOPE_PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'hangscope-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  let run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    run = (cmd, args) => spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', cwd: dir });
  }
  const must = (cmd: string, args: string[]) => {
    const r = run(cmd, args);
    if (r.status !== 0)
      throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}${r.error ? ` ${r.error.message}` : ''}`);
  };
  try {
    must(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
      '--no-instructions',
    ]);
    const port = await freePort();
    // fsync off: a test cluster that a power cut may lose; commits and their visibility
    // (what the tests check) are unchanged.
    const options = [
      `-k ${dir}`,
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    must(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dir,
      stop() {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
    run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}${log ? `\n${log}` : ''}`);
  }
}
