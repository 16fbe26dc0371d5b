// The resolve stage: who holds or serves what each waiting task waits for, decided before
// the graph is drawn. Each resolver returns facts with confidence, why and evidence;
// graph/ only turns them into nodes and edges.

import type { TaskWait } from '../graph/waits.js';
import type { Model } from '../model/build.js';
import { resolveCpus, resolveIpis, resolveWakeups, type ResolvedCpus, type ResolvedIpis, type Wakeup } from './cpus.js';
import { resolveLocks, type ResolvedLocks } from './locks.js';
import { resolveWorks, type ResolvedWorks } from './works.js';

export interface Resolved {
  locks: ResolvedLocks;
  works: ResolvedWorks;
  ipis: ResolvedIpis;
  wakeups: Wakeup[];
  cpus: ResolvedCpus;
}

export function resolve(model: Model, waits: Map<string, TaskWait>): Resolved {
  const ipis = resolveIpis(model, waits);
  return {
    locks: resolveLocks(model, waits),
    works: resolveWorks(model, waits),
    ipis,
    wakeups: resolveWakeups(model, waits),
    // A CPU some task waits on (an IPI target) is occupied by its current task.
    cpus: resolveCpus(model, waits, ipis.results),
  };
}
