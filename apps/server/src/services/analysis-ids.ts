import type { AnalysisDocument } from '@hangscope/analyzer';

/**
 * Ids an annotation may target: every graph node, the tasks folded into a collapsed
 * node, and the tasks, CPUs, locks and works the analysis lists.
 */
export function annotatableIds(doc: AnalysisDocument | null): Set<string> {
  const ids = new Set<string>();
  if (!doc) return ids;
  for (const node of doc.graph?.nodes ?? []) {
    ids.add(node.id);
    for (const member of node.members ?? []) ids.add(member);
  }
  for (const list of [doc.tasks, doc.cpus, doc.locks, doc.works]) for (const item of list ?? []) ids.add(item.id);
  return ids;
}
