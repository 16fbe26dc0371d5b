// Frames that identify which watchdog fired, for dumps without the report's headline
// (a crash `bt` of the panic task) and for reports raised while another was printing
// (summary/raised-reports.ts). kernel/watchdog.c, kernel/watchdog_hld.c,
// kernel/hung_task.c, kernel/rcu/tree_stall.h, kernel/workqueue.c.

import type { Kind } from '../contract.js';
import { RulesByFirstChar } from './first-chars.js';

export interface ReportFrame {
  fn: RegExp;
  kind: Exclude<Kind, 'unknown' | 'blocked_tasks'>;
  what: string;
}

export const REPORT_FRAMES: ReportFrame[] = [
  {
    fn: /^(?:watchdog_overflow_callback|watchdog_hardlockup_check|hardlockup_detector_event|watchdog_check_hardlockup)$/,
    kind: 'hard_lockup',
    what: 'hard LOCKUP (NMI watchdog)',
  },
  { fn: /^(?:watchdog_timer_fn|softlockup_fn)$/, kind: 'soft_lockup', what: 'soft lockup (watchdog timer)' },
  {
    fn: /^(?:check_hung_uninterruptible_tasks|check_hung_task|watchdog)$/,
    kind: 'hung_task',
    what: 'hung task detector',
  },
  {
    fn: /^(?:rcu_check_gp_start_stall|print_cpu_stall|print_other_cpu_stall|check_cpu_stall|rcu_sched_clock_irq|rcu_check_callbacks)$/,
    kind: 'rcu_stall',
    what: 'RCU stall detector',
  },
  // The workqueue watchdog's timer (4.5+): it prints the busy-workqueue dump itself
  // (show_workqueue_state, show_all_workqueues since 5.17), which sysrq-t prints too, so
  // only the timer function says the watchdog fired.
  { fn: /^wq_watchdog_timer_fn$/, kind: 'workqueue_lockup', what: 'workqueue watchdog' },
];

const BY_FIRST = new RulesByFirstChar(REPORT_FRAMES, (x) => x.fn);

/** The report a frame of this function stands for, or undefined (a run asks each name once: knowledge/by-name.ts). */
export function reportFrameOf(fn: string): ReportFrame | undefined {
  return BY_FIRST.for(fn).find((x) => x.fn.test(fn));
}
