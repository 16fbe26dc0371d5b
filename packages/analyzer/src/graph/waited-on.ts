// Which nodes of the wait-for graph something waits on. A lock lockdep lists as held,
// that nobody waits for, is drawn with a `held_by` edge to its holder; that edge does not
// make the holder waited on (it is not a link of any waiter's chain). Readers that look
// for the outermost waiters (root blockers, the verdict's chains) ask this instead of
// "has an incoming edge".

import type { GraphEdge } from '../contract.js';

export function waitedOn(edges: readonly GraphEdge[]): Set<string> {
  const any = new Set<string>();
  for (const e of edges) any.add(e.to);
  const out = new Set<string>();
  for (const e of edges) if (e.kind !== 'held_by' || any.has(e.from)) out.add(e.to);
  return out;
}

/** A lock with holders but no waiter: it waits for nothing and leads nowhere. */
export function idleHeldLock(e: GraphEdge, waited: Set<string>): boolean {
  return e.kind === 'held_by' && !waited.has(e.from);
}
