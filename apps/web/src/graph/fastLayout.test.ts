import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { fastLayout, isotonic } from './fastLayout';
import type { PlacedNode, PositionedGraph } from './elkGraph';
import { edge } from './testing';

const node = (id: string, type: GraphNode['type'] = 'task'): GraphNode => ({ id, type, label: id });

function byId(l: PositionedGraph): Map<string, PlacedNode> {
  return new Map(l.nodes.map((p) => [p.node.id, p]));
}

function overlaps(a: PlacedNode, b: PlacedNode): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function expectNoOverlap(l: PositionedGraph) {
  for (let i = 0; i < l.nodes.length; i++)
    for (let j = i + 1; j < l.nodes.length; j++)
      expect(overlaps(l.nodes[i], l.nodes[j]), `${l.nodes[i].node.id} / ${l.nodes[j].node.id}`).toBe(false);
}

/** The first point is on a side of the waiter's box, the last on a side of the target's. */
function expectAttached(l: PositionedGraph) {
  const at = byId(l);
  for (const e of l.edges) {
    if (e.selfLoop) continue;
    const a = at.get(e.edge.from)!;
    const b = at.get(e.edge.to)!;
    const first = e.points[0];
    const last = e.points[e.points.length - 1];
    expect([a.x, a.x + a.width]).toContainEqual(expect.closeTo(first.x, 6));
    expect(first.y).toBeGreaterThanOrEqual(a.y);
    expect(first.y).toBeLessThanOrEqual(a.y + a.height);
    expect([b.x, b.x + b.width]).toContainEqual(expect.closeTo(last.x, 6));
    expect(last.y).toBeGreaterThanOrEqual(b.y);
    expect(last.y).toBeLessThanOrEqual(b.y + b.height);
  }
}

describe('fastLayout', () => {
  it('draws waiters left of what they wait for, every node once, no boxes overlapping', () => {
    // A pile-up: 3 waiters → mutex → owner → disk, and a second owner of another mutex on the disk.
    const nodes = [
      node('task:1'),
      node('task:2'),
      node('task:3'),
      node('lock:a', 'lock'),
      node('task:9'),
      node('external:disk', 'external'),
      node('lock:b', 'lock'),
      node('task:8'),
    ];
    const edges = [
      edge('task:1', 'lock:a'),
      edge('task:2', 'lock:a'),
      edge('task:3', 'lock:a'),
      edge('lock:a', 'task:9', 'held_by'),
      edge('task:9', 'external:disk', 'waits_event'),
      edge('lock:b', 'task:8', 'held_by'),
      edge('task:8', 'external:disk', 'waits_event'),
    ];
    const l = fastLayout(nodes, edges);
    expect(l.nodes.map((p) => p.node.id)).toEqual(nodes.map((n) => n.id));
    expect(l.edges.map((e) => e.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    const at = byId(l);
    for (const e of edges) expect(at.get(e.from)!.x + at.get(e.from)!.width).toBeLessThan(at.get(e.to)!.x);
    expectNoOverlap(l);
    expectAttached(l);
    for (const p of l.nodes) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.x + p.width).toBeLessThanOrEqual(l.width + 1e-6);
      expect(p.y + p.height).toBeLessThanOrEqual(l.height + 1e-6);
    }
    // Each waiter's edge has its own label.
    expect(l.edges.slice(0, 3).filter((e) => e.label).length).toBe(3);
  });

  it('gives the edges of one kind leaving one node a single label (they share their first stretch)', () => {
    const nodes = [node('work:w', 'work'), node('task:1'), node('task:2'), node('task:3')];
    const l = fastLayout(nodes, [
      edge('work:w', 'task:1', 'runs'),
      edge('work:w', 'task:2', 'runs'),
      edge('work:w', 'task:3', 'runs'),
    ]);
    expect(l.edges.filter((e) => e.label)).toHaveLength(1);
    expectNoOverlap(l);
  });

  it('draws a cycle with every edge from its real waiter, and a self-loop as an arc on the node', () => {
    const nodes = [node('task:1'), node('lock:a', 'lock'), node('task:2'), node('lock:b', 'lock'), node('task:3')];
    const edges = [
      edge('task:1', 'lock:a'),
      edge('lock:a', 'task:2', 'held_by'),
      edge('task:2', 'lock:b'),
      edge('lock:b', 'task:1', 'held_by'),
      edge('task:3', 'task:3', 'wakes'),
    ];
    const l = fastLayout(nodes, edges);
    expect(l.edges).toHaveLength(5);
    expectNoOverlap(l);
    expectAttached(l);
    // Where the broken cycle's edge arrives on the side its own wait leaves from, the
    // two get points of their own.
    const ends = l.edges.filter((e) => !e.selfLoop).flatMap((e) => [e.points[0], e.points[e.points.length - 1]]);
    const keys = ends.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`);
    const waitOut = l.edges.find((e) => e.id === 'e0')!.points[0];
    expect(keys.filter((k) => k === `${waitOut.x.toFixed(1)},${waitOut.y.toFixed(1)}`)).toHaveLength(1);
    const loop = l.edges.find((e) => e.selfLoop)!;
    const t3 = byId(l).get('task:3')!;
    expect(loop.points.every((p) => p.y === t3.y)).toBe(true);
  });

  it('drops duplicate nodes and edges to nodes it does not have, like the ELK path', () => {
    const l = fastLayout(
      [node('task:1'), node('task:1'), node('lock:a', 'lock')],
      [edge('task:1', 'lock:a'), edge('task:1', 'lock:gone')],
    );
    expect(l.nodes).toHaveLength(2);
    expect(l.edges.map((e) => e.id)).toEqual(['e0']);
    expect(fastLayout([], [])).toEqual({ width: 0, height: 0, nodes: [], edges: [] });
  });

  it('routes an edge that skips layers between the boxes of the layers it crosses', () => {
    // task:1 → task:2 → task:3 → lock, and task:1 → lock directly (spans three layers).
    const nodes = [node('task:1'), node('task:2'), node('task:3'), node('lock:a', 'lock')];
    const edges = [
      edge('task:1', 'task:2', 'wakes'),
      edge('task:2', 'task:3', 'wakes'),
      edge('task:3', 'lock:a'),
      edge('task:1', 'lock:a'),
    ];
    const l = fastLayout(nodes, edges);
    const long = l.edges.find((e) => e.id === 'e3')!;
    expect(long.points.length).toBeGreaterThan(3);
    for (const p of l.nodes) {
      if (p.node.id === 'task:1' || p.node.id === 'lock:a') continue;
      // No bend point of the long edge inside a box it passes.
      for (const q of long.points.slice(1, -1))
        expect(q.x > p.x && q.x < p.x + p.width && q.y > p.y && q.y < p.y + p.height).toBe(false);
    }
  });

  it('packs components apart and lays out thousands of nodes', () => {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    for (let k = 0; k < 1500; k++) {
      nodes.push(node(`task:${k}`), node(`lock:${k}`, 'lock'), node(`task:o${k}`));
      edges.push(edge(`task:${k}`, `lock:${k}`), edge(`lock:${k}`, `task:o${k}`, 'held_by'));
      if (k % 3 === 0 && k > 0) edges.push(edge(`task:o${k}`, `task:o${k - 1}`, 'wakes'));
    }
    const l = fastLayout(nodes, edges);
    expect(l.nodes).toHaveLength(4500);
    expect(l.edges).toHaveLength(edges.length);
    expectAttached(l);
    // Boxes never overlap: checked within a grid of cells to keep the test quick.
    const cell = 400;
    const grid = new Map<string, PlacedNode[]>();
    for (const p of l.nodes) {
      const key = `${Math.floor(p.x / cell)}:${Math.floor(p.y / cell)}`;
      for (const q of grid.get(key) ?? []) expect(overlaps(p, q)).toBe(false);
      grid.set(key, [...(grid.get(key) ?? []), p]);
    }
  });
});

describe('isotonic', () => {
  it('is the weighted least-squares non-decreasing fit', () => {
    expect(isotonic([1, 2, 3], [1, 1, 1])).toEqual([1, 2, 3]);
    expect(isotonic([3, 1], [1, 1])).toEqual([2, 2]);
    expect(isotonic([3, 1], [3, 1])).toEqual([2.5, 2.5]);
    expect(isotonic([1, 5, 2, 2, 6], [1, 1, 1, 1, 1])).toEqual([1, 3, 3, 3, 6]);
  });
});
