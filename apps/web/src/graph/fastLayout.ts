// A layered layout in plain TypeScript, for graphs too big for ELK to lay out while the
// reader waits. ELK (layout.ts) runs in a worker that takes a second or two to boot
// and then seconds more on a few hundred nodes; this takes milliseconds on thousands.
// Same picture grammar as ELK's `layered` with direction RIGHT (waiters left, what they
// wait for right), same output type, so the canvas does not care which one ran.
//
// The classic steps (Sugiyama et al.), each in (near) linear time:
//   1. cycles broken by reversing DFS back edges (drawn in their real direction later);
//   2. layers by longest path from the sources, then every node pulled right next to
//      its nearest successor (shorter edges, like ELK's network simplex mostly does);
//   3. edges longer than one layer get a chain of dummy points, so they run between
//      node boxes instead of through them;
//   4. order within layers by barycenter sweeps, keeping the order with the fewest
//      crossings (counted exactly, O(E log V) per pair of layers);
//   5. vertical positions: each node pulled toward its neighbours' mean, layer by layer,
//      with the least-squares placement that keeps the order and the spacing (pool
//      adjacent violators), a few passes down and up;
//   6. connected components laid out alone and packed in rows.
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import {
  NODE_H,
  edgeId,
  nodeSize,
  type PlacedEdge,
  type PlacedNode,
  type PositionedGraph,
  type Point,
} from './elkGraph';
import { edgeWords } from './edgeWords';

// The spacings ELK is given in elkGraph.ts (LAYOUT_OPTIONS), so both layouts look alike.
const NODE_GAP = 22;
const LAYER_GAP = 70;
const COMPONENT_GAP = 40;
/** Long edges passing the same layer keep this far apart (and from boxes). */
const DUMMY_GAP = 10;
const LABEL_CHAR_W = 6.1;

/** Work budget for the ordering sweeps: fewer sweeps on bigger graphs. */
const SWEEP_BUDGET = 400_000;

interface Vertex {
  /** Index of the node in the input, or -1 for a dummy point of a long edge. */
  node: number;
  layer: number;
  width: number;
  height: number;
  /** Vertices in the previous / next layer joined to this one. */
  up: number[];
  down: number[];
  order: number;
  /** Centre, vertical. */
  y: number;
}

interface Segmented {
  edge: number;
  /** Vertex chain in layer order (left to right). */
  chain: number[];
  /** The edge points right-to-left in the drawing (broken cycle). */
  reversed: boolean;
}

interface ComponentLayout {
  width: number;
  height: number;
  nodes: { node: number; x: number; y: number; width: number; height: number }[];
  edges: { edge: number; points: Point[]; label: Point | null }[];
}

export function fastLayout(nodes: GraphNode[], edges: GraphEdge[]): PositionedGraph {
  // Input nodes, duplicates dropped as toElkGraph does.
  const index = new Map<string, number>();
  const list: GraphNode[] = [];
  for (const n of nodes) {
    if (index.has(n.id)) continue;
    index.set(n.id, list.length);
    list.push(n);
  }
  if (list.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const sizes = list.map(nodeSize);

  // Weakly connected components (union-find), in input order of their first node.
  const parent = list.map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const usable: number[] = []; // edge indices with both ends known, not self-loops
  edges.forEach((e, i) => {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) return;
    usable.push(i);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  });
  const compOf = new Map<number, number>();
  const compNodes: number[][] = [];
  const compEdges: number[][] = [];
  for (let i = 0; i < list.length; i++) {
    const r = find(i);
    let c = compOf.get(r);
    if (c === undefined) {
      c = compNodes.length;
      compOf.set(r, c);
      compNodes.push([]);
      compEdges.push([]);
    }
    compNodes[c].push(i);
  }
  for (const i of usable) compEdges[compOf.get(find(index.get(edges[i].from)!))!].push(i);

  const laid = compNodes.map((ns, c) => layoutComponent(ns, compEdges[c], edges, index, sizes));

  // Pack components in rows, left to right: rows about as wide as the biggest component
  // or the square root of the total area, whichever is wider.
  const area = laid.reduce((s, l) => s + (l.width + COMPONENT_GAP) * (l.height + COMPONENT_GAP), 0);
  const rowWidth = laid.reduce((m, l) => Math.max(m, l.width), Math.sqrt(area) * 1.6);
  const placed: PlacedNode[] = new Array(list.length);
  const out = new Map<number, PlacedEdge>();
  let x = 0;
  let y = 0;
  let rowH = 0;
  let width = 0;
  for (const l of laid) {
    if (x > 0 && x + l.width > rowWidth) {
      x = 0;
      y += rowH + COMPONENT_GAP;
      rowH = 0;
    }
    for (const p of l.nodes)
      placed[p.node] = { node: list[p.node], x: p.x + x, y: p.y + y, width: p.width, height: p.height };
    for (const e of l.edges) {
      out.set(e.edge, {
        id: edgeId(e.edge),
        edge: edges[e.edge],
        points: e.points.map((p) => ({ x: p.x + x, y: p.y + y })),
        label: e.label && { x: e.label.x + x, y: e.label.y + y },
        selfLoop: false,
      });
    }
    width = Math.max(width, x + l.width);
    rowH = Math.max(rowH, l.height);
    x += l.width + COMPONENT_GAP;
  }
  const height = y + rowH;

  // Self-loops as fromElkGraph draws them: an arc over the node's top edge.
  edges.forEach((e, i) => {
    if (e.from !== e.to) return;
    const k = index.get(e.from);
    if (k === undefined) return;
    const p = placed[k];
    out.set(i, {
      id: edgeId(i),
      edge: e,
      selfLoop: true,
      points: [
        { x: p.x + p.width * 0.7, y: p.y },
        { x: p.x + p.width * 0.3, y: p.y },
      ],
      label: { x: p.x + p.width / 2, y: p.y - 30 },
    });
  });
  const placedEdges = [...out.keys()].sort((a, b) => a - b).map((i) => out.get(i)!);
  return { width, height, nodes: placed, edges: placedEdges };
}

function layoutComponent(
  compNodes: number[],
  compEdges: number[],
  edges: GraphEdge[],
  index: Map<string, number>,
  sizes: { width: number; height: number }[],
): ComponentLayout {
  const local = new Map<number, number>();
  compNodes.forEach((n, i) => local.set(n, i));
  const n = compNodes.length;
  const from = compEdges.map((e) => local.get(index.get(edges[e].from)!)!);
  const to = compEdges.map((e) => local.get(index.get(edges[e].to)!)!);
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  compEdges.forEach((_, k) => {
    outs[from[k]].push(k);
    ins[to[k]].push(k);
  });

  // 1. Break cycles: DFS from the sources first (so the natural direction wins), then
  //    from whatever is left; an edge into a node still on the DFS stack is reversed.
  const reversed = new Array<boolean>(compEdges.length).fill(false);
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const roots = [...Array(n).keys()].sort(
    (a, b) => (ins[a].length === 0 ? 0 : 1) - (ins[b].length === 0 ? 0 : 1) || a - b,
  );
  for (const r of roots) {
    if (state[r] !== 0) continue;
    const stack: [number, number][] = [[r, 0]];
    state[r] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < outs[v].length) {
        top[1]++;
        const k = outs[v][i];
        const w = to[k];
        if (state[w] === 1) reversed[k] = true;
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  const src = (k: number) => (reversed[k] ? to[k] : from[k]);
  const dst = (k: number) => (reversed[k] ? from[k] : to[k]);
  const dOut: number[][] = Array.from({ length: n }, () => []);
  const dIn: number[][] = Array.from({ length: n }, () => []);
  compEdges.forEach((_, k) => {
    dOut[src(k)].push(k);
    dIn[dst(k)].push(k);
  });

  // 2. Layers: longest path from the sources (Kahn's order), then pulled right.
  const layer = new Array<number>(n).fill(0);
  const indeg = dIn.map((l) => l.length);
  const topo: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo.push(v);
  for (let i = 0; i < topo.length; i++) {
    const v = topo[i];
    for (const k of dOut[v]) {
      const w = dst(k);
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indeg[w] === 0) topo.push(w);
    }
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const v = topo[i];
    if (dOut[v].length === 0) continue;
    let min = Infinity;
    for (const k of dOut[v]) min = Math.min(min, layer[dst(k)]);
    layer[v] = Math.max(layer[v], min - 1);
  }
  // Sinks come back next to their rightmost predecessor (the pull above may have left
  // them further right than any edge needs).
  for (let v = 0; v < n; v++) {
    if (dOut[v].length > 0 || dIn[v].length === 0) continue;
    let max = 0;
    for (const k of dIn[v]) max = Math.max(max, layer[src(k)] + 1);
    layer[v] = max;
  }

  // 3. Vertices: the nodes, then dummy points for every layer a long edge crosses.
  const verts: Vertex[] = [];
  for (let v = 0; v < n; v++) {
    const s = sizes[compNodes[v]];
    verts.push({
      node: compNodes[v],
      layer: layer[v],
      width: s.width,
      height: s.height,
      up: [],
      down: [],
      order: 0,
      y: 0,
    });
  }
  const segs: Segmented[] = [];
  compEdges.forEach((e, k) => {
    const a = src(k);
    const b = dst(k);
    const chain = [a];
    for (let l = layer[a] + 1; l < layer[b]; l++) {
      chain.push(verts.length);
      verts.push({ node: -1, layer: l, width: 0, height: 0, up: [], down: [], order: 0, y: 0 });
    }
    chain.push(b);
    for (let i = 0; i + 1 < chain.length; i++) {
      verts[chain[i]].down.push(chain[i + 1]);
      verts[chain[i + 1]].up.push(chain[i]);
    }
    segs.push({ edge: e, chain, reversed: reversed[k] });
  });
  let layerCount = 1;
  for (const l of layer) layerCount = Math.max(layerCount, l + 1);

  // 4. Order: first by a depth-first walk from the component's nodes in input order
  //    (keeps related nodes together), then barycenter sweeps.
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  const seen = new Uint8Array(verts.length);
  const visit = (start: number) => {
    const stack = [start];
    while (stack.length) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      layers[verts[v].layer].push(v);
      const next = [...verts[v].down, ...verts[v].up];
      for (let i = next.length - 1; i >= 0; i--) if (!seen[next[i]]) stack.push(next[i]);
    }
  };
  for (let v = 0; v < n; v++) visit(v);
  const setOrder = () => layers.forEach((l) => l.forEach((v, i) => (verts[v].order = i)));
  setOrder();

  const size = verts.length + segs.length;
  const sweeps =
    layerCount < 2 ? 0 : Math.max(2, Math.min(24, Math.floor(SWEEP_BUDGET / Math.max(1, size * Math.log2(size + 2)))));
  let best = layers.map((l) => l.slice());
  let bestCross = crossings(layers, verts);
  const sortBy = (l: number[], side: 'up' | 'down') => {
    const bc = new Map<number, number>();
    for (const v of l) {
      const nb = verts[v][side];
      if (nb.length === 0) bc.set(v, verts[v].order);
      else {
        let s = 0;
        for (const u of nb) s += verts[u].order;
        bc.set(v, s / nb.length);
      }
    }
    l.sort((a, b) => bc.get(a)! - bc.get(b)! || verts[a].order - verts[b].order);
    l.forEach((v, i) => (verts[v].order = i));
  };
  for (let s = 0; s < sweeps && bestCross > 0; s++) {
    if (s % 2 === 0) for (let l = 1; l < layerCount; l++) sortBy(layers[l], 'up');
    else for (let l = layerCount - 2; l >= 0; l--) sortBy(layers[l], 'down');
    const c = crossings(layers, verts);
    if (c < bestCross) {
      bestCross = c;
      best = layers.map((l) => l.slice());
    }
  }
  for (let l = 0; l < layerCount; l++) layers[l] = best[l];
  setOrder();

  // 5. Vertical positions (centres).
  const gapBetween = (a: Vertex, b: Vertex) =>
    (a.height + b.height) / 2 + (a.node >= 0 && b.node >= 0 ? NODE_GAP : DUMMY_GAP);
  for (const l of layers) {
    let y = 0;
    l.forEach((v, i) => {
      if (i > 0) y += gapBetween(verts[l[i - 1]], verts[v]);
      verts[v].y = y;
    });
  }
  const place = (l: number[], desired: (v: Vertex) => number | null) => {
    if (l.length === 0) return;
    const d: number[] = [];
    const w: number[] = [];
    let offset = 0;
    l.forEach((v, i) => {
      const vx = verts[v];
      if (i > 0) offset += gapBetween(verts[l[i - 1]], vx);
      const want = desired(vx);
      // Nodes without neighbours on that side stay put, but lightly; long edges
      // (dummies) weigh more so they run straight.
      d.push((want ?? vx.y) - offset);
      w.push(want === null ? 0.25 : vx.node < 0 ? 4 : 1);
    });
    const z = isotonic(d, w);
    offset = 0;
    l.forEach((v, i) => {
      if (i > 0) offset += gapBetween(verts[l[i - 1]], verts[v]);
      verts[v].y = z[i] + offset;
    });
  };
  const mean = (vs: number[]) => {
    if (vs.length === 0) return null;
    let s = 0;
    for (const u of vs) s += verts[u].y;
    return s / vs.length;
  };
  const passes = size > 20_000 ? 2 : 4;
  for (let p = 0; p < passes; p++) {
    for (let l = 1; l < layerCount; l++) place(layers[l], (v) => mean(v.up));
    for (let l = layerCount - 2; l >= 0; l--) place(layers[l], (v) => mean(v.down));
  }
  for (let l = 0; l < layerCount; l++) place(layers[l], (v) => mean([...v.up, ...v.down]));

  // Horizontal: one column per layer, as wide as its widest node, plus room for the
  // edge labels leaving it.
  const colW = new Array<number>(layerCount).fill(0);
  const labelW = new Array<number>(layerCount).fill(0);
  for (const v of verts) colW[v.layer] = Math.max(colW[v.layer], v.width);
  for (const s of segs) {
    const k = edgeWords(edges[s.edge].kind);
    const first = s.reversed ? s.chain[s.chain.length - 2] : s.chain[0];
    labelW[verts[first].layer] = Math.max(labelW[verts[first].layer], k.length * LABEL_CHAR_W + 60);
  }
  const colX: number[] = [];
  let x = 0;
  for (let l = 0; l < layerCount; l++) {
    colX.push(x);
    x += colW[l] + Math.max(LAYER_GAP, labelW[l]);
  }
  const width = x - Math.max(LAYER_GAP, labelW[layerCount - 1]);

  let minY = Infinity;
  let maxY = -Infinity;
  for (const v of verts) {
    minY = Math.min(minY, v.y - v.height / 2);
    maxY = Math.max(maxY, v.y + v.height / 2);
  }
  const left = (v: Vertex) => colX[v.layer] + (colW[v.layer] - v.width) / 2;
  const nodesOut = verts
    .slice(0, n)
    .map((v) => ({ node: v.node, x: left(v), y: v.y - v.height / 2 - minY, width: v.width, height: v.height }));
  const routes = segs.map((s) => {
    const pts: Point[] = [];
    s.chain.forEach((vi, i) => {
      const v = verts[vi];
      const y = v.y - minY;
      if (i === 0) pts.push({ x: left(v) + v.width, y });
      else if (i === s.chain.length - 1) pts.push({ x: left(v), y });
      else {
        // Through the column at the dummy's height, entering and leaving level.
        pts.push({ x: colX[v.layer], y }, { x: colX[v.layer] + colW[v.layer], y });
      }
    });
    // A reversed edge is drawn from the real waiter: out of its left side, into the
    // right side of what it waits for.
    if (s.reversed) pts.reverse();
    return pts;
  });

  // Ports: where several kinds of edge meet one side of a node (a task's wait leaving
  // on the right where a broken cycle's edge arrives), each kind gets its own point on
  // that side, ordered by where the edges come from, instead of all meeting mid-height.
  // Edges of one kind share a port, so a fan-out keeps one stretch and one label.
  const sides = new Map<string, Map<string, { ends: { pts: Point[]; first: boolean }[]; sum: number }>>();
  const addEnd = (vertex: number, side: string, port: string, pts: Point[], first: boolean) => {
    const key = `${vertex}\u0000${side}`;
    let ports = sides.get(key);
    if (!ports) sides.set(key, (ports = new Map()));
    let p = ports.get(port);
    if (!p) ports.set(port, (p = { ends: [], sum: 0 }));
    p.ends.push({ pts, first });
    p.sum += (first ? pts[1] : pts[pts.length - 2]).y;
  };
  segs.forEach((s, k) => {
    const pts = routes[k];
    const kind = edges[s.edge].kind;
    const [a, b] = s.reversed ? [s.chain[s.chain.length - 1], s.chain[0]] : [s.chain[0], s.chain[s.chain.length - 1]];
    addEnd(a, s.reversed ? 'L' : 'R', `out ${kind}`, pts, true);
    addEnd(b, s.reversed ? 'R' : 'L', `in ${kind}`, pts, false);
  });
  for (const [key, ports] of sides) {
    if (ports.size < 2) continue;
    const v = verts[Number(key.split('\u0000')[0])];
    const top = v.y - minY - v.height / 2;
    const order = [...ports.values()].sort((p, q) => p.sum / p.ends.length - q.sum / q.ends.length);
    order.forEach((port, i) => {
      const y = top + v.height * (0.25 + (0.5 * i) / (order.length - 1));
      for (const e of port.ends) (e.first ? e.pts[0] : e.pts[e.pts.length - 1]).y = y;
    });
  }

  // Edges of one kind leaving one node share their first stretch: one label for them.
  const labelled = new Set<string>();
  const edgesOut = segs.map((s, k) => {
    const pts = routes[k];
    // Leave the waiter level for a label's length, then head for the target, as ELK's
    // inline labels do: the labels of a fan-in sit apart, one beside each waiter.
    const gapLayer = verts[s.reversed ? s.chain[s.chain.length - 2] : s.chain[0]].layer;
    const gap = Math.max(LAYER_GAP, labelW[gapLayer]);
    const text = edges[s.edge].kind.length * LABEL_CHAR_W;
    const stub = Math.min(text + 10, gap - 20) * (s.reversed ? -1 : 1);
    const [p] = pts;
    pts.splice(1, 0, { x: p.x + stub, y: p.y });
    const key = `${edges[s.edge].from}\u0000${edges[s.edge].kind}`;
    const label = labelled.has(key) ? null : { x: p.x + stub / 2, y: p.y - 7 };
    labelled.add(key);
    return { edge: s.edge, points: pts, label };
  });
  return { width: Math.max(width, 0), height: Math.max(maxY - minY, NODE_H), nodes: nodesOut, edges: edgesOut };
}

/** Edge crossings between all pairs of neighbouring layers (Barth, Jünger, Mutzel). */
function crossings(layers: number[][], verts: Vertex[]): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const south = layers[l + 1].length;
    if (south < 2) continue;
    const pairs: number[] = [];
    for (const v of layers[l]) {
      const targets = verts[v].down.map((u) => verts[u].order).sort((a, b) => a - b);
      for (const t of targets) pairs.push(t);
    }
    // Inversions of the target sequence (sources already in order), Fenwick tree.
    const tree = new Int32Array(south + 1);
    for (let i = pairs.length - 1; i >= 0; i--) {
      for (let j = pairs[i]; j > 0; j -= j & -j) total += tree[j];
      for (let j = pairs[i] + 1; j <= south; j += j & -j) tree[j]++;
    }
  }
  return total;
}

/** Weighted least squares under z[0] ≤ z[1] ≤ …: pool adjacent violators. */
export function isotonic(d: number[], w: number[]): number[] {
  const value: number[] = [];
  const weight: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < d.length; i++) {
    let v = d[i];
    let wt = w[i];
    let c = 1;
    while (value.length && value[value.length - 1] > v) {
      const pv = value.pop()!;
      const pw = weight.pop()!;
      c += count.pop()!;
      v = (pv * pw + v * wt) / (pw + wt);
      wt += pw;
    }
    value.push(v);
    weight.push(wt);
    count.push(c);
  }
  const out: number[] = [];
  value.forEach((v, i) => {
    for (let k = 0; k < count[i]; k++) out.push(v);
  });
  return out;
}
