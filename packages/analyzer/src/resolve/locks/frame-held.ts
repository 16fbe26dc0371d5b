// Which well-known locks a task holds by the frames of its own stack
// (knowledge/frame-held-locks.ts): a frame of such a function holds its lock unless it is
// still acquiring it — what it called (the next reliable frame inward) is a lock
// primitive, a wrapper or taker of that lock, or a frame that is itself acquiring it
// (do_page_fault → __do_page_fault → down_read: neither holds the mmap_lock yet).

import type { FnKnowledge } from '../../knowledge/by-name.js';
import type { FrameHeldLock } from '../../knowledge/frame-held-locks.js';
import type { StackFrame } from '../../parse/records.js';

export interface FrameHold {
  row: FrameHeldLock;
  /** Index of the holding frame in the task's frame list (innermost first). */
  index: number;
}

/**
 * The locks held by a stack's frames, innermost holding frame first, one per lock class.
 * Interrupt and NMI frames are not the task's own context and are skipped; so are
 * unreliable (`?`) frames, which may be stale words on the stack.
 */
export function locksHeldByFrames(frames: readonly StackFrame[], known: FnKnowledge): FrameHold[] {
  const out: FrameHold[] = [];
  // What the previous reliable frame inward was acquiring: every lock (a lock primitive)
  // or the classes named here.
  let calleeAcquiresAny = false;
  let calleeAcquires: Set<string> | null = null;
  let callee: string | null = null;
  let first = true;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (f.context === 'irq' || f.context === 'nmi' || !f.reliable) continue;
    const primitive = known.waitRule(f)?.kind === 'lock';
    let acquires: Set<string> | null = null;
    const taken = known.lockTaken(f);
    // A sleeping stack that begins at a lock's taker (/proc/PID/stack leaves the lock's
    // slow path out) is acquiring that lock, not holding it.
    let sleepsTaking: Set<string> | null = null;
    if (first && taken && !f.isIp && !known.waitRule(f))
      for (const t of taken.also ? [taken, ...taken.also] : [taken]) (sleepsTaking ??= new Set()).add(t.name);
    first = false;
    if (taken)
      for (const t of taken.also ? [taken, ...taken.also] : [taken])
        if (calleeAcquiresAny || calleeAcquires?.has(t.name)) (acquires ??= new Set()).add(t.name);
    for (const row of known.heldLocks(f)) {
      if (calleeAcquiresAny || calleeAcquires?.has(row.lock) || sleepsTaking?.has(row.lock))
        (acquires ??= new Set()).add(row.lock);
      else if (callee !== null && row.notWhenCalling?.test(callee)) continue;
      else if (!out.some((h) => h.row.lock === row.lock)) out.push({ row, index: k });
    }
    calleeAcquiresAny = primitive;
    calleeAcquires = acquires;
    callee = f.fn;
  }
  return out;
}
