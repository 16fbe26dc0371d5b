// A stable id for "the same hang": the same on another boot (no addresses, pids, CPU
// numbers, offsets or times) and different for a different hang. It describes the root
// blocker's situation — what the culprit waits in and where it was called from — not the
// victim's frame, because hung-task victims are whichever waiters the detector sampled.

import type { Analysis } from '../findings/build.js';
import type { GraphEdge, GraphNode } from '../contract.js';
import type { Model } from '../model/build.js';
import type { TaskWait } from '../graph/waits.js';
import { titleFrame } from './headline.js';

/** FNV-1a, 64-bit: small, dependency-free, stable across platforms. */
export function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  const p = 0x100000001b3n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * p) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

function normalise(s: string): string {
  return s
    .replace(/\b(?:0x)?[0-9a-f]{8,16}\b/g, 'ADDR')
    .replace(/\.(?:isra|constprop|part|cold|llvm)\.\d+/g, '')
    .replace(/\d+/g, 'N');
}

export function fingerprint(model: Model, waits: Map<string, TaskWait>, analysis: Analysis, graph: { nodes: GraphNode[]; edges: GraphEdge[] }, title: string): string {
  const nodes = graph.nodes;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const describe = (id: string): string => {
    const n = byId.get(id);
    if (!n) return '';
    if (n.type === 'task') {
      const t = model.taskById.get(id);
      const w = waits.get(id);
      if (!t) return 'task';
      return `task:${w ? `${w.rule.kind}/${w.frame.fn}/${w.culprit?.fn ?? ''}` : titleFrame(t) ?? ''}`;
    }
    if (n.type === 'lock') return `lock:${n.label.split(' ')[0]}`;
    if (n.type === 'cpu') return 'cpu';
    return id.replace(/@.*/, '');
  };
  let basis: string;
  if (analysis.cycles.length) {
    basis = 'cycle:' + analysis.cycles.map((c) => c.map(describe).sort().join('|')).sort().join('||');
  } else if (analysis.roots.length && analysis.roots[0].waiters > 0) {
    const r = analysis.roots[0].node;
    const n = byId.get(r);
    // For an external root, what the last task in the chain does is the situation.
    const via = n && n.type === 'external' ? graph.edges.find((e) => e.to === r)?.from : undefined;
    basis = `root:${describe(r)}${via ? '<' + describe(via) : ''}`;
  } else {
    basis = `title:${title.replace(/^.* in /, '')}`;
  }
  return fnv1a64(normalise(basis));
}
