// Layout as a pure, memoised function of the graph: same nodes/edges → same promise.
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { fromElkGraph, toElkGraph, type PositionedGraph } from './elkGraph';

const cache = new WeakMap<object, Promise<PositionedGraph>>();

export function layoutGraph(graph: { nodes: GraphNode[]; edges: GraphEdge[] }): Promise<PositionedGraph> {
  const hit = cache.get(graph);
  if (hit) return hit;
  const p = (async () => {
    if (graph.nodes.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
    const t0 = performance.now();
    const { runElk } = await import('./elkRunner');
    const laid = await runElk(toElkGraph(graph.nodes, graph.edges));
    const out = fromElkGraph(laid, graph.nodes, graph.edges);
    // Visible in the browser's performance timeline (perf/big-graph.ts reads it).
    performance.measure(`hangscope:layout ${graph.nodes.length} nodes`, { start: t0, end: performance.now() });
    return out;
  })();
  cache.set(graph, p);
  // A failed layout must be retryable, not cached forever.
  p.catch(() => cache.delete(graph));
  return p;
}

/** Fetch the ELK chunk and boot its worker while the incident itself is still loading. */
export function prewarmLayout(): void {
  import('./elkRunner').then(
    (m) => m.warmElk(),
    () => {
      // A failed prefetch is retried by the real layout, which reports the error.
    },
  );
}
