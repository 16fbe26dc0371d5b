// Graph reachability for tests: which nodes a wait-for path from `from` reaches.
import type { AnalysisDocument } from '../contract.js';

type Edges = Pick<AnalysisDocument['graph'], 'edges'>;

export function adjacency(graph: Partial<Edges> | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of graph?.edges ?? []) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from)!.push(e.to);
  }
  return out;
}

/** Nodes reachable from `from` by one or more edges. */
export function reachableFrom(adj: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(adj.get(from) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of adj.get(n) ?? []) stack.push(m);
  }
  return seen;
}
