// View-level folding of the analysis graph, so a dump of thousands of tasks stays
// readable. The analyzer keeps every task node (their ids are stable and the rest of
// the page links to them); only what is drawn changes here.
//
// 1. Identical tasks: task nodes with the same wait frame and state, the same outgoing
//    edges (targets and kinds) and the same incoming edges (sources and kinds) become
//    one node, whose id is its first member's and whose `count`/`members` list all of
//    them. Mostly these are waiters nobody waits on (a pile-up on one mutex); tasks
//    with incoming edges fold too when those are the same — 2,000 writeback kworkers
//    all run by `wb_workfn` and all waiting on the disk are one picture, not 2,000
//    boxes. Nodes a finding other than lock contention names stay on their own, so a
//    cycle or a root blocker is never hidden inside a group.
// 2. Components: when the graph is still large, only the biggest weakly connected
//    components (the ones findings point at first) are drawn unless the reader asks
//    for all of them.
import type { Finding, GraphEdge, GraphNode } from '@hangscope/analyzer';

export interface ViewGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface CollapsedGraph extends ViewGraph {
  /** Every folded task id → the id of the node drawn for it (its group's first member). */
  memberOf: Map<string, string>;
}

function membersOf(n: GraphNode): string[] {
  return n.members?.length ? n.members : [n.id];
}

function countOf(n: GraphNode): number {
  return n.count && n.count > 1 ? n.count : membersOf(n).length;
}

/** `foo-worker (2000)` → `foo-worker`: the analyzer labels tasks `comm (pid)`. */
export function commOf(label: string): string {
  return label.replace(/\s*\((?:\d+|@[0-9a-f]+)\)\s*$/, '');
}

export function collapseLabel(members: GraphNode[], count: number): string {
  const comms = new Set(members.map((m) => commOf(m.label)));
  return comms.size === 1 ? `${count} × ${[...comms][0]}` : `${count} tasks`;
}

/** Findings whose nodes may be drawn inside a group: they name every waiter anyway. */
const FOLDABLE_FINDINGS = new Set(['lock_contention']);

/**
 * Groups of fewer than `minGroup` identical tasks stay as they are. With `findings`,
 * tasks that have incoming edges and are named by a finding (a cycle, a root blocker's
 * chain) are never folded.
 */
export function collapseIdenticalWaiters(
  graph: ViewGraph,
  minGroup = 2,
  findings: readonly Finding[] = [],
): CollapsedGraph {
  const named = new Set<string>();
  for (const f of findings) if (!FOLDABLE_FINDINGS.has(f.kind)) for (const id of f.nodes ?? []) named.add(id);
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    let list = outgoing.get(e.from);
    if (!list) outgoing.set(e.from, (list = []));
    list.push(e);
    if (e.from === e.to) continue;
    list = incoming.get(e.to);
    if (!list) incoming.set(e.to, (list = []));
    list.push(e);
  }
  // An edge set as a key: kinds and far ends, sorted, duplicates dropped.
  const signature = (edges: GraphEdge[] | undefined, end: 'from' | 'to'): string => {
    if (!edges) return '';
    return edges
      .map((e) => `${e.kind}\u0000${e[end]}`)
      .sort()
      .filter((s, i, a) => i === 0 || a[i - 1] !== s)
      .join('\u0001');
  };
  const groups = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (n.type !== 'task') continue;
    const inc = incoming.get(n.id);
    if (inc && named.has(n.id)) continue;
    const out = outgoing.get(n.id);
    if (out?.some((e) => e.to === n.id)) continue; // waits on itself: never the same as others
    const key = `${n.state ?? ''}\u0002${n.waitFrame ?? ''}\u0002${signature(out, 'to')}\u0002${signature(inc, 'from')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(n);
  }

  const memberOf = new Map<string, string>();
  const replaced = new Map<string, GraphNode>(); // first member id → folded node
  const dropped = new Set<string>();
  for (const g of groups.values()) {
    const count = g.reduce((s, n) => s + countOf(n), 0);
    if (g.length < 2 || count < minGroup) continue;
    const head = g[0];
    const members = g.flatMap(membersOf);
    for (const n of g) {
      for (const m of membersOf(n)) memberOf.set(m, head.id);
      memberOf.set(n.id, head.id);
      if (n !== head) dropped.add(n.id);
    }
    replaced.set(head.id, { ...head, label: collapseLabel(g, count), count, members });
  }
  if (replaced.size === 0) return { nodes: graph.nodes, edges: graph.edges, memberOf };

  const nodes = graph.nodes.filter((n) => !dropped.has(n.id)).map((n) => replaced.get(n.id) ?? n);
  // The head's edges stand for the group's; one edge per (source, kind, target).
  const seen = new Set<string>();
  const edges = graph.edges.filter((e) => {
    if (dropped.has(e.from) || dropped.has(e.to)) return false;
    if (!replaced.has(e.from) && !replaced.has(e.to)) return true;
    const k = `${e.from}\u0000${e.kind}\u0000${e.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { nodes, edges, memberOf };
}

export interface CappedGraph extends ViewGraph {
  /** Weakly connected components in the whole (collapsed) graph. */
  components: number;
  /** Components drawn. */
  shown: number;
  /** Nodes left out. */
  hiddenNodes: number;
}

/**
 * Keeps whole components, biggest first — but every component a finding names comes
 * before the rest; the first of those and the largest always — until `budget` nodes are taken (at least `minComponents` are
 * always shown, at most `maxComponents`: ELK's time grows with their number). `include` names nodes whose component must be drawn (the selection).
 */
export function capComponents(
  graph: ViewGraph,
  findings: Finding[],
  budget: number,
  include: Iterable<string> = [],
  minComponents = 1,
  maxComponents = Infinity,
): CappedGraph {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = x;
    while (c !== r) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  for (const n of graph.nodes) parent.set(n.id, n.id);
  for (const e of graph.edges) {
    if (!parent.has(e.from) || !parent.has(e.to)) continue;
    const a = find(e.from);
    const b = find(e.to);
    if (a !== b) parent.set(a, b);
  }
  const size = new Map<string, number>();
  for (const n of graph.nodes) {
    const r = find(n.id);
    size.set(r, (size.get(r) ?? 0) + 1);
  }
  const total = graph.nodes.length;

  // Findings come most important first: rank a component by its first mention.
  const rank = new Map<string, number>();
  findings.forEach((f, i) => {
    for (const id of f.nodes ?? []) {
      if (!parent.has(id)) continue;
      const r = find(id);
      if (!rank.has(r)) rank.set(r, i);
    }
  });
  const order = [...size.keys()].sort(
    (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || size.get(b)! - size.get(a)!,
  );
  // Nodes come out component by component in this order (within one, as they came):
  // the layout places components in node order and Tab walks the nodes in it, so the
  // component a finding names first is drawn first and reached first.
  const position = new Map(order.map((r, i) => [r, i]));
  const byImportance = (nodes: GraphNode[]) => {
    const at = nodes.map((n, i) => ({ n, c: position.get(find(n.id))!, i }));
    at.sort((a, b) => a.c - b.c || a.i - b.i);
    return at.map((x) => x.n);
  };
  if (total <= budget && size.size <= maxComponents) {
    return {
      nodes: byImportance(graph.nodes),
      edges: graph.edges,
      components: size.size,
      shown: size.size,
      hiddenNodes: 0,
    };
  }
  const keep = new Set<string>();
  let taken = 0;
  // The first-ranked and the largest component are drawn whatever their size: a small
  // cycle must not push the one big pile-up out of the picture.
  const largest = [...size.keys()].reduce((a, b) => (size.get(b)! > size.get(a)! ? b : a));
  for (const r of new Set([order[0], largest])) {
    keep.add(r);
    taken += size.get(r)!;
  }
  for (const r of order) {
    if (keep.has(r)) continue;
    if (keep.size >= maxComponents) break;
    if (keep.size >= minComponents && taken + size.get(r)! > budget) continue;
    keep.add(r);
    taken += size.get(r)!;
  }
  for (const id of include) if (parent.has(id)) keep.add(find(id));
  const nodes = byImportance(graph.nodes.filter((n) => keep.has(find(n.id))));
  const ids = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  return { nodes, edges, components: size.size, shown: keep.size, hiddenNodes: total - nodes.length };
}

// Derived graphs are cached on the objects they come from rather than in component
// state: React may throw a render away half-way (a concurrent render interrupted by an
// update) and run it again, and a graph of thousands of nodes must not be folded,
// capped and laid out twice for that.
const derivedCache = new WeakMap<object, WeakMap<object, Map<string, unknown>>>();

/** compute() once per (a, b, key) while a and b live. */
export function derivedOf<T>(a: object, b: object, key: string, compute: () => T): T {
  let byB = derivedCache.get(a);
  if (!byB) derivedCache.set(a, (byB = new WeakMap()));
  let byKey = byB.get(b);
  if (!byKey) byB.set(b, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, compute());
  return byKey.get(key) as T;
}
