// The work resolver's links (resolve/works.ts) as graph nodes and edges, in its order.

import type { ResolvedWorks } from '../resolve/works.js';
import type { GraphBuilder } from './builder.js';

export function drawWorks(resolved: ResolvedWorks, g: GraphBuilder): void {
  for (const l of resolved.links) {
    for (const n of l.nodes) {
      if ('task' in n) g.task(n.task);
      else g.node(n.id, n.type, n.label);
    }
    g.edge(l.from, l.to, l.kind, l.confidence, l.why, l.evidence);
  }
}
