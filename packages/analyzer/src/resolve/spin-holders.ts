// A CPU that holds a spinlock a stuck CPU spins on is stuck too. A spinlock is held with
// preemption disabled and its holder may not sleep (include/linux/spinlock.h,
// Documentation/locking/spinlocks.rst): as long as the lock stays taken, its holder's CPU
// runs the holder's critical section and nothing else of the task level. When another
// CPU has spun on the lock long enough for a watchdog (soft/hard lockup, RCU stall,
// spinlock-debug's "lockup suspected"), the holder's CPU has not left that section for
// as long: it is stuck, in whatever the holder's own stack shows (a loop, a device
// access that never completes, a wait for the spinner's CPU).

import type { Span } from '../contract.js';
import type { Model, ModelTask } from '../model/build.js';
import { mergeSpans } from '../model/build.js';
import type { LockInfo } from './locks/table.js';

/** Lock types whose waiters spin on their CPU (contract LockType). */
const SPINNING_TYPES = new Set<LockInfo['type']>(['spinlock', 'rwlock']);

export interface StuckHolderCpu {
  cpu: number;
  reason: string;
  evidence: Span[];
}

/**
 * Marks stuck the CPU of each spinlock holder that runs on it while a task of a stuck CPU
 * spins on the lock, and returns what it marked. A holder marked stuck may itself spin on
 * another spinlock, whose holder's CPU is then stuck as well: the stuck CPUs are a work
 * list, each lock looked at once per waiter (linear in the locks' waiters).
 */
export function markSpinlockHolderCpus(model: Model, locks: readonly LockInfo[]): StuckHolderCpu[] {
  const out: StuckHolderCpu[] = [];
  // The spun-on locks by the CPU of each waiter.
  const byWaiterCpu = new Map<number, { lock: LockInfo; waiter: ModelTask }[]>();
  for (const l of locks) {
    if (!SPINNING_TYPES.has(l.type) || l.owner === null) continue;
    for (const id of l.waiters.keys()) {
      const w = model.taskById.get(id);
      if (!w || w.cpu === null) continue;
      let list = byWaiterCpu.get(w.cpu);
      if (!list) byWaiterCpu.set(w.cpu, (list = []));
      list.push({ lock: l, waiter: w });
    }
  }
  const work = [...model.cpus.values()].filter((c) => c.stuck).map((c) => c.cpu);
  while (work.length > 0) {
    const spinCpu = work.pop()!;
    for (const { lock: l, waiter } of byWaiterCpu.get(spinCpu) ?? []) {
      const owner = model.taskById.get(l.owner!.task);
      if (!owner || owner.cpu === null || owner.cpu === spinCpu) continue;
      const c = model.cpus.get(owner.cpu);
      // The holder is the task on that CPU (a holder seen only asleep elsewhere is not).
      if (!c || c.stuck || c.current !== owner.id) continue;
      const lockName = l.addr ?? l.name ?? 'a spinlock';
      const who = waiter.comm ? `${waiter.comm} (${waiter.pid})` : 'a task';
      const inferred = l.owner!.confidence === 'certain' ? '' : ' (its holder inferred)';
      c.stuck = true;
      c.stuckInferred = true;
      c.stuckReason ??= `${owner.comm ?? 'its current task'} (${owner.pid}) holds ${l.type} ${lockName}${inferred}, which ${who} on stuck cpu ${spinCpu} spins on: the holder has not left its critical section`;
      c.evidence = mergeSpans([...c.evidence, ...l.owner!.evidence]);
      out.push({ cpu: owner.cpu, reason: c.stuckReason, evidence: l.owner!.evidence });
      work.push(owner.cpu);
    }
  }
  return out;
}
