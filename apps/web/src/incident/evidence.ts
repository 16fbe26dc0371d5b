// Looking things up in an analysis document by node id: the entity behind a node and
// the evidence lines that support it.
import type { AnalysisDocument, Cpu, GraphNode, Lock, Span, Task, Work } from '@hangscope/analyzer';

export type Entity =
  | { type: 'task'; task: Task }
  | { type: 'lock'; lock: Lock }
  | { type: 'cpu'; cpu: Cpu }
  | { type: 'work'; work: Work }
  | { type: 'none' };

interface Index {
  nodes: Map<string, GraphNode>;
  /** task id → the graph node that shows it (itself, or the node it was folded into). */
  taskNode: Map<string, string>;
  tasks: Map<string, Task>;
}

// Built once per document: a page of 5,000 tasks looks nodes up thousands of times.
const indexes = new WeakMap<AnalysisDocument, Index>();

function indexOf(doc: AnalysisDocument): Index {
  let ix = indexes.get(doc);
  if (ix) return ix;
  ix = { nodes: new Map(), taskNode: new Map(), tasks: new Map() };
  for (const t of doc.tasks ?? []) if (!ix.tasks.has(t.id)) ix.tasks.set(t.id, t);
  for (const n of doc.graph.nodes) {
    if (!ix.nodes.has(n.id)) ix.nodes.set(n.id, n);
    for (const m of n.members ?? []) if (!ix.taskNode.has(m)) ix.taskNode.set(m, n.id);
  }
  for (const id of ix.nodes.keys()) ix.taskNode.set(id, id);
  indexes.set(doc, ix);
  return ix;
}

export function findNode(doc: AnalysisDocument, id: string): GraphNode | undefined {
  return indexOf(doc).nodes.get(id);
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
  return indexOf(doc).taskNode.get(taskId) ?? null;
}

/** What the page calls a node: its graph label, a task's "comm (pid)", else its id. */
export function labelOf(doc: AnalysisDocument, id: string): string {
  const label = findNode(doc, id)?.label;
  if (label) return label;
  const task = indexOf(doc).tasks.get(id);
  if (task?.comm) return task.pid !== null ? `${task.comm} (${task.pid})` : task.comm;
  return id;
}

/**
 * Input line of a task's i-th frame. Analyzers from 0.2 give each task its own
 * `frameLines` (frames are shared between tasks with the same stack); documents stored
 * by older ones carry the line on the frame.
 */
export function frameLineOf(task: Pick<Task, 'frames' | 'frameLines'>, i: number): number | undefined {
  return task.frameLines?.[i] ?? task.frames[i]?.line;
}
