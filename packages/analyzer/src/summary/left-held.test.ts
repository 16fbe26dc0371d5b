import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { parseText } from '../parse/run.js';
import { leftHeldKinds, unionKinds } from './left-held.js';

// kernel/locking/lockdep.c lockdep_sys_exit (lockdep_print_held_locks after it).
const LEFT_HELD = [
  'WARNING: lock held when returning to user space!',
  '5.9.0-rc5+ #251 Tainted: G           OE',
  '------------------------------------------------',
  'lvm/1318 is leaving the kernel with locks still held!',
  '1 lock held by lvm/1318:',
  ' #0: ffff9372abb5a340 (&md->io_barrier){....}-{0:0}, at: dm_get_live_table+0x5/0xb0 [dm_mod]',
];
// kernel/hung_task.c check_hung_task, with the blocked task's stack.
const HUNG = [
  'INFO: task lvm:1344 blocked for more than 122 seconds.',
  '      Tainted: G           OE     5.9.0-rc5+ #251',
  '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
  'task:lvm             state:D stack:    0 pid: 1344 ppid:     1 flags:0x00004000',
  'Call Trace:',
  ' __schedule+0x45f/0xa80',
  ' schedule+0x5f/0xd0',
  ' schedule_timeout+0x212/0x2a0',
  ' wait_for_completion+0xb0/0x110',
  ' __synchronize_srcu+0xd1/0x160',
  ' __dm_suspend+0x6d/0x210 [dm_mod]',
];
// kernel/locking/lockdep.c print_deadlock_bug: a deadlock report of its own.
const RECURSIVE = [
  'WARNING: possible recursive locking detected',
  '--------------------------------------------',
  'lvm/1344 is trying to acquire lock:',
  'ffff9372abb5a400 (&md->suspend_lock){+.+.}-{3:3}, at: dm_suspend+0x23/0x140',
  '',
  'but task is already holding lock:',
  'ffff9372abb5a400 (&md->suspend_lock){+.+.}-{3:3}, at: dm_suspend+0x23/0x140',
];

const recordsOf = (lines: string[]) => parseText(lines.join('\n')).records;

describe('leftHeldKinds', () => {
  it('sets a lock left held aside when the text holds the hang too', () => {
    expect([...leftHeldKinds(recordsOf([...LEFT_HELD, '', ...HUNG]))]).toEqual(['deadlock']);
    expect(analyze([...LEFT_HELD, '', ...HUNG].join('\n')).kind).toBe('hung_task');
  });

  it('keeps it when it is all the text reports', () => {
    expect(leftHeldKinds(recordsOf(LEFT_HELD)).size).toBe(0);
    expect(analyze(LEFT_HELD.join('\n')).kind).toBe('deadlock');
  });

  it('keeps deadlock deciding when lockdep also reports a deadlock', () => {
    expect(leftHeldKinds(recordsOf([...LEFT_HELD, '', ...RECURSIVE, '', ...HUNG])).size).toBe(0);
  });
});

describe('unionKinds', () => {
  it('returns one side when the other is empty', () => {
    const a = new Set(['deadlock'] as const);
    expect(unionKinds(a, new Set())).toBe(a);
    expect([...unionKinds(a, new Set(['rcu_stall'] as const))].sort()).toEqual(['deadlock', 'rcu_stall']);
  });
});
