// Published hang bugs, matched by frame signatures. Each entry cites its upstream fix.
// A signature matches one stack (a task's frames, or a CPU's current task) when its
// frames appear in it in order, innermost first (not necessarily adjacent). An issue
// matches when each of its signatures matches a different stack.
//
// Adding an entry: give the exact upstream commit(s) (12+ hex digits), the stable or
// distribution release that carries the fix where known, and a test in
// known-issues.test.ts with a dump that matches and one that must not.

import type { Kind } from '../contract.js';

export interface StackSignature {
  /** Frame names (exact) or patterns, innermost first; a subsequence of the stack. */
  frames: (string | RegExp)[];
  /** Only the frames of a task that is on a CPU / spinning count (hard lockups). */
  onCpu?: boolean;
}

export interface KnownIssue {
  id: string;
  title: string;
  explanation: string;
  /** Upstream fix commits, abbreviated to 12 hex digits. */
  fixes: string[];
  /** Kernel versions known affected, in words ("3.16 – 4.17"). */
  affected?: string;
  /** Releases that carry the fix (upstream tags, stable, distribution kernels). */
  fixedIn?: string[];
  mitigation: string;
  links?: string[];
  signatures: StackSignature[];
  /** Report kinds this issue shows up as; absent = any. */
  kinds?: Kind[];
}

export const KNOWN_ISSUES: KnownIssue[] = [
  {
    id: 'migrate-swap-vs-active-balance',
    title: 'stop_machine, sched: migrate_swap() vs. active_balance() deadlock',
    explanation:
      'migrate_swap() (NUMA balancing) calls stop_two_cpus(), which takes both CPUs\' cpu_stopper locks and wakes the stopper thread with the locks held. If the target CPU is inside schedule() with its migration thread as prev and runs idle_balance() → active load balance → stop_one_cpu_nowait(), it spins on the stopper lock with interrupts off, while try_to_wake_up() on the other CPU spins waiting for that migration thread to leave its CPU (p->on_cpu). Neither can proceed: a hard lockup.',
    fixes: ['0b26351b910f'],
    affected: '4.10 – 4.17 upstream (stop_two_cpus waking under the stopper lock); RHEL 7 3.10.0-862 – 3.10.0-957.21',
    fixedIn: ['v4.18', 'RHEL 7 3.10.0-957.27.2.el7', 'RHEL 7 3.10.0-974.el7'],
    mitigation: 'Disable automatic NUMA balancing (sysctl kernel.numa_balancing=0) until the kernel carries the fix.',
    links: ['https://git.kernel.org/linus/0b26351b910f'],
    signatures: [
      { frames: [/^(?:__)?cpu_stop_queue_work$|^stop_one_cpu_nowait$/, /^(?:load_balance|active_load_balance.*|stop_one_cpu_nowait)$/] },
      { frames: ['try_to_wake_up', /^(?:stop_two_cpus|cpu_stop_queue_two_works)$/, 'migrate_swap'] },
    ],
    kinds: ['hard_lockup', 'soft_lockup', 'blocked_tasks', 'deadlock', 'hung_task', 'rcu_stall'],
  },
];
