// Graph pieces the graph tests build their inputs from.
import type { GraphEdge } from '@hangscope/analyzer';

/** An edge as the analyzer writes it; the tests of layout and collapsing read only its ends and kind. */
export const edge = (
  from: string,
  to: string,
  kind: GraphEdge['kind'] = 'waits_lock',
  confidence: GraphEdge['confidence'] = 'likely',
): GraphEdge => ({ from, to, kind, confidence, why: 'w', evidence: [] });
