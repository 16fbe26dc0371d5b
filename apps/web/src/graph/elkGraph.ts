// Pure conversion between the analysis graph and ELK's JSON graph, kept free of the
// ELK runtime so it can be unit-tested and so elkjs itself stays in a lazy chunk.
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphEdge, GraphNode } from '@hangscope/analyzer';
import { edgeWords } from './edgeWords';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  edge: GraphEdge;
  points: Point[];
  label: Point | null;
  /** Self-loops are drawn by us as a small arc on the node: ELK is not asked to route them. */
  selfLoop: boolean;
}

export interface PositionedGraph {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// Monospace metrics at the sizes used in graph.css; an estimate is enough for ELK to
// leave room, and the text is never clipped because boxes size from the longest line.
const CHAR_W = 7.3;
const SUB_CHAR_W = 6.1;
const PAD_X = 28;
export const NODE_H = 42;

export function nodeSubtitle(n: GraphNode): string {
  return [n.state, n.waitFrame].filter((s): s is string => !!s).join(' · ');
}

export function nodeSize(n: GraphNode): { width: number; height: number } {
  const badge = n.count && n.count > 1 ? 10 + String(n.count).length * CHAR_W : 0;
  const text = Math.max(n.label.length * CHAR_W + badge, nodeSubtitle(n).length * SUB_CHAR_W);
  // Locks are hexagons and external nodes ellipses: their usable width is narrower.
  const shapePad = n.type === 'lock' ? 24 : n.type === 'external' ? 30 : n.type === 'work' ? 16 : 0;
  return { width: Math.ceil(Math.max(90, text + PAD_X + shapePad)), height: NODE_H };
}

export const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  // Edges point from waiter to what it waits for: waiters left, culprits right.
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'POLYLINE',
  'elk.spacing.nodeNode': '22',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.edgeLabel': '2',
  'elk.edgeLabels.inline': 'true',
  'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
  'elk.spacing.componentComponent': '40',
  'elk.separateConnectedComponents': 'true',
};

export function edgeId(i: number): string {
  return `e${i}`;
}

/**
 * The analysis graph as ELK input. Edges whose ends are missing from the node list are
 * dropped (a reader must not crash on a partial document), and self-loops are left
 * out of the layout: they add nothing to the ranking and we draw them ourselves.
 */
export function toElkGraph(nodes: GraphNode[], edges: GraphEdge[]): ElkNode {
  const known = new Set(nodes.map((n) => n.id));
  const seen = new Set<string>();
  const children: ElkNode[] = [];
  for (const n of nodes) {
    if (seen.has(n.id)) continue; // duplicate ids would make ELK throw
    seen.add(n.id);
    children.push({ id: n.id, ...nodeSize(n) });
  }
  const elkEdges: ElkExtendedEdge[] = [];
  edges.forEach((e, i) => {
    if (!known.has(e.from) || !known.has(e.to) || e.from === e.to) return;
    elkEdges.push({
      id: edgeId(i),
      sources: [e.from],
      targets: [e.to],
      labels: [{ text: edgeWords(e.kind), width: Math.ceil(edgeWords(e.kind).length * SUB_CHAR_W) + 4, height: 12 }],
    });
  });
  return { id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges: elkEdges };
}

/** Reads ELK's positioned result back into what WaitGraph renders. */
export function fromElkGraph(laid: ElkNode, nodes: GraphNode[], edges: GraphEdge[]): PositionedGraph {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedNode[] = [];
  const pos = new Map<string, PlacedNode>();
  for (const c of laid.children ?? []) {
    const node = byId.get(c.id);
    if (!node) continue;
    const p = { node, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
    placed.push(p);
    pos.set(c.id, p);
  }
  const laidEdges = new Map((laid.edges ?? []).map((e) => [e.id, e as ElkExtendedEdge]));
  const out: PlacedEdge[] = [];
  edges.forEach((edge, i) => {
    const id = edgeId(i);
    if (edge.from === edge.to) {
      const p = pos.get(edge.from);
      if (!p) return;
      // An arc over the node's top edge, from its right third to its left third.
      const y = p.y;
      out.push({
        id,
        edge,
        selfLoop: true,
        points: [
          { x: p.x + p.width * 0.7, y },
          { x: p.x + p.width * 0.3, y },
        ],
        label: { x: p.x + p.width / 2, y: y - 30 },
      });
      return;
    }
    const e = laidEdges.get(id);
    const section = e?.sections?.[0];
    if (!e || !section) return;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const l = e.labels?.[0];
    const label =
      l && l.x !== undefined && l.y !== undefined
        ? { x: l.x + (l.width ?? 0) / 2, y: l.y + (l.height ?? 0) / 2 }
        : null;
    out.push({ id, edge, points, label, selfLoop: false });
  });
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes: placed, edges: out };
}

/** SVG path data: a polyline through ELK's points, or a loop arc for a self-edge. */
export function edgePath(e: PlacedEdge): string {
  if (e.selfLoop) {
    const [a, b] = e.points;
    const w = Math.abs(a.x - b.x);
    return `M${a.x},${a.y} C${a.x + w * 0.3},${a.y - 48} ${b.x - w * 0.3},${b.y - 48} ${b.x},${b.y}`;
  }
  return e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
