// Same-stack spinlock self-deadlocks named by the functions that take and hold a lock
// (knowledge/spin-lock-sites.ts), in dumps that print no lock address.
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyze.js';
import { SPIN_LOCK_SITES, sitePattern } from './spin-lock-sites.js';
import { LPFC_HARD_LOCKUP_BT as lpfc } from '../testing/crash-texts.js';

// The bridge multicast recursion (bridge list, 2020-12-03), trimmed.
const bridge = (holder: string) =>
  [
    'rcu: INFO: rcu_preempt self-detected stall on CPU',
    'Task dump for CPU 0:',
    'sh              R  running task        0  1315   1295 0x00000002',
    'Call trace:',
    ' el1_irq+0xb8/0x180',
    ' queued_spin_lock_slowpath+0x118/0x3b0',
    ' _raw_spin_lock+0x5c/0x68',
    ' br_multicast_add_group+0x40/0x170 [bridge]',
    ' br_multicast_rcv+0x7ac/0xe30 [bridge]',
    ' br_dev_xmit+0x140/0x368 [bridge]',
    ' igmp6_send+0x358/0x558',
    ' ipv6_dev_mc_inc+0x10/0x18',
    ` ${holder}`,
  ].join('\n');

describe('spinlocks known by their taking and holding functions', () => {
  it('every row names takers and holders that are function names, and a source', () => {
    for (const r of SPIN_LOCK_SITES) {
      expect(sitePattern(r.takers).test(r.takers.split('|')[0])).toBe(true);
      expect(sitePattern(r.holders).test(`${r.holders.split('|')[0]}.isra.0`)).toBe(true);
      expect(r.source).toMatch(/\.c /);
    }
  });

  it('a taker spinning under its own holder frame is a self_deadlock of that task (likely)', () => {
    const d = analyze(bridge('br_multicast_toggle+0xec/0x140 [bridge]'));
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.nodes).toContain('task:1315');
    expect(f.confidence).toBe('likely');
    expect(f.summary).toMatch(
      /spins on &br->multicast_lock in br_multicast_add_group, which its own frame br_multicast_toggle already holds/,
    );
  });

  it('is no self_deadlock when no outer frame holds the lock', () => {
    const d = analyze(bridge('br_dev_open+0x10/0x40 [bridge]'));
    expect(d.findings.some((x) => x.kind === 'self_deadlock')).toBe(false);
  });

  it('an interrupt handler spinning on the lock the interrupted task code holds: same-CPU deadlock', () => {
    const d = analyze(lpfc);
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.nodes).toContain('task:110402');
    expect(f.confidence).toBe('likely');
    expect(f.summary).toMatch(
      /on cpu 3: the interrupt handler lpfc_rx_monitor_record spins on &rx_monitor->lock, which lpfc_rx_monitor_report — the code it interrupted on the same CPU — holds/,
    );
  });

  it('a lock of a class the kernel nests (runqueues) is only a guess', () => {
    const d = analyze(
      [
        'CPU: 12 PID: 97 Comm: irq_work/12 Kdump: loaded Tainted: G',
        'pc : native_queued_spin_lock_slowpath+0x188/0x354',
        'Call trace:',
        ' native_queued_spin_lock_slowpath+0x188/0x354',
        ' _raw_spin_lock+0x7c/0x8c',
        ' ttwu_queue+0x58/0x154',
        ' try_to_wake_up+0x1e4/0x4e0',
        ' hrtimer_wakeup+0x28/0x40',
        ' hrtimer_interrupt+0xfc/0x2d0',
        ' gic_handle_irq+0x78/0x2d0',
        ' el1_irq+0xb8/0x180',
        ' find_lowest_rq+0x0/0x26c',
        ' rto_push_irq_work_func+0x180/0x1ec',
        ' irq_work_single+0x38/0xb4',
      ].join('\n'),
    );
    const f = d.findings.find((x) => x.kind === 'self_deadlock')!;
    expect(f.confidence).toBe('guess');
    expect(f.summary).toMatch(/rto_push_irq_work_func .*if it is the same one/);
  });
});
