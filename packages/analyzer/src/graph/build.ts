// What the resolve stage decided → the wait-for graph (nodes, edges), and the contract's
// locks and works. Only draws: every node and edge comes from a resolver's facts, drawn
// in the order the resolvers run.

import type { GraphEdge, GraphNode, Lock, Work } from '../contract.js';
import type { Model, ModelTask } from '../model/build.js';
import type { IpiResult, StarvedCpu } from '../resolve/cpus.js';
import type { ExternalLink } from '../resolve/externals.js';
import type { Resolved } from '../resolve/resolve.js';
import type { FlushTarget } from '../resolve/works.js';
import { GraphBuilder } from './builder.js';
import { drawCpus, drawIpis, drawWakeups } from './cpus.js';
import { drawLocks } from './locks.js';
import type { TaskWait } from '../waits/find.js';
import { drawWorks } from './works.js';

export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  locks: Lock[];
  /** `held_by` edges only the holder's own frames show, as `lockId taskId` (resolve/locks/owners-from-frames.ts). */
  heldByFrames: Set<string>;
  works: Work[];
  ipis: IpiResult[];
  starved: StarvedCpu[];
  unresolvedFlushes: { waiter: ModelTask; target: FlushTarget; wait: TaskWait }[];
}

export function buildGraph(model: Model, waits: Map<string, TaskWait>, resolved: Resolved): GraphResult {
  const g = new GraphBuilder();
  for (const w of waits.values()) g.task(w.task).waitFrame = w.api.fn;
  const { locks, heldByFrames } = drawLocks(resolved.locks, model, g);
  drawWorks(resolved.works, g);
  drawIpis(resolved.ipis, g);
  drawWakeups(resolved.wakeups, g);
  drawCpus(resolved.cpus, g);
  drawExternals(resolved.externals, g);
  const { nodes, edges } = g.result();
  // Keep only nodes that take part in an edge: tasks merely listed (ps rows) stay in
  // `tasks`, not in the graph.
  const used = new Set<string>();
  for (const e of edges) {
    used.add(e.from);
    used.add(e.to);
  }
  return {
    nodes: nodes.filter((n) => used.has(n.id)),
    edges,
    locks,
    heldByFrames,
    works: resolved.works.works,
    ipis: resolved.ipis.results,
    starved: resolved.cpus.starved,
    unresolvedFlushes: resolved.works.unresolvedFlushes,
  };
}

function drawExternals(links: ExternalLink[], g: GraphBuilder): void {
  for (const l of links) {
    for (const n of l.nodes) {
      if ('task' in n) g.task(n.task);
      else g.node(n.id, n.type, n.label, n.evidence ? { evidence: n.evidence } : {});
    }
    g.edge(l.from, l.to, l.kind, l.confidence, l.why, l.evidence);
  }
}
