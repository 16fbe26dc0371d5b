import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ANALYZER_VERSION } from '@hangscope/analyzer';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CRLF_UTF8_DUMP,
  HUNG_TASK_DUMP,
  startApp,
  tempDir,
  TEST_ENGINE,
  upload,
  type TestApp,
} from './__tests__/helpers.js';
import { runCli } from './cli.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The CLI's environment for the test app's database (SQLite file or PostgreSQL). */
const envOf = (app: TestApp) => ({
  HANGSCOPE_DB: app.dbPath,
  ...(app.store.databaseUrl ? { HANGSCOPE_DATABASE_URL: app.store.databaseUrl } : {}),
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('cli', () => {
  it('import DIR stores every dump once; backup copies the database while the server serves', async () => {
    const dir = tempDir();
    t = await startApp({}, dir);
    const dumps = join(dir, 'dumps');
    mkdirSync(dumps);
    writeFileSync(join(dumps, 'a.txt'), HUNG_TASK_DUMP);
    writeFileSync(join(dumps, 'b.log'), CRLF_UTF8_DUMP);
    writeFileSync(join(dumps, 'core.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]));
    const env = envOf(t);

    const first = capture();
    expect(await runCli(['import', dumps, '--tag', 'imported'], env, first.io)).toBe(0);
    expect(JSON.parse(first.out.at(-1)!)).toEqual({ created: 2, duplicate: 0, rejected: 1 });
    const again = capture();
    expect(await runCli(['import', dumps], env, again.io)).toBe(0);
    expect(JSON.parse(again.out.at(-1)!)).toEqual({ created: 0, duplicate: 2, rejected: 1 });
    // the running server sees them
    const list = (await t.app.inject({ method: 'GET', url: '/api/incidents?tag=imported' })).json();
    expect(list.items).toHaveLength(2);

    const dest = join(dir, 'backups', 'copy.db');
    expect(await runCli(['backup', dest], env, capture().io)).toBe(0);
    expect(existsSync(dest)).toBe(true);
    if (TEST_ENGINE === 'sqlite') {
      const copy = new Database(dest, { readonly: true });
      expect((copy.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n).toBe(2);
      copy.close();
    } else {
      // pg_dump's custom format: what pg_restore would restore.
      const toc = execFileSync('pg_restore', ['--list', dest], { encoding: 'utf8' });
      expect(toc).toMatch(/TABLE DATA public incidents/);
      expect(toc).toMatch(/TABLE DATA public incident_raw/);
    }
  });

  it('reanalyze updates incidents analysed by another analyzer version, and only those', async () => {
    const dir = tempDir();
    t = await startApp({}, dir);
    const a = (await upload(t.app, HUNG_TASK_DUMP)).json.id;
    const b = (await upload(t.app, CRLF_UTF8_DUMP)).json.id;
    await t.sql(
      "UPDATE incidents SET analyzer_version = '0.0.0-old', kind = 'unknown', fingerprint = 'stale' WHERE id = ?",
      a,
    );
    await t.sql(
      "UPDATE incident_analysis SET analyzer_version = '0.0.0-old', document = ? WHERE incident_id = ?",
      Buffer.from('{}'),
      a,
    );

    const run = capture();
    expect(await runCli(['reanalyze'], envOf(t), run.io)).toBe(0);
    expect(JSON.parse(run.out.at(-1)!)).toEqual({ updated: 1, failed: 0, total: 1 });
    const detail = (await t.app.inject({ method: 'GET', url: `/api/incidents/${a}` })).json();
    expect(detail.analyzerVersion).toBe(ANALYZER_VERSION);
    expect(detail.analysis.analyzerVersion).toBe(ANALYZER_VERSION);
    expect(detail.fingerprint).not.toBe('stale');
    expect(detail.kind).toBe(detail.analysis.kind);

    const all = capture();
    expect(await runCli(['reanalyze', '--all'], envOf(t), all.io)).toBe(0);
    expect(JSON.parse(all.out.at(-1)!)).toEqual({ updated: 2, failed: 0, total: 2 });
    expect(b).toBeTruthy();
  });

  it('usage errors exit 2', async () => {
    expect(await runCli([], {}, capture().io)).toBe(2);
    expect(await runCli(['frobnicate'], {}, capture().io)).toBe(2);
    expect(await runCli(['backup'], {}, capture().io)).toBe(2);
    // Strict options: a typo is an error, not a no-op that runs the command without it.
    const typo = capture();
    expect(await runCli(['reanalyze', '--al'], {}, typo.io)).toBe(2);
    expect(typo.err.join('\n')).toMatch(/Unknown option '--al'/);
    expect(await runCli(['backup', 'a', 'b'], {}, capture().io)).toBe(2);
  });

  it('token create prints the token last; list never shows secrets; revoke by name; usage errors are 2', async () => {
    const dir = tempDir();
    t = await startApp({}, dir);
    const env = envOf(t);
    const made = capture();
    expect(await runCli(['token', 'create', '--role', 'ingest', '--name', 'ci runner'], env, made.io)).toBe(0);
    const secret = made.out.at(-1)!;
    expect(secret).toMatch(/^hst_[\w-]{43}$/);
    const listed = capture();
    expect(await runCli(['token', 'list'], env, listed.io)).toBe(0);
    expect(listed.out).toHaveLength(1);
    expect(JSON.parse(listed.out[0])).toMatchObject({ name: 'ci runner', role: 'ingest', revokedAt: null });
    expect(listed.out.join('\n')).not.toContain(secret.slice(4));
    const dup = capture();
    expect(await runCli(['token', 'create', '--role', 'read', '--name', 'ci runner'], env, dup.io)).toBe(1);
    expect(dup.err.join('\n')).toContain('exists already');
    expect(await runCli(['token', 'revoke', 'ci runner'], env, capture().io)).toBe(0);
    expect(await runCli(['token', 'revoke', 'ci runner'], env, capture().io)).toBe(1);
    expect(await runCli(['token', 'create', '--role', 'root'], env, capture().io)).toBe(2);
    expect(await runCli(['token', 'create'], env, capture().io)).toBe(2);
    expect(await runCli(['token'], env, capture().io)).toBe(2);
    expect(await runCli(['token', 'revoke'], env, capture().io)).toBe(2);
  });
});
