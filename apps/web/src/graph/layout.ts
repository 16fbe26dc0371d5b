// Layout as a pure, memoised function of the graph: same nodes/edges → same result.
//
// Two engines. fastLayout (fastLayout.ts) runs on the main thread in milliseconds, so a
// graph is drawn as soon as the incident arrives, whatever its size. ELK (in a worker,
// elkRunner.ts) draws small graphs a little better but needs a second or two to boot
// and seconds per few hundred nodes; for graphs up to ELK_MAX_NODES it refines the
// picture afterwards (WaitGraph swaps it in while the reader has not touched the graph).
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { fromElkGraph, toElkGraph, type PositionedGraph } from './elkGraph';
import { fastLayout } from './fastLayout';

type Graph = { nodes: GraphNode[]; edges: GraphEdge[] };

/** Above this many nodes ELK is not asked at all: the fast layout stays. */
export const ELK_MAX_NODES = 300;

const fastCache = new WeakMap<object, PositionedGraph>();
const elkCache = new WeakMap<object, Promise<PositionedGraph>>();

/** The fast layered layout (synchronous). */
export function layoutGraph(graph: Graph): PositionedGraph {
  const hit = fastCache.get(graph);
  if (hit) return hit;
  const t0 = performance.now();
  const out = fastLayout(graph.nodes, graph.edges);
  // Visible in the browser's performance timeline (perf/big-graph.ts reads it).
  performance.measure(`hangscope:layout ${graph.nodes.length} nodes (fast)`, { start: t0, end: performance.now() });
  fastCache.set(graph, out);
  return out;
}

/** Whether ELK will be asked to refine this graph. */
export function refinable(graph: Graph): boolean {
  return graph.nodes.length > 1 && graph.nodes.length <= ELK_MAX_NODES;
}

/** ELK's layout of the graph, in the worker. */
export function refineGraph(graph: Graph): Promise<PositionedGraph> {
  const hit = elkCache.get(graph);
  if (hit) return hit;
  const p = (async () => {
    const t0 = performance.now();
    const { runElk } = await import('./elkRunner');
    const laid = await runElk(toElkGraph(graph.nodes, graph.edges));
    const out = fromElkGraph(laid, graph.nodes, graph.edges);
    performance.measure(`hangscope:layout ${graph.nodes.length} nodes (elk)`, { start: t0, end: performance.now() });
    return out;
  })();
  elkCache.set(graph, p);
  // A failed layout must be retryable, not cached forever.
  p.catch(() => elkCache.delete(graph));
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
