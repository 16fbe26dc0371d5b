// Looking things up in an analysis document by node id: the entity behind a node and
// the evidence lines that support it.
import type { AnalysisDocument, Cpu, GraphNode, Lock, Span, Task, Work } from '@hangscope/analyzer';

export type Entity =
  | { type: 'task'; task: Task }
  | { type: 'lock'; lock: Lock }
  | { type: 'cpu'; cpu: Cpu }
  | { type: 'work'; work: Work }
  | { type: 'none' };

export function findNode(doc: AnalysisDocument, id: string): GraphNode | undefined {
  return doc.graph.nodes.find((n) => n.id === id);
}

export function findEntity(doc: AnalysisDocument, id: string): Entity {
  const task = doc.tasks?.find((t) => t.id === id);
  if (task) return { type: 'task', task };
  const lock = doc.locks?.find((l) => l.id === id);
  if (lock) return { type: 'lock', lock };
  const cpu = doc.cpus?.find((c) => c.id === id);
  if (cpu) return { type: 'cpu', cpu };
  const work = doc.works?.find((w) => w.id === id);
  if (work) return { type: 'work', work };
  // A collapsed node stands for its members: show the first one's details.
  const node = findNode(doc, id);
  const first = node?.members?.[0];
  if (first && first !== id) return findEntity(doc, first);
  return { type: 'none' };
}

export function evidenceOf(doc: AnalysisDocument, id: string): Span[] {
  const node = findNode(doc, id);
  if (node?.evidence?.length) return node.evidence;
  const e = findEntity(doc, id);
  switch (e.type) {
    case 'task':
      return e.task.evidence ?? [];
    case 'lock':
      return e.lock.evidence ?? [];
    case 'cpu':
      return e.cpu.evidence ?? [];
    case 'work':
      return e.work.evidence ?? [];
    default:
      return [];
  }
}

/** The graph node that shows a task: itself, or the collapsed node it was folded into. */
export function nodeForTask(doc: AnalysisDocument, taskId: string): string | null {
  for (const n of doc.graph.nodes) {
    if (n.id === taskId || n.members?.includes(taskId)) return n.id;
  }
  return null;
}

export function labelOf(doc: AnalysisDocument, id: string): string {
  return findNode(doc, id)?.label ?? id;
}
