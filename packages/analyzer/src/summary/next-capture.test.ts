import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import type { Finding } from '../contract.js';
import { NEXT_STEPS, NEXT_STEP_SOURCES, nextStepFields, type Situation } from '../knowledge/next-steps.js';
import { collectCommand, nextCapture } from './next-capture.js';

const SCRIPT = resolve(__dirname, '../../../../scripts/hangscope-collect');

describe('next steps name what of the collector gives them', () => {
  it('one entry per step, in every situation', () => {
    for (const s of Object.keys(NEXT_STEPS) as Situation[])
      expect([s, NEXT_STEP_SOURCES[s].length]).toEqual([s, NEXT_STEPS[s].length]);
  });

  it('every flag is one the collector takes, every section one it writes', () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const usage = /^USAGE='([\s\S]*?)'$/m.exec(script)![1];
    for (const row of Object.values(NEXT_STEP_SOURCES)) {
      for (const c of row) {
        for (const flag of c?.flags ?? []) {
          const name = /^--[a-z-]+/.exec(flag)![0];
          expect(usage, flag).toContain(name);
          const keys = /^--sysrq=(\w+)$/.exec(flag)?.[1];
          // The keys the script accepts: `*[!wtldm]*` is refused.
          if (keys) expect(keys, flag).toMatch(/^[wtldm]+$/);
        }
      }
    }
  });

  it.skipIf(process.platform !== 'linux')('every section a step names is one the collector writes', () => {
    // The collector run on a fake /proc that has every source it reads.
    const root = mkdtempSync(join(tmpdir(), 'hangscope-next-'));
    try {
      const proc = join(root, 'proc');
      for (const d of ['4242/task/4242', '4242/task/4243', 'pressure']) mkdirSync(join(proc, d), { recursive: true });
      mkdirSync(join(root, 'sys'));
      const files: Record<string, string> = {
        '4242/task/4242/stat': '4242 (kworker/1:2) D 2 0\n',
        '4242/task/4243/stat': '4243 (kworker/1:2) S 2 0\n',
        '4242/comm': 'kworker/1:2\n',
        '4242/status': 'Name:\tkworker/1:2\nPid:\t4242\n',
        '4242/wchan': 'io_schedule',
        '4242/stack': '[<0>] io_schedule+0x12/0x40\n',
        '4242/task/4243/comm': 'kworker/1:2\n',
        '4242/task/4243/stack': '[<0>] worker_thread+0xb3/0x3d0\n',
        'pressure/cpu': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
        'pressure/io': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
        'pressure/memory': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
        lockdep: 'all lock classes:\n',
        locks: '',
        sched_debug: 'cpu#0\n  .curr->pid                     : 0\n',
        'sysrq-trigger': '',
      };
      for (const [f, text] of Object.entries(files)) writeFileSync(join(proc, f), text);
      const out = execFileSync(
        'sh',
        [SCRIPT, '--proc-root', proc, '--sys-root', join(root, 'sys'), '--pid', '4242', '--timeout', '2'],
        { encoding: 'utf8' },
      );
      const headers = [...out.matchAll(/^=== hangscope-collect: (.+) ===$/gm)].map((m) =>
        m[1].replace(/\/task\/\d+\//, '/task/TID/').replace(/^\/proc\/\d+\//, '/proc/PID/'),
      );
      for (const row of Object.values(NEXT_STEP_SOURCES))
        for (const c of row) for (const s of c?.sections ?? []) expect(headers, s).toContain(s);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a step for a task the finding names carries that task's --pid; an unknown one none", () => {
    expect(nextStepFields('single_stack', { pid: 4790 }).collect[0]!.flags).toEqual(['--sysrq=w', '--pid 4790']);
    expect(nextStepFields('single_stack', {}).collect[0]!.flags).toEqual(['--sysrq=w']);
    expect(nextStepFields('lock_no_owner', { addr: 'ffff' }).collect).toEqual([
      null,
      null,
      { flags: ['--sysrq=d'], sections: ['dmesg', '/proc/lockdep'] },
    ]);
  });
});

describe('nextCapture: one collector command for every finding', () => {
  const finding = (f: Partial<Finding>): Finding => ({
    kind: 'missing_evidence',
    severity: 'warning',
    summary: '',
    nodes: [],
    ...f,
  });

  it("merges sysrq keys, names the pids of the steps then of the findings' tasks, once each", () => {
    const next = nextCapture([
      finding({ nodes: ['task:31969', 'wq:events'], ...nextStepFields('flush_no_runner', { work: 'x' }) }),
      finding({ nodes: ['lock:ffff', 'task:4790'], ...nextStepFields('lock_no_owner', { addr: 'ffff' }) }),
      finding({ nodes: ['task:1'], ...nextStepFields('single_stack', { pid: 77 }) }),
      // The collector takes no step of this one: its task is not asked for.
      finding({ nodes: ['task:5'], ...nextStepFields('nfs_server') }),
      finding({ nodes: ['task:31969'] }),
    ]);
    expect(next).toEqual({
      args: ['--sysrq=wtd', '--pid', '77', '--pid', '31969', '--pid', '4790', '--pid', '1'],
      pids: [77, 31969, 4790, 1],
      sections: ['dmesg', 'workqueues', '/proc/lockdep', '/proc/PID/stack'],
    });
    expect(collectCommand(next!)).toBe(
      'sudo sh hangscope-collect --sysrq=wtd --pid 77 --pid 31969 --pid 4790 --pid 1 --out capture.txt',
    );
    expect(collectCommand(next!, { server: 'http://hs:8080', incident: 'abc' })).toBe(
      'curl -fsS http://hs:8080/collect.sh | sudo sh -s -- --sysrq=wtd --pid 77 --pid 31969 --pid 4790 --pid 1 --post http://hs:8080 --incident abc',
    );
  });

  it("is absent when no step is the collector's", () => {
    expect(nextCapture([finding({ ...nextStepFields('nfs_server') }), finding({})])).toBeUndefined();
  });

  it('a hung-task report: the blocked task and the kernel log with sysrq-w', () => {
    const doc = analyze(
      [
        'INFO: task rmmod:31969 blocked for more than 120 seconds.',
        'rmmod           D ffff8f1afdf55fe8     0 31969  31968 0x00000080',
        'Call Trace:',
        ' [<ffffffff9a567c49>] schedule+0x29/0x70',
        ' [<ffffffff9a565721>] schedule_timeout+0x221/0x2d0',
        ' [<ffffffff9a567ffd>] wait_for_completion+0xfd/0x140',
        ' [<ffffffff99ebb2b3>] flush_workqueue+0x12c/0x5b0',
        ' [<ffffffffc06a2039>] bsn_exit+0x19/0x30 [bsnmod]',
      ].join('\n'),
    );
    expect(doc.nextCapture?.pids).toContain(31969);
    expect(doc.nextCapture?.args[0]).toMatch(/^--sysrq=w/);
  });
});
