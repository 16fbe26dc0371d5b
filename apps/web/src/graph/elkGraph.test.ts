import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { edgePath, fromElkGraph, nodeSize, toElkGraph } from './elkGraph';
import { edge } from './testing';

const nodes: GraphNode[] = [
  { id: 'task:31969', type: 'task', label: 'rmmod (31969)' },
  { id: 'wq:events', type: 'wq', label: 'events' },
  { id: 'task:4790', type: 'task', label: 'kworker/1:2 (4790)' },
  { id: 'lock:ffff880035acf1e0', type: 'lock', label: 'mutex ffff880035acf1e0' },
];
const edges: GraphEdge[] = [
  edge('task:31969', 'wq:events', 'flushes'),
  edge('wq:events', 'task:4790', 'runs'),
  edge('task:4790', 'lock:ffff880035acf1e0', 'waits_lock'),
  edge('lock:ffff880035acf1e0', 'task:4790', 'held_by'),
  edge('task:4790', 'task:4790', 'wakes'),
  edge('task:1', 'task:4790', 'wakes'),
];

describe('toElkGraph', () => {
  it('asks for a layered layout flowing right, waiters first', () => {
    const g = toElkGraph(nodes, edges);
    expect(g.layoutOptions?.['elk.algorithm']).toBe('layered');
    expect(g.layoutOptions?.['elk.direction']).toBe('RIGHT');
    expect(g.children?.map((c) => c.id)).toEqual(nodes.map((n) => n.id));
  });

  it('keeps both directions of a cycle, drops self-loops and dangling edges', () => {
    const g = toElkGraph(nodes, edges);
    expect(g.edges?.map((e) => `${e.sources[0]}>${e.targets[0]}`)).toEqual([
      'task:31969>wq:events',
      'wq:events>task:4790',
      'task:4790>lock:ffff880035acf1e0',
      'lock:ffff880035acf1e0>task:4790',
    ]);
  });

  it('drops duplicate node ids, which would make ELK throw', () => {
    const g = toElkGraph([...nodes, nodes[0]], []);
    expect(g.children).toHaveLength(nodes.length);
  });

  it('sizes nodes to fit their label and a count badge', () => {
    const short = nodeSize({ id: 'cpu:1', type: 'cpu', label: 'cpu 1' });
    const long = nodeSize({ id: 'task:1', type: 'task', label: 'x'.repeat(60) });
    const counted = nodeSize({ id: 'task:2', type: 'task', label: 'x'.repeat(60), count: 120 });
    expect(short.width).toBeGreaterThanOrEqual(90);
    expect(long.width).toBeGreaterThan(60 * 7);
    expect(counted.width).toBeGreaterThan(long.width);
  });
});

describe('fromElkGraph', () => {
  it('reads positions and edge sections back, and draws self-loops itself', () => {
    const input = toElkGraph(nodes, edges);
    const laid = {
      ...input,
      width: 500,
      height: 200,
      children: input.children?.map((c, i) => ({ ...c, x: i * 100, y: 10 })),
      edges: input.edges?.map((e) => ({
        ...e,
        sections: [{ id: 's', startPoint: { x: 0, y: 0 }, bendPoints: [{ x: 5, y: 5 }], endPoint: { x: 10, y: 0 } }],
      })),
    };
    const out = fromElkGraph(laid, nodes, edges);
    expect(out.width).toBe(500);
    expect(out.nodes.find((n) => n.node.id === 'task:4790')?.x).toBe(200);
    // four routed edges + one self-loop; the dangling edge is gone
    expect(out.edges).toHaveLength(5);
    const loop = out.edges.find((e) => e.selfLoop);
    expect(loop?.edge.kind).toBe('wakes');
    expect(edgePath(loop!)).toMatch(/^M.* C/);
    expect(edgePath(out.edges[0])).toBe('M0,0 L5,5 L10,0');
  });
});
