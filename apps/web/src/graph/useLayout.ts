import { useEffect, useMemo, useState } from 'react';
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { layoutGraph, refinable, refineGraph } from './layout';
import type { PositionedGraph } from './elkGraph';

export type LayoutState =
  | { status: 'done'; layout: PositionedGraph; engine: 'fast' | 'elk'; refining: boolean }
  | { status: 'error'; error: Error };

/**
 * The fast layout at once, then ELK's for a small graph — swapped in only while
 * `keepFast()` says no: once the reader has zoomed, panned or picked a node, the
 * picture under their pointer stays where it is.
 */
export function useLayout(
  graph: { nodes: GraphNode[]; edges: GraphEdge[] },
  attempt: number,
  keepFast: () => boolean,
): LayoutState {
  const fast = useMemo((): LayoutState => {
    try {
      return { status: 'done', layout: layoutGraph(graph), engine: 'fast', refining: refinable(graph) };
    } catch (error) {
      return { status: 'error', error: error instanceof Error ? error : new Error(String(error)) };
    }
    // attempt: a retry recomputes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, attempt]);
  const [refined, setRefined] = useState<{ graph: object; layout: PositionedGraph | null } | null>(null);
  useEffect(() => {
    if (fast.status !== 'done' || !fast.refining) return;
    let live = true;
    refineGraph(graph).then(
      (layout) => live && setRefined({ graph, layout: keepFast() ? null : layout }),
      // ELK failing leaves the fast layout, which is a complete picture.
      () => live && setRefined({ graph, layout: null }),
    );
    return () => {
      live = false;
    };
  }, [graph, fast, keepFast]);
  if (fast.status !== 'done') return fast;
  if (refined?.graph === graph) {
    return refined.layout
      ? { status: 'done', layout: refined.layout, engine: 'elk', refining: false }
      : { ...fast, refining: false };
  }
  return fast;
}
