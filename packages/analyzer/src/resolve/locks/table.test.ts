// The lock table the resolve steps record into: one lock per key, facts that only get
// stronger, held-lock entries set aside until their lock is asked for.
import { describe, expect, it } from 'vitest';
import { lockTableOf } from '../../testing/lock-table.js';
import { HELD_BASE } from './table.js';

const HELD = [
  '2 locks held by find/8812:',
  ' #0: 0000000036f1c2aa (&type->i_mutex_dir_key#4){++++}, at: iterate_dir+0x53/0x1c0',
  ' #1: 00000000b3e8a1d7 (sb_writers#3){.+.+}, at: mnt_want_write+0x20/0x50',
].join('\n');

describe('LockTable', () => {
  it('keeps one lock per address: a later statement adds its name, type and evidence', () => {
    const { table } = lockTableOf('');
    const a = table.ensure('ffff1000', null, 'other', [{ line: 1, endLine: 1 }]);
    const b = table.ensure('ffff1000', 'dev_mutex', 'mutex', [{ line: 5, endLine: 5 }]);
    expect(b).toBe(a);
    expect([a.id, a.name, a.type, a.evidence]).toEqual([
      'lock:ffff1000',
      'dev_mutex',
      'mutex',
      [
        { line: 1, endLine: 1 },
        { line: 5, endLine: 5 },
      ],
    ]);
    expect(table.lockNamed('dev_mutex')).toBe(a);
    expect(table.locks.map((l) => l.seq)).toEqual([0]);
  });

  it('an owner or a waiter is replaced only by a stronger statement', () => {
    const { table } = lockTableOf('');
    const l = table.ensure(null, 'rtnl_mutex', 'mutex', []);
    table.setOwner(l, 'task:1', 'likely', 'first', []);
    table.setOwner(l, 'task:2', 'guess', 'weaker', []);
    table.setOwner(l, 'task:3', 'likely', 'as strong', []);
    expect(l.owner?.task).toBe('task:1');
    table.setOwner(l, 'task:4', 'certain', 'stated', []);
    expect(l.owner?.task).toBe('task:4');
    table.addWaiter(l, 'task:9', 'guess', 'a guess', []);
    table.addWaiter(l, 'task:9', 'likely', 'better', []);
    expect(l.waiters.get('task:9')?.why).toBe('better');
    // Each lock has its own waiters.
    expect(table.ensure(null, 'other_mutex', 'mutex', []).waiters.size).toBe(0);
  });

  it('a task known only by its address gets an id of its own, recorded once with its last evidence', () => {
    const { table } = lockTableOf('');
    expect(table.taskIdForAddr('ffff88003570aa00', [{ line: 2, endLine: 2 }])).toBe('task:@ffff88003570aa00');
    table.taskIdForAddr('ffff88003570aa00', [{ line: 7, endLine: 7 }]);
    expect([...table.addrOnlyTasks]).toEqual([
      ['task:@ffff88003570aa00', { addr: 'ffff88003570aa00', evidence: [{ line: 7, endLine: 7 }] }],
    ]);
  });

  it('a held-lock entry set aside makes its lock when asked for, in the place of its entry', () => {
    const { table } = lockTableOf(HELD + '\n');
    table.applyHeld = (l, k) => table.setOwner(l, 'task:8812', 'certain', `entry ${k}`, []);
    table.deferred.defer(0);
    table.deferred.defer(1);
    expect(table.hasLockAt('00000000b3e8a1d7')).toBe(true);
    expect(table.existing('00000000b3e8a1d7', null)).toBeUndefined();
    const l = table.byAddr('00000000b3e8a1d7')!;
    expect([l.name, l.seq, l.owner?.why]).toEqual(['sb_writers#3', HELD_BASE + 1, 'entry 1']);
    expect(table.byAddr('ffffffff00000000')).toBeUndefined();
  });

  it('a pid-0 reference is the idle task only when the dump shows a single one', () => {
    const report = [
      '[ INFO: possible recursive locking detected ]',
      'swapper/0 is trying to acquire lock:',
      ' (&q->lock){++..}, at: [<c0112f70>] __wake_up+0x15/0x3b',
      '',
      'stack backtrace:',
      ' [<c0112f70>] __wake_up+0x15/0x3b',
      ' [<c0178dd4>] ep_poll_safewake+0x91/0xc3',
    ].join('\n');
    const one = lockTableOf(report).table;
    expect(one.taskOf({ pid: 0, comm: 'swapper', taskAddr: null })?.id).toBe('task:0');
    const two = lockTableOf(
      [
        'CPU: 0 PID: 0 Comm: swapper/0 Not tainted 5.10.0 #1',
        'Call Trace:',
        ' default_idle+0x1a/0x30',
        'CPU: 1 PID: 0 Comm: swapper/1 Not tainted 5.10.0 #1',
        'Call Trace:',
        ' default_idle+0x1a/0x30',
      ].join('\n'),
    ).table;
    expect(two.model.tasks.filter((t) => t.pid === 0).length).toBe(2);
    expect(two.taskOf({ pid: 0, comm: 'swapper', taskAddr: null })).toBeUndefined();
  });
});
