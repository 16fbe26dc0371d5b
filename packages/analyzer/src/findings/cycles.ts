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
  const adj: number[][] = [];
  const idOf = (n: string): number => {
    let k = ids.get(n);
    if (k === undefined) {
      ids.set(n, (k = names.length));
      names.push(n);
      adj.push([]);
    }
    return k;
  };
  for (const n of nodes) idOf(n);
  for (const e of edges) {
    const from = idOf(e.from);
    adj[from].push(idOf(e.to));
  }
  const n = names.length;
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  // The depth-first path: node and the index of its next successor to look at.
  const workV: number[] = [];
  const workI: number[] = [];
  const out: string[][] = [];
  let index = 0;
  for (let start = 0; start < n; start++) {
    if (idx[start] >= 0) continue;
    idx[start] = low[start] = index++;
    stack.push(start);
    onStack[start] = 1;
    workV.push(start);
    workI.push(0);
    while (workV.length) {
      const top = workV.length - 1;
      const v = workV[top];
      const succ = adj[v];
      if (workI[top] < succ.length) {
        const w = succ[workI[top]++];
        if (idx[w] < 0) {
          idx[w] = low[w] = index++;
          stack.push(w);
          onStack[w] = 1;
          workV.push(w);
          workI.push(0);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], idx[w]);
        }
        continue;
      }
      workV.pop();
      workI.pop();
      if (workV.length) {
        const parent = workV[workV.length - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === idx[v]) {
        const comp: string[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(names[w]);
        } while (w !== v);
        const selfLoop = comp.length === 1 && adj[v].includes(v);
        if (comp.length > 1 || selfLoop) out.push(comp.reverse());
      }
    }
  }
  return out;
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
