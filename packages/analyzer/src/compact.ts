// The compact form of an analysis document, for storage and transfer.
//
// Most tasks of a big dump share a handful of stacks (thousands of idle kworkers, a
// thread pool parked in the same futex wait): written out per task, the frames make the
// document larger than the dump itself. The compact form lists each distinct stack once
// in `stacks` and gives every task the index of its stack instead of its frames. Per-task
// data (source lines of the frames, registers, evidence) stays on the task.
//
// The analyzer already shares one frames array between tasks whose stacks are identical,
// so compaction is mostly an identity lookup; arrays that are equal but not identical
// (documents from JSON, older analyzer versions) are found by their content.

import type { AnalysisDocument, Frame, Task } from './contract.js';

/** A task of the compact form: `frames` replaced by an index into `stacks`. */
export type CompactTask = Omit<Task, 'frames'> & { stack: number };

export type CompactAnalysis = Omit<AnalysisDocument, 'tasks'> & {
  /** Marks the compact form (a full document has no `stacks`). */
  compact: 1;
  /** Each distinct frame list once, innermost frame first. */
  stacks: Frame[][];
  tasks: CompactTask[];
};

export function isCompact(doc: AnalysisDocument | CompactAnalysis): doc is CompactAnalysis {
  return (doc as CompactAnalysis).compact === 1 && Array.isArray((doc as CompactAnalysis).stacks);
}

/** The content of a frame list, as a key: two lists with the same key print the same. */
export function stackKey(frames: readonly Frame[]): string {
  let k = '';
  for (const f of frames) {
    // Source lines are per task (`Task.frameLines`); documents of analyzer 0.1 carried
    // them on the frames, and then they are part of the key (nothing is shared).
    k += `${f.reliable ? '' : '?'}${f.fn}+${f.offset ?? ''}/${f.size ?? ''}[${f.module ?? ''}]@${f.addr ?? ''}:${f.context ?? ''}${(f as { isIp?: boolean }).isIp ? '!' : ''}#${f.line ?? ''}\n`;
  }
  return k;
}

/**
 * The distinct stacks of a document in first-seen order, and each one's index: found by
 * array identity (the analyzer shares one array per distinct stack), else by content.
 * The compact form's `stacks` (here, in the server's compact JSON writer and in the
 * incident page's view).
 */
export class StackTable {
  readonly stacks: Frame[][] = [];
  private readonly byArray = new Map<readonly Frame[], number>();
  private readonly byKey = new Map<string, number>();

  /** The index of `frames`; `shared` false for an array made for this one call (not
   *  worth remembering by identity). */
  indexOf(frames: Frame[], shared = true): number {
    let at = shared ? this.byArray.get(frames) : undefined;
    if (at === undefined) {
      const key = stackKey(frames);
      at = this.byKey.get(key);
      if (at === undefined) {
        at = this.stacks.length;
        this.stacks.push(frames);
        this.byKey.set(key, at);
      }
      if (shared) this.byArray.set(frames, at);
    }
    return at;
  }
}

/** Full document → compact form. A compact document is returned as it is. */
export function compactAnalysis(doc: AnalysisDocument | CompactAnalysis): CompactAnalysis {
  if (isCompact(doc)) return doc;
  const table = new StackTable();
  const tasks: CompactTask[] = new Array(doc.tasks.length);
  for (let i = 0; i < doc.tasks.length; i++) {
    const { frames, ...rest } = doc.tasks[i];
    tasks[i] = { ...rest, stack: table.indexOf(frames) };
  }
  const stacks = table.stacks;
  const { tasks: _full, ...head } = doc;
  return { ...head, compact: 1, stacks, tasks };
}

/**
 * Compact form → full document (tasks share the frames arrays of `stacks`). A full
 * document is returned as it is.
 */
export function expandAnalysis(doc: AnalysisDocument | CompactAnalysis): AnalysisDocument {
  if (!isCompact(doc)) return doc;
  const { stacks, tasks, compact: _c, ...head } = doc;
  const full: Task[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const { stack, ...rest } = tasks[i];
    full[i] = { ...rest, frames: stacks[stack] ?? [] } as Task;
  }
  return { ...head, tasks: full };
}
