import type { GraphEdge, GraphNode } from '@hangscope/analyzer';

export interface LayeredGraph {
  /** Node ids per layer; layer 0 holds the waiters nobody waits on. */
  layers: string[][];
  /** Edges that close a cycle (a deadlock): drawn distinctly, ignored for layering. */
  backEdges: Set<GraphEdge>;
}

/**
 * A layered (Sugiyama-style, without crossing reduction) layout: edges point from
 * waiter to what it waits for, so waiters go left and the culprits right. Deadlocks
 * make the graph cyclic; a DFS finds the edges that close cycles and the layering
 * ignores them. Iterative, so a deep chain cannot overflow the stack.
 */
export function layerGraph(nodes: GraphNode[], edges: GraphEdge[]): LayeredGraph {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const out = new Map<string, GraphEdge[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (known.has(e.from) && known.has(e.to)) out.get(e.from)!.push(e);

  const state = new Map<string, 1 | 2>(); // 1: on the DFS stack, 2: done
  const backEdges = new Set<GraphEdge>();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const edge = out.get(top.id)![top.next++];
      if (!edge) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const s = state.get(edge.to);
      if (s === 1) backEdges.add(edge);
      else if (s === undefined) {
        state.set(edge.to, 1);
        stack.push({ id: edge.to, next: 0 });
      }
    }
  }

  // Longest path from the sources, in topological order (Kahn) of the acyclic rest.
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const list of out.values())
    for (const e of list) if (!backEdges.has(e)) indegree.set(e.to, indegree.get(e.to)! + 1);
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const e of out.get(id)!) {
      if (backEdges.has(e)) continue;
      layer.set(e.to, Math.max(layer.get(e.to)!, layer.get(id)! + 1));
      indegree.set(e.to, indegree.get(e.to)! - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  return { layers: layers.filter((l) => l !== undefined), backEdges };
}
