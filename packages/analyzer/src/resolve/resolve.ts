// The resolve stage: who holds or serves what each waiting task waits for, decided before
// the graph is drawn. Each resolver returns facts with confidence, why and evidence;
// graph/ only turns them into nodes and edges.

import type { TaskWait } from '../graph/waits.js';
import type { Model } from '../model/build.js';
import { resolveLocks, type ResolvedLocks } from './locks.js';

export interface Resolved {
  locks: ResolvedLocks;
}

export function resolve(model: Model, waits: Map<string, TaskWait>): Resolved {
  return { locks: resolveLocks(model, waits) };
}
