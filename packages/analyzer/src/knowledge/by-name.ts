// What the knowledge tables say of one function name, as the stages ask it.
//
// The tables are constant, but a run asks about the same few hundred names again and
// again (every frame of every distinct stack): the run's frame table keeps each name's
// answers beside its frames (parse/frame-table.ts), so they are asked once per name and
// dropped with the run. `UNCACHED` asks the tables afresh, for callers that ask a few
// times and for tests.

import { symbolName } from './symbol.js';
import { EXCEPTION_ENTRIES } from './exception-entries.js';
import { frameHeldLocks, type FrameHeldLock } from './frame-held-locks.js';
import { lockTakenBy, type LockWrapper } from './lock-wrappers.js';
import { reportFrameOf, type ReportFrame } from './report-frames.js';
import { isGenericFrame, matchWaitRule, type WaitRule } from './waits.js';

/** A function name, or a frame of it (the frame table answers a frame of its own without
 *  looking its name up). */
export type Named = string | { readonly fn: string };

export interface FnKnowledge {
  /** GENERIC_FRAMES: plumbing, not what the task was doing (knowledge/waits.ts). */
  isGeneric(fn: Named): boolean;
  /** The wait a frame of this function means (WAIT_RULES), or null. */
  waitRule(fn: Named): WaitRule | null;
  /** The locks the function holds while it calls inward (FRAME_HELD_LOCKS). */
  heldLocks(fn: Named): readonly FrameHeldLock[];
  /** The well-known lock the function takes (LOCK_WRAPPERS, LOCK_TAKERS). */
  lockTaken(fn: Named): LockWrapper | undefined;
  /** The report a watchdog's frame of this function stands for (REPORT_FRAMES). */
  reportFrame(fn: Named): ReportFrame | undefined;
  /** An interrupt's entry code that traces without markers show (EXCEPTION_ENTRIES). */
  isExceptionEntry(fn: Named): boolean;
}

const nameOf = (f: Named): string => symbolName(typeof f === 'string' ? f : f.fn);

export const UNCACHED: FnKnowledge = Object.freeze({
  isGeneric: (f: Named) => isGenericFrame(nameOf(f)),
  waitRule: (f: Named) => matchWaitRule(nameOf(f)),
  heldLocks: (f: Named) => frameHeldLocks(nameOf(f)),
  lockTaken: (f: Named) => lockTakenBy(nameOf(f)),
  reportFrame: (f: Named) => reportFrameOf(nameOf(f)),
  isExceptionEntry: (f: Named) => EXCEPTION_ENTRIES.test(nameOf(f)),
});
