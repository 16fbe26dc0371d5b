import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { parseText } from '../parse/run.js';
import { raisedKinds } from './raised-reports.js';

const RCU_STALL = [
  'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
  ' (detected by 1, t=6502 jiffies, g=1789, q=12)',
  'rcu: rcu_preempt kthread starved for 6502 jiffies! g1789 f0x2 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=0',
];
const WQ_LOCKUP = [
  'BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 33s!',
  'Showing busy workqueues and worker pools:',
  'workqueue events: flags=0x0',
  '  pwq 0: cpus=0 node=0 flags=0x0 nice=0 active=1/256 refcnt=2',
  '    pending: vmstat_shepherd',
];
// lockdep (kernel/locking/lockdep.c print_circular_bug), with the reporter's stack.
const lockdep = (frames: string[]) => [
  '======================================================',
  'WARNING: possible circular locking dependency detected',
  '5.7.0 #118 Not tainted',
  '------------------------------------------------------',
  'stress-ng-hrtim/326 is trying to acquire lock:',
  'ffffb236f6aee1a0 (console_owner){-.-.}-{0:0}, at: console_unlock+0x21c/0x678',
  '',
  'but task is already holding lock:',
  'ffff00207ac0d018 (&pool->lock/1){-.-.}-{2:2}, at: show_workqueue_state+0x288/0x3a8',
  '',
  'which lock already depends on the new lock.',
  '',
  'the existing dependency chain (in reverse order) is:',
  '',
  '-> #1 (&pool->lock/1){-.-.}-{2:2}:',
  '       _raw_spin_lock+0x5c/0x78',
  '       __queue_work+0x124/0x7c8',
  '',
  '-> #0 (console_owner){-.-.}-{0:0}:',
  '       __lock_acquire+0x1170/0x1510',
  '       console_unlock+0x274/0x678',
  '',
  'other info that might help us debug this:',
  '',
  ' Possible unsafe locking scenario:',
  '',
  '       CPU0                    CPU1',
  '       ----                    ----',
  '  lock(&pool->lock/1);',
  '                               lock(console_owner);',
  '                               lock(&pool->lock/1);',
  '  lock(console_owner);',
  '',
  ' *** DEADLOCK ***',
  '',
  '1 lock held by stress-ng-hrtim/326:',
  ' #0: ffff00207ac0d018 (&pool->lock/1){-.-.}-{2:2}, at: show_workqueue_state+0x288/0x3a8',
  '',
  'stack backtrace:',
  'CPU: 0 PID: 326 Comm: stress-ng-hrtim Not tainted 5.7.0 #118',
  'Hardware name: LS1028A RDB Board (DT)',
  'Call trace:',
  ...frames,
];
// Printed by the workqueue watchdog's own dump (kernel/workqueue.c wq_watchdog_timer_fn).
const FROM_WQ_WATCHDOG = [
  ' dump_backtrace+0x0/0x1a8',
  ' print_circular_bug.isra.41+0x228/0x280',
  ' __lock_acquire+0x1170/0x1510',
  ' console_unlock+0x274/0x678',
  ' printk+0x74/0x94',
  ' show_pwq+0x80/0x2c0',
  ' show_workqueue_state+0x2ac/0x3a8',
  ' wq_watchdog_timer_fn+0x194/0x2d8',
  ' call_timer_fn+0xcc/0x400',
  ' run_timer_softirq+0x250/0x6e0',
];
const FROM_A_SYSCALL = [
  ' dump_backtrace+0x0/0x1a8',
  ' print_circular_bug.isra.41+0x228/0x280',
  ' __lock_acquire+0x1170/0x1510',
  ' console_unlock+0x274/0x678',
  ' printk+0x74/0x94',
  ' ksys_write+0x57/0xd0',
];

const raisedOf = (lines: string[]) => {
  const { records } = parseText(lines.join('\n'));
  return [...raisedKinds(records)];
};

describe('a report raised while another report was printing', () => {
  it('a lockdep report from inside the workqueue watchdog dump, after an RCU stall: the stall decides', () => {
    const text = [...RCU_STALL, ...WQ_LOCKUP, ...lockdep(FROM_WQ_WATCHDOG)];
    expect(raisedOf(text)).toEqual(['deadlock']);
    const doc = analyze(text.join('\n'));
    expect(doc.kind).toBe('rcu_stall');
    // Listed, not lost.
    expect(doc.findings.some((f) => f.kind === 'other_report' && f.summary.includes('possible deadlock'))).toBe(true);
  });

  it('a lockdep report raised elsewhere still decides', () => {
    const text = [...RCU_STALL, ...WQ_LOCKUP, ...lockdep(FROM_A_SYSCALL)];
    expect(raisedOf(text)).toEqual([]);
    expect(analyze(text.join('\n')).kind).toBe('deadlock');
  });

  it('only when the interrupted report is in the text before it', () => {
    // The watchdog's frame, but no workqueue report before the lockdep one.
    expect(raisedOf([...lockdep(FROM_WQ_WATCHDOG), ...RCU_STALL])).toEqual([]);
    expect(raisedOf([...lockdep(FROM_WQ_WATCHDOG), ...WQ_LOCKUP])).toEqual([]);
  });

  it("a soft lockup's own watchdog_timer_fn does not count", () => {
    const soft = [
      'watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [bash:205]',
      'CPU: 3 PID: 205 Comm: bash Not tainted 6.6.0 #1',
      'Call trace:',
      ' watchdog_timer_fn+0x1c0/0x250',
      ' __hrtimer_run_queues+0x148/0x2e0',
      ' meson_uart_start_tx+0x5c/0x120',
    ];
    expect(raisedOf([...RCU_STALL, ...soft])).toEqual([]);
    // The same soft lockup fired while its CPU was printing the RCU stall report is one.
    const printing = [...soft.slice(0, 5), ' print_cpu_stall+0x2a0/0x3c0', ' rcu_sched_clock_irq+0x6c0/0xa10'];
    expect(raisedOf([...RCU_STALL, ...printing])).toEqual(['soft_lockup']);
  });
});
