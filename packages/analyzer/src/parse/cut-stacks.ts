// A reply written inside a quoted trace cuts it in two: the task's header and the top of
// its stack, the reply's prose, then the rest of the frames, with no header of their own
// (often at another quote depth):
//
//   >   wait_for_completion+0x2bf/0x5d0 kernel/sched/completion.c:153
//   >   kthread_flush_worker+0x1c6/0x240 kernel/kthread.c:1563
//
//   This is flushing pwq_release_worker during error handling, …
//
//   >   __alloc_workqueue+0x146b/0x1b70 kernel/workqueue.c:5763
//   >   …
//   >   entry_SYSCALL_64_after_hwframe+0x77/0x7f
//
// The second part is read as a stack of no task. It is the rest of the task printed just
// before it when that task's trace stopped short of a stack's outermost frame, the part
// goes on to one, and it does not start at a stack's top (or at an exception entry, the
// interrupted context below a register dump, which the trace parsers place) itself: its
// frames are joined to that task.

import type { Records, TaskRecord } from './records.js';
import { EXCEPTION_ENTRY_FRAMES, STACK_BOTTOM_FRAMES, STACK_TOP_FRAMES } from '../knowledge/stack-ends.js';

export function joinCutStacks(records: Records): void {
  const tasks = records.tasks;
  const marks = records.captureMarks;
  let mark = 0;
  let kept = 0;
  let prev: TaskRecord | null = null;
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k];
    if (prev && isRestOf(t, prev)) {
      // No capture marker between them: each capture is read on its own.
      while (mark < marks.length && marks[mark].line < prev.span.endLine) mark++;
      if (mark >= marks.length || marks[mark].line > t.span.line) {
        join(records, prev, t);
        continue;
      }
    }
    tasks[kept++] = t;
    prev = t;
  }
  tasks.length = kept;
}

/** Is `t` (a stack of no task) the rest of `prev`'s cut trace? */
function isRestOf(t: TaskRecord, prev: TaskRecord): boolean {
  if (t.format !== 'stack' || t.pid !== null || t.comm !== null || t.taskAddr !== null) return false;
  if (prev.frames.length < 2 || t.frames.length < 2 || t.span.line <= prev.span.endLine) return false;
  const last = prev.frames[prev.frames.length - 1];
  if (STACK_BOTTOM_FRAMES.test(last.fn) || prev.frames.some((f) => STACK_BOTTOM_FRAMES.test(f.fn))) return false;
  if (STACK_TOP_FRAMES.test(t.frames[0].fn) || EXCEPTION_ENTRY_FRAMES.test(t.frames[0].fn)) return false;
  return STACK_BOTTOM_FRAMES.test(t.frames[t.frames.length - 1].fn);
}

function join(records: Records, into: TaskRecord, rest: TaskRecord): void {
  into.frames = records.frames.stack([...into.frames, ...rest.frames]);
  into.frameLines = [...(into.frameLines ?? []), ...(rest.frameLines ?? [])];
  into.evidence = [...(into.evidence ?? []), rest.span];
}
