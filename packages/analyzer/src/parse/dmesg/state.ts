// What one dmesg block tells the next: a lockup/stall report names a CPU or a task whose
// dump follows a few lines later (`watchdog_timer_fn` prints the headline, then
// `show_regs`; `rcu_dump_cpu_stacks` prints `NMI backtrace for cpu N` before the dump).
// Kept per parse run beside the shared ParseContext, so the framework needs no field.

import type { ParseContext } from '../parser.js';
import type { LockdepChainRecord, TaskRef } from '../records.js';

export interface DmesgState {
  /** CPU → why a report called it stuck ("soft lockup for 22s", "hard LOCKUP", "RCU stall"). */
  stuck: Map<number, string>;
  /** The CPU the next `CPU: N PID:` / task dump is about, from `NMI backtrace for cpu N` or `Task dump for CPU N:`.
   *  `bare`: the announcer dumps that CPU's own context, so a trace right under it with no
   *  task line is that CPU's (lockups.ts announcedStackParser). */
  announcedCpu: { cpu: number; index: number; bare: boolean } | null;
  /** Line index of the `Kernel panic - not syncing` line whose CPU line has not come yet. */
  panicAt: number | null;
  /** The task the last lockdep report names (`comm/pid is trying to acquire lock:`), whose
   *  stack its `stack backtrace:` prints — with no `CPU: N PID:` line before 3.x. */
  lockdepReporter: { task: TaskRef; index: number } | null;
  /** The last lockdep report read: where it ended, whom it named, whether its dependency
   *  chain was read — a chain printed after the report was cut (by the sender's prose)
   *  continues it. */
  lastLockdep: {
    end: number;
    task: TaskRef | null;
    subtype: string;
    chained: boolean;
    /** The chain completed from the report's header when its own chain was cut
     *  (lockdep.ts completeCutChain): replaced by the chain if it comes after all. */
    implied: LockdepChainRecord | null;
  } | null;
  /** powerpc: the CPU whose paca is being inspected (`CPU N didn't respond to backtrace IPI`). */
  pacaCpu: { cpu: number; index: number } | null;
}

/** Each run's state by its ParseContext: made with the context's first dmesg line and
 *  dropped with the context (weak keys), so no run sees another's. */
const STATES = new WeakMap<ParseContext, DmesgState>();

export function dmesgState(ctx: ParseContext): DmesgState {
  let s = STATES.get(ctx);
  if (!s) {
    s = {
      stuck: new Map(),
      announcedCpu: null,
      panicAt: null,
      lockdepReporter: null,
      lastLockdep: null,
      pacaCpu: null,
    };
    STATES.set(ctx, s);
  }
  return s;
}

/** The announced CPU, if it was announced within a few lines before `index`. */
export function takeAnnouncedCpu(ctx: ParseContext, index: number): number | null {
  const s = dmesgState(ctx);
  const a = s.announcedCpu;
  if (!a || index - a.index > 12 || index < a.index) return null;
  s.announcedCpu = null;
  return a.cpu;
}

/** Say that the dump starting near line index `index` is about `cpu`; `bare`: a trace
 *  printed there without a task line is that CPU's current context (see DmesgState). */
export function announceCpu(ctx: ParseContext, cpu: number, index: number, bare = false): void {
  dmesgState(ctx).announcedCpu = { cpu, index, bare };
}
