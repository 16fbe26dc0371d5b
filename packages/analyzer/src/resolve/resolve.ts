// The resolve stage: who holds or serves what each waiting task waits for, decided before
// the graph is drawn. Each resolver returns facts with confidence, why and evidence;
// graph/ only turns them into nodes and edges, in the order the resolvers run here.

import type { TaskWait } from '../waits/find.js';
import type { Model } from '../model/build.js';
import { resolveCpus, resolveIpis, resolveWakeups, type ResolvedCpus, type ResolvedIpis, type Wakeup } from './cpus.js';
import { resolveExternals, type ExternalLink } from './externals.js';
import { resolveLocks, type ResolvedLocks } from './locks.js';
import { markSpinlockHolderCpus } from './spin-holders.js';
import { resolveWorks, type ResolvedWorks } from './works.js';

export interface Resolved {
  locks: ResolvedLocks;
  works: ResolvedWorks;
  ipis: ResolvedIpis;
  wakeups: Wakeup[];
  cpus: ResolvedCpus;
  externals: ExternalLink[];
}

export function resolve(model: Model, waits: Map<string, TaskWait>): Resolved {
  const locks = resolveLocks(model, waits);
  // Before the CPU links: a holder's CPU marked stuck here is occupied by its holder.
  markSpinlockHolderCpus(model, locks.linked);
  const works = resolveWorks(model, waits);
  const ipis = resolveIpis(model, waits);
  const wakeups = resolveWakeups(model, waits);
  // A CPU some task waits on (an IPI target) is occupied by its current task.
  // A task spinning on a spinlock occupies its CPU even when it is the idle task (an
  // interrupt handler on top of idle is what spins).
  const spinners = new Set(locks.linked.filter((l) => l.type === 'spinlock').flatMap((l) => [...l.waiters.keys()]));
  const cpus = resolveCpus(model, waits, ipis.results, spinners);
  const externals = resolveExternals(model, waits, explained({ locks, works, ipis, wakeups, cpus }));
  // A reader queued behind a waiting rwsem writer waits for that writer (a task -> task
  // link, drawn with the external ones).
  for (const q of locks.queuedReaders)
    externals.push({
      nodes: [{ task: q.writer }],
      from: q.reader.id,
      to: q.writer.id,
      kind: 'waits_event',
      confidence: 'guess',
      why: q.why,
      evidence: q.evidence,
    });
  return { locks, works, ipis, wakeups, cpus, externals };
}

/** The tasks (and CPUs) the resolvers so far link to what they wait for: their waits
 *  need no external party. */
export function explained(r: Omit<Resolved, 'externals'>): Set<string> {
  const out = new Set<string>();
  for (const l of r.locks.linked) for (const task of l.waiters.keys()) out.add(task);
  for (const l of r.works.links) out.add(l.from);
  for (const x of r.ipis.results) if (x.pending.length > 0) out.add(x.waiter.id);
  for (const x of r.ipis.reported) out.add(`cpu:${x.fromCpu}`);
  for (const w of r.wakeups) out.add(w.waker.id);
  for (const l of r.cpus.links) out.add(`cpu:${l.cpu}`);
  for (const q of r.cpus.queued) out.add(q.task.id);
  return out;
}
