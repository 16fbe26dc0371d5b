// Cycles in the wait-for graph: strongly connected components (Tarjan, iterative so a
// 50,000-node graph cannot overflow the stack). A component of one task and one lock
// it both holds and waits for is a self-deadlock.

import type { GraphEdge } from '../contract.js';

export function stronglyConnected(nodes: string[], edges: GraphEdge[]): string[][] {
  // Node ids become indexes once (nodes first, then edge ends in edge order: the order
  // components are found in); the search itself runs on integer arrays — a NMI dump's
  // graph of 6,000 nodes made ~20 Map and Set operations per node with string keys.
  const ids = new Map<string, number>();
  const names: string[] = [];
  const idOf = (n: string): number => {
    let k = ids.get(n);
    if (k === undefined) {
      ids.set(n, (k = names.length));
      names.push(n);
    }
    return k;
  };
  for (const n of nodes) idOf(n);
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  for (let k = 0; k < edges.length; k++) {
    from[k] = idOf(edges[k].from);
    to[k] = idOf(edges[k].to);
  }
  const n = names.length;
  // Each node's successors, in edge order: succ[first[v]] up to succ[first[v + 1]]. One
  // array for the graph rather than one per node (most nodes of a big dump's graph are a
  // waiter with one edge, or none).
  const first = new Int32Array(n + 1);
  for (let k = 0; k < edges.length; k++) first[from[k] + 1]++;
  for (let v = 0; v < n; v++) first[v + 1] += first[v];
  const succ = new Int32Array(edges.length);
  const fill = first.slice(0, n);
  for (let k = 0; k < edges.length; k++) succ[fill[from[k]]++] = to[k];
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  // The depth-first path: node and the index in succ of its next successor to look at.
  const workV = new Int32Array(n);
  const workI = new Int32Array(n);
  let depth = 0;
  const out: string[][] = [];
  let index = 0;
  for (let start = 0; start < n; start++) {
    if (idx[start] >= 0) continue;
    idx[start] = low[start] = index++;
    stack[sp++] = start;
    onStack[start] = 1;
    workV[depth] = start;
    workI[depth++] = first[start];
    while (depth > 0) {
      const top = depth - 1;
      const v = workV[top];
      if (workI[top] < first[v + 1]) {
        const w = succ[workI[top]++];
        if (idx[w] < 0) {
          idx[w] = low[w] = index++;
          stack[sp++] = w;
          onStack[w] = 1;
          workV[depth] = w;
          workI[depth++] = first[w];
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], idx[w]);
        }
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = workV[depth - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] !== idx[v]) continue;
      if (stack[sp - 1] === v) {
        // A component of one node: a cycle only when the node has an edge to itself.
        sp--;
        onStack[v] = 0;
        if (hasSuccessor(succ, first[v], first[v + 1], v)) out.push([names[v]]);
        continue;
      }
      const comp: string[] = [];
      let w: number;
      do {
        w = stack[--sp];
        onStack[w] = 0;
        comp.push(names[w]);
      } while (w !== v);
      out.push(comp.reverse());
    }
  }
  return out;
}

function hasSuccessor(succ: Int32Array, from: number, to: number, v: number): boolean {
  for (let k = from; k < to; k++) if (succ[k] === v) return true;
  return false;
}

/** Order a component's nodes along one cycle through it, starting at a task. */
export function cycleOrder(comp: string[], edges: GraphEdge[]): string[] {
  const inComp = new Set(comp);
  const adj = new Map<string, string[]>();
  for (const e of edges)
    if (inComp.has(e.from) && inComp.has(e.to)) (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e.to);
  const start = comp.find((n) => n.startsWith('task:')) ?? comp[0];
  // BFS back to start gives a shortest cycle through it.
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of adj.get(v) ?? []) {
      if (w === start) {
        const path = [v];
        let p = v;
        while (p !== start) {
          p = prev.get(p)!;
          path.push(p);
        }
        return path.reverse();
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}
