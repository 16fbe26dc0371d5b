// scripts/hangscope-collect run for real: on this machine (a live Linux), and on a fake
// /proc whose files block when read (FIFOs with no writer), as a hung task's can.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyze.js';

const SCRIPT = resolve(__dirname, '../../../../../scripts/hangscope-collect');
const linux = process.platform === 'linux';
// dash where there is one: the script must need nothing bash has and sh lacks.
const SHELL = spawnSync('dash', ['-c', 'true']).status === 0 ? 'dash' : 'sh';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function collect(args: string[], timeoutMs: number): { out: string; err: string; ms: number; status: number | null } {
  const t0 = Date.now();
  const r = spawnSync(SHELL, [SCRIPT, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  return { out: r.stdout, err: r.stderr, ms: Date.now() - t0, status: r.status };
}

describe.skipIf(!linux)('hangscope-collect', () => {
  it('parses as POSIX sh (sh -n, dash -n)', () => {
    expect(spawnSync('sh', ['-n', SCRIPT]).status).toBe(0);
    expect(spawnSync(SHELL, ['-n', SCRIPT]).status).toBe(0);
  });

  it('runs on this machine without a hang, and its output analyses with nothing unrecognised', () => {
    // This process and the test runner's parent: a task named by --pid, with its threads.
    const r = collect(['--pid', String(process.pid), '--timeout', '3'], 120_000);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^=== hangscope-collect: collector ===\n/);
    for (const s of [
      'uname -a',
      `/proc/${process.pid}/comm`,
      `/proc/${process.pid}/status`,
      `/proc/${process.pid}/stack`,
      '/proc/locks',
      'blocked tasks',
    ]) {
      expect(r.out).toContain(`=== hangscope-collect: ${s} ===\n`);
    }
    const doc = analyze(r.out);
    expect(doc.coverage!.filter((c) => c.status === 'unparsed')).toEqual([]);
    // Outside the kernel log (whose boot messages are prose), every line is read.
    const logEnd = r.out.split('\n').findIndex((l) => l === '=== hangscope-collect: blocked tasks ===') + 1;
    expect(doc.coverage!.filter((c) => c.status !== 'parsed' && c.line >= logEnd)).toEqual([]);
    expect(doc.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    const me = doc.tasks.find((t) => t.pid === process.pid);
    expect(me?.comm).toBe(readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim());
    // The node process has threads (libuv's pool, V8's workers): each is a section of its own.
    expect(r.out).toMatch(new RegExp(`=== hangscope-collect: /proc/${process.pid}/task/\\d+/comm ===`));
  });

  it('a read that blocks is cut by its timeout and the collector goes on', () => {
    const root = mkdtempSync(join(tmpdir(), 'hangscope-collect-'));
    dirs.push(root);
    const proc = join(root, 'proc');
    // Task 4242 in D state: its stat and comm read, its wchan and stack block (a FIFO
    // nobody writes to: open(2) sleeps until a writer comes).
    mkdirSync(join(proc, '4242/task/4242'), { recursive: true });
    mkdirSync(join(root, 'sys'));
    writeFileSync(join(proc, '4242/task/4242/stat'), '4242 (kworker/1:2) D 2 0 0 0\n');
    writeFileSync(join(proc, '4242/comm'), 'kworker/1:2\n');
    writeFileSync(
      join(proc, '4242/status'),
      'Name:\tkworker/1:2\nState:\tD (disk sleep)\nTgid:\t4242\nPid:\t4242\nPPid:\t2\n',
    );
    execFileSync('mkfifo', [join(proc, '4242/wchan'), join(proc, '4242/stack'), join(proc, 'locks')]);
    writeFileSync(join(proc, 'sysrq-trigger'), '');
    const r = collect(['--proc-root', proc, '--sys-root', join(root, 'sys'), '--timeout', '1', '--sysrq'], 60_000);
    expect(r.status).toBe(0);
    // Three blocked reads of 1 s each (and the sysrq's 1 s pause for the log): well under
    // what three reads left waiting would take (the test's limit is 60 s).
    expect(r.ms).toBeLessThan(30_000);
    const section = (name: string) => r.out.split(`=== hangscope-collect: ${name} ===\n`)[1]?.split('===')[0];
    expect(section('/proc/4242/stack')).toBe('hangscope-collect: cut: the read took longer than 1s\n');
    expect(section('/proc/4242/wchan')).toBe('hangscope-collect: cut: the read took longer than 1s\n');
    expect(section('/proc/locks')).toBe('hangscope-collect: cut: the read took longer than 1s\n');
    expect(section('blocked tasks')).toBe('hangscope-collect: 1 tasks in D state: 4242 \n');
    expect(section('/proc/lockdep')).toBe('hangscope-collect: skipped: not present on this kernel\n');
    expect(readFileSync(join(proc, 'sysrq-trigger'), 'utf8')).toBe('w');
    const doc = analyze(r.out);
    expect(doc.coverage!.filter((c) => c.status !== 'parsed')).toEqual([]);
    expect(doc.tasks.map((t) => [t.pid, t.comm, t.state])).toEqual([[4242, 'kworker/1:2', 'D']]);
  });

  it('refuses a bad argument with a one-line message', () => {
    const r = collect(['--pid', 'x'], 10_000);
    expect([r.status, r.err]).toEqual([2, "hangscope-collect: --pid takes a number, got 'x'\n"]);
  });
});
