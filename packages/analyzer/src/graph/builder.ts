// Collects nodes and edges, de-duplicating them: the same edge found two ways keeps
// the strongest confidence and all the evidence.

import type { Confidence, EdgeKind, GraphEdge, GraphNode, NodeType, Span } from '../contract.js';
import { mergeSpans, type ModelTask } from '../model/build.js';
import { keepShape } from '../warm-shapes.js';

const RANK: Record<Confidence, number> = { certain: 3, likely: 2, guess: 1 };

export class GraphBuilder {
  nodes = new Map<string, GraphNode>();
  edges = new Map<string, GraphEdge>();
  /** The kinds of edge each node has going out, as bits (see kindBit): one number per
   *  node rather than a Set. */
  private out = new Map<string, number>();

  node(id: string, type: NodeType, label: string, extra: Partial<GraphNode> = {}): GraphNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, type, label, ...extra };
      this.nodes.set(id, n);
    } else {
      // Known already: what `extra` states is set (no copies of it: a task in a thousand
      // edges comes here a thousand times).
      const into = n as unknown as Record<string, unknown>;
      const from = extra as Record<string, unknown>;
      for (const k in from) if (from[k] !== undefined && from[k] !== null) into[k] = from[k];
    }
    return n;
  }

  task(t: ModelTask): GraphNode {
    const n = this.nodes.get(t.id);
    if (n) {
      // The same as node() with this extra, without making the label and the object.
      if (t.state !== null) n.state = t.state;
      n.evidence = t.evidence.slice(0, 8);
      return n;
    }
    // Made here, not by node(): its spread of `extra` was an object copy per task node.
    const made: GraphNode = {
      id: t.id,
      type: 'task',
      label: taskLabel(t),
      state: t.state,
      evidence: t.evidence.slice(0, 8),
    };
    this.nodes.set(t.id, made);
    return made;
  }

  edge(from: string, to: string, kind: EdgeKind, confidence: Confidence, why: string, evidence: Span[]): void {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const e = this.edges.get(key);
    if (!e) {
      this.edges.set(key, { from, to, kind, confidence, why, evidence: mergeSpans(evidence) });
      this.out.set(from, (this.out.get(from) ?? 0) | kindBit(kind));
      return;
    }
    if (RANK[confidence] > RANK[e.confidence]) {
      e.confidence = confidence;
      e.why = why;
    }
    e.evidence = mergeSpans(e.evidence.concat(evidence));
  }

  hasEdge(from: string, kind?: EdgeKind): boolean {
    const bits = this.out.get(from);
    return bits !== undefined && (!kind || (bits & kindBit(kind)) !== 0);
  }

  result(): { nodes: GraphNode[]; edges: GraphEdge[] } {
    // Only nodes that take part in an edge, plus any node added as a lone finding target.
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

/** A bit per edge kind (a constant table: the contract's kinds, each once). */
const KIND_BITS: Readonly<Record<EdgeKind, number>> = Object.freeze({
  waits_lock: 1 << 0,
  held_by: 1 << 1,
  flushes: 1 << 2,
  runs: 1 << 3,
  ipi_wait: 1 << 4,
  on_cpu: 1 << 5,
  wakes: 1 << 6,
  waits_event: 1 << 7,
  starved_by: 1 << 8,
  lock_order: 1 << 9,
});
function kindBit(kind: EdgeKind): number {
  return KIND_BITS[kind];
}

export function taskLabel(t: Pick<ModelTask, 'comm' | 'pid' | 'taskAddr'>): string {
  if (t.comm && t.pid !== null) return `${t.comm} (${t.pid})`;
  if (t.pid !== null) return `pid ${t.pid}`;
  if (t.comm) return t.comm;
  if (t.taskAddr) return `task ${t.taskAddr}`;
  return 'unknown task';
}

// (An empty builder kept so that its class outlives the runs: warm-shapes.ts.)
keepShape(new GraphBuilder());
