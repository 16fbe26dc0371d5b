import { useEffect, useState } from 'react';
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { layoutGraph } from './layout';
import type { PositionedGraph } from './elkGraph';

type LayoutState =
  | { status: 'pending' }
  | { status: 'done'; layout: PositionedGraph }
  | { status: 'error'; error: Error };

export function useLayout(graph: { nodes: GraphNode[]; edges: GraphEdge[] }, attempt: number): LayoutState {
  const [state, setState] = useState<LayoutState>({ status: 'pending' });
  useEffect(() => {
    let live = true;
    setState({ status: 'pending' });
    layoutGraph(graph).then(
      (layout) => live && setState({ status: 'done', layout }),
      (error: unknown) => live && setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [graph, attempt]);
  return state;
}
