// What a `Kernel panic - not syncing: REASON` line says stopped the machine: the watchdog
// whose report the panic ends, and whether panic() runs on the CPU that report is about
// (so the `CPU: N PID: N Comm:` line dump_stack prints right after it names the stuck
// CPU and its task).

import type { Kind } from '../contract.js';

export interface PanicReason {
  reason: RegExp;
  kind: Exclude<Kind, 'blocked_tasks' | 'unknown'>;
  /** panic() runs on the CPU the report is about (the watchdog fired there). */
  onStuckCpu: boolean;
  source: string;
}

export const PANIC_REASONS: PanicReason[] = [
  // The perf NMI fires on the locked-up CPU itself. (The 6.6+ buddy detector panics from
  // the CPU that noticed, but it prints `Watchdog detected hard LOCKUP on cpu N` first,
  // and that headline's CPU is taken over the panic's.)
  {
    reason: /^Hard LOCKUP/,
    kind: 'hard_lockup',
    onStuckCpu: true,
    source:
      'kernel/watchdog_perf.c watchdog_overflow_callback: nmi_panic(regs, "Hard LOCKUP"); kernel/watchdog.c watchdog_hardlockup_check (6.6+)',
  },
  {
    reason: /^Watchdog detected hard LOCKUP on cpu/,
    kind: 'hard_lockup',
    onStuckCpu: true,
    source:
      'kernel/watchdog.c watchdog_overflow_callback (2.6.36-3.x): panic("Watchdog detected hard LOCKUP on cpu %d")',
  },
  // watchdog_timer_fn is the stuck CPU's own hrtimer.
  {
    reason: /^softlockup: hung tasks/,
    kind: 'soft_lockup',
    onStuckCpu: true,
    source: 'kernel/watchdog.c watchdog_timer_fn: panic("softlockup: hung tasks")',
  },
  // khungtaskd panics: its CPU is not the hung task's.
  {
    reason: /^hung_task: blocked tasks/,
    kind: 'hung_task',
    onStuckCpu: false,
    source: 'kernel/hung_task.c check_hung_uninterruptible_tasks: panic("hung_task: blocked tasks")',
  },
  // panic_on_rcu_stall: from print_cpu_stall (the stalled CPU) or print_other_cpu_stall
  // (the detecting CPU): the report itself names the stalled CPUs.
  {
    reason: /^RCU Stall/,
    kind: 'rcu_stall',
    onStuckCpu: false,
    source: 'kernel/rcu/tree_stall.h panic_on_rcu_stall: panic("RCU Stall\\n")',
  },
];

export function panicReason(reason: string): PanicReason | undefined {
  return PANIC_REASONS.find((p) => p.reason.test(reason));
}
