import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GraphEdge } from '../contract.js';
import { stronglyConnected } from './cycles.js';

// The string-keyed implementation stronglyConnected replaced, kept as the reference.
function reference(nodes: string[], edges: GraphEdge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const n of nodes) adj.set(n, []);
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from)!.push(e.to);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of adj.keys()) {
    if (idx.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const succ = adj.get(top.v)!;
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === idx.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        const selfLoop = comp.length === 1 && adj.get(comp[0])!.includes(comp[0]);
        if (comp.length > 1 || selfLoop) out.push(comp.reverse());
      }
    }
  }
  return out;
}

describe('stronglyConnected', () => {
  it('finds the same components in the same order as the reference, on any small graph', () => {
    const id = fc.constantFrom('task:1', 'task:2', 'task:3', 'lock:a', 'lock:b', 'cpu:0', 'work:w');
    const edge = fc
      .tuple(id, id)
      .map(
        ([from, to]) => ({ from, to, kind: 'waits_lock', confidence: 'certain', why: '', evidence: [] }) as GraphEdge,
      );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 7 }), fc.array(edge, { maxLength: 14 }), (nodes, edges) => {
        expect(stronglyConnected(nodes, edges)).toEqual(reference(nodes, edges));
      }),
      { numRuns: 5000, seed: 3 },
    );
  });
  it('finds a self-loop and a two-task cycle', () => {
    const e = (from: string, to: string) =>
      ({ from, to, kind: 'waits_lock', confidence: 'certain', why: '', evidence: [] }) as GraphEdge;
    expect(
      stronglyConnected(
        ['task:1', 'lock:a', 'task:2', 'lock:b', 'task:3'],
        [
          e('task:1', 'lock:a'),
          e('lock:a', 'task:2'),
          e('task:2', 'lock:b'),
          e('lock:b', 'task:1'),
          e('task:3', 'task:3'),
        ],
      ),
    ).toEqual([['task:1', 'lock:a', 'task:2', 'lock:b'], ['task:3']]);
  });
});
