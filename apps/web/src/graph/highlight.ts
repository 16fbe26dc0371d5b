// Which nodes and edges to mark as part of a deadlock: the `nodes` of every
// deadlock_cycle / self_deadlock finding. An edge is in the cycle when both of its
// ends are, which is exactly the cycle's edges for the simple cycles the analyzer reports.
import type { Finding, GraphEdge } from '@hangscope/analyzer';

const CYCLE_KINDS = new Set(['deadlock_cycle', 'self_deadlock']);

export function cycleNodeIds(findings: Finding[]): Set<string> {
  const ids = new Set<string>();
  for (const f of findings) {
    if (CYCLE_KINDS.has(f.kind)) for (const n of f.nodes ?? []) ids.add(n);
  }
  return ids;
}

export function isCycleEdge(e: GraphEdge, cycle: Set<string>): boolean {
  return cycle.has(e.from) && cycle.has(e.to);
}

/** Root blockers get their own accent so the culprit is visible without a cycle. */
export function rootBlockerIds(findings: Finding[]): Set<string> {
  const ids = new Set<string>();
  for (const f of findings) {
    if (f.kind === 'root_blocker') for (const n of f.nodes ?? []) ids.add(n);
  }
  return ids;
}
