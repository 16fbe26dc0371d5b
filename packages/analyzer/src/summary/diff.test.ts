import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import type { AnalysisDocument, Cpu, Lock } from '../contract.js';
import { diffAnalyses } from './diff.js';

// The first capture: a hung-task report (dmesg prints the scheduler frames).
const FIRST = [
  '[  242.113511] INFO: task kworker/1:2:4790 blocked for more than 120 seconds.',
  '[  242.113530] kworker/1:2     D    0  4790      2 0x80000000',
  '[  242.113536] Workqueue: events qxl_fb_work [qxl]',
  '[  242.113540] Call Trace:',
  '[  242.113549]  __schedule+0x2c4/0x880',
  '[  242.113555]  schedule+0x32/0x80',
  '[  242.113560]  schedule_preempt_disabled+0xe/0x10',
  '[  242.113564]  __mutex_lock.isra.5+0x2ab/0x4d0',
  '[  242.113570]  qxl_fb_work+0x41/0x90 [qxl]',
  '[  242.113575]  process_one_work+0x1e0/0x400',
  '[  362.113511] INFO: task rmmod:31969 blocked for more than 120 seconds.',
  '[  362.113530] rmmod           D    0 31969  31968 0x00000080',
  '[  362.113540] Call Trace:',
  '[  362.113549]  __schedule+0x2c4/0x880',
  '[  362.113555]  schedule+0x32/0x80',
  '[  362.113556]  schedule_timeout+0x221/0x2d0',
  '[  362.113557]  wait_for_completion+0xfd/0x140',
  '[  362.113558]  flush_workqueue+0x12c/0x5b0',
  '[  362.113559]  bsn_exit+0x19/0x30 [bsnmod]',
  '[  482.113511] INFO: task jbd2/sda1-8:517 blocked for more than 120 seconds.',
  '[  482.113530] jbd2/sda1-8     D    0   517      2 0x80000000',
  '[  482.113540] Call Trace:',
  '[  482.113549]  __schedule+0x2c4/0x880',
  '[  482.113555]  schedule+0x32/0x80',
  '[  482.113556]  io_schedule+0x12/0x40',
  '[  482.113557]  jbd2_journal_commit_transaction+0x2d2/0x1a30 [jbd2]',
].join('\n');

// Five minutes later, from the collector (/proc/PID/stack starts below schedule): the
// kworker is where it was, rmmod has moved on, jbd2 is gone, a new task waits.
const SECOND = [
  '=== hangscope-collect: /proc/4790/comm ===',
  'kworker/1:2',
  '=== hangscope-collect: /proc/4790/stack ===',
  '[<0>] __mutex_lock.isra.5+0x2ab/0x4d0',
  '[<0>] qxl_fb_work+0x41/0x90 [qxl]',
  '[<0>] process_one_work+0x1e0/0x400',
  '=== hangscope-collect: /proc/31969/comm ===',
  'rmmod',
  '=== hangscope-collect: /proc/31969/stack ===',
  '[<0>] synchronize_rcu+0x62/0x90',
  '[<0>] bsn_exit+0x29/0x30 [bsnmod]',
  '=== hangscope-collect: /proc/6001/comm ===',
  'sync',
  '=== hangscope-collect: /proc/6001/stack ===',
  '[<0>] wb_wait_for_completion+0x52/0x80',
  '[<0>] sync_inodes_sb+0xd8/0x2b0',
].join('\n');

describe('diff of two captures', () => {
  const d = diffAnalyses(analyze(FIRST), analyze(SECOND));

  it('the same stack in both is stuck, across formats (scheduler frames aside); another stack moved', () => {
    expect(d.tasks.map((t) => [t.pid, t.change])).toEqual([
      [4790, 'stuck'],
      [31969, 'moved'],
      [517, 'gone'],
      [6001, 'new'],
    ]);
    expect(d.counts).toEqual({ stuck: 1, moved: 1, gone: 1, new: 1 });
    expect(d.tasks.find((t) => t.pid === 31969)).toMatchObject({ atA: 'flush_workqueue', atB: 'synchronize_rcu' });
  });

  it('says it in words', () => {
    expect(d.summary).toMatch(
      /^1 task has the same stack in both captures \(stuck: kworker\/1:2 \(4790\) in \S+\); 1 task moved\. 1 task is seen only in the second\. 1 task is no longer seen\.$/,
    );
  });

  it('a capture against itself: everything stuck, nothing moved', () => {
    const same = diffAnalyses(analyze(FIRST), analyze(FIRST));
    expect(same.counts).toEqual({ stuck: 3, moved: 0, gone: 0, new: 0 });
    expect(same.locks).toEqual([]);
  });
});

describe('locks and CPUs between two documents', () => {
  const doc = (locks: Lock[], cpus: Cpu[]): AnalysisDocument => ({ ...analyze(''), locks, cpus });
  const lock = (id: string, owner: string | null, waiters: string[]): Lock => ({
    id,
    addr: id.slice(5),
    name: null,
    type: 'mutex',
    owner,
    waiters,
    evidence: [],
  });
  const cpu = (n: number, stuck: boolean): Cpu => ({
    id: `cpu:${n}`,
    cpu: n,
    current: null,
    idle: false,
    stuck,
    runnable: [],
    evidence: [],
    ...(stuck ? { stuckReason: 'soft lockup' } : {}),
  });

  it('names each lock whose owner changed, and each CPU still, no longer or newly stuck', () => {
    const a = doc(
      [
        lock('lock:ffff01', 'task:1', ['task:2']),
        lock('lock:ffff02', 'task:3', []),
        lock('lock:ffff03', null, ['task:5']),
      ],
      [cpu(0, true), cpu(1, true), cpu(2, false)],
    );
    const b = doc(
      [
        lock('lock:ffff01', 'task:2', []),
        lock('lock:ffff02', 'task:3', ['task:4']),
        lock('lock:ffff03', 'task:6', ['task:5']),
      ],
      [cpu(0, true), cpu(1, false), cpu(2, true)],
    );
    const d = diffAnalyses(a, b);
    expect(d.locks.map((l) => [l.id, l.ownerA, l.ownerB])).toEqual([
      ['lock:ffff01', 'task:1', 'task:2'],
      ['lock:ffff03', null, 'task:6'],
    ]);
    expect(d.cpus.map((c) => [c.cpu, c.change])).toEqual([
      [0, 'still_stuck'],
      [1, 'recovered'],
      [2, 'newly_stuck'],
    ]);
    expect(d.summary).toBe(
      'No task has a stack in both captures. 2 locks changed owner. CPU 0 still stuck. CPU 1 no longer stuck. CPU 2 stuck only in the second.',
    );
  });
});
