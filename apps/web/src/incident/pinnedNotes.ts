// Notes pinned to a node or a line range, as markers: the graph marks the node, the raw
// dump marks the lines, each with how many notes are there.
import type { Annotation } from '../api/types';
import type { LineRange } from './urlState';

export interface PinnedNotes {
  byNode: Map<string, number>;
  lines: LineRange[];
}

export function pinnedNotes(notes: readonly Annotation[]): PinnedNotes {
  const byNode = new Map<string, number>();
  const lines: LineRange[] = [];
  for (const n of notes) {
    if (n.target) byNode.set(n.target, (byNode.get(n.target) ?? 0) + 1);
    if (n.lines) lines.push({ from: Math.min(n.lines[0], n.lines[1]), to: Math.max(n.lines[0], n.lines[1]) });
  }
  return { byNode, lines };
}
