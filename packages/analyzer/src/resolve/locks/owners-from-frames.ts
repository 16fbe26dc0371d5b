// Step 4c of lock resolution: locks held by a task's own frames
// (knowledge/frame-held-locks.ts): rtnetlink_rcv_msg runs its handler under rtnl,
// pci_walk_bus holds pci_bus_sem for read, a page fault holds its mm's mmap_lock for read
// (before 6.4's per-VMA locks). The dump does not state these owners: `likely` for a lock
// of which there is one (rtnl_mutex) or the one of the task's own mm, a `guess` for one
// lock of a per-object class.

import type { Confidence } from '../../contract.js';
import type { TaskWait } from '../../waits/find.js';
import { FRAME_HELD_CLASSES } from '../../knowledge/frame-held-locks.js';
import type { ModelTask } from '../../model/build.js';
import type { StackFrame } from '../../parse/records.js';
import { locksHeldByFrames, type FrameHold } from './frame-held.js';
import type { LockInfo, LockTable } from './table.js';
import { kernelAtLeast, rowApplies } from './row-applies.js';
import { mmKey, type FrameWaits } from './waiters-from-frames.js';

/** A task whose frames hold a lock that somebody waits for. */
interface FrameHolder {
  task: ModelTask;
  hold: FrameHold;
  line: number;
  confidence: Confidence;
  weakNote: string | null;
}

/**
 * Owners of waited-for locks from the holders' own frames. One pass over the tasks;
 * each distinct stack is read once (stacks are interned), so a foreach bt of 17,000
 * tasks costs one frame walk per distinct stack. Returns the tasks each lock was linked
 * to by their frames (the dump does not state these links).
 */
export function ownersFromFrames(
  table: LockTable,
  waits: Map<string, TaskWait>,
  scope: FrameWaits,
): Map<LockInfo, string[]> {
  const { model } = table;
  const owned = new Map<LockInfo, string[]>();
  const globals = new Map<string, LockInfo>();
  for (const name of FRAME_HELD_CLASSES) {
    const l = table.namedNow(name);
    if (l && l.waiters.size > 0 && l.owner?.confidence !== 'certain') globals.set(name, l);
  }
  if (globals.size === 0 && scope.mmLocks.size === 0 && scope.classWaits.size === 0) return owned;
  const memo = new Map<readonly StackFrame[], FrameHold[]>();
  // Each task has at most one hold per lock class, so a task is added to a lock once.
  const found = new Map<LockInfo, FrameHolder[]>();
  const add = (l: LockInfo, h: FrameHolder) => {
    const list = found.get(l);
    if (list) list.push(h);
    else found.set(l, [h]);
  };
  // Holders of a per-object class, matched to its waited-for locks after the pass.
  const classHolders = new Map<string, FrameHolder[]>();
  for (const t of model.tasks) {
    if (t.idle || t.frames.length === 0) continue;
    let holds = memo.get(t.frames);
    if (!holds) memo.set(t.frames, (holds = locksHeldByFrames(t.frames, model.records.frames)));
    for (const hold of holds) {
      const row = hold.row;
      if (!rowApplies(row, model.kernel)) continue;
      const weak =
        row.weakFrom && kernelAtLeast(model.kernel, row.weakFrom.version[0], row.weakFrom.version[1])
          ? row.weakFrom.note
          : null;
      const line = t.frameLines[hold.index] ?? 0;
      if (row.lock === 'mmap_lock') {
        const mm = mmKey(t);
        const l = scope.mmLocks.get(mm.id);
        if (l) add(l, { task: t, hold, line, confidence: mm.sure && !weak ? 'likely' : 'guess', weakNote: weak });
      } else if (row.perObject) {
        if (!scope.classWaits.has(row.lock)) continue;
        let list = classHolders.get(row.lock);
        if (!list) classHolders.set(row.lock, (list = []));
        list.push({ task: t, hold, line, confidence: 'guess', weakNote: weak });
      } else {
        const l = globals.get(row.lock);
        if (l) add(l, { task: t, hold, line, confidence: weak ? 'guess' : 'likely', weakNote: weak });
      }
    }
  }
  // One lock of a class of many (some device's mutex): only a lone holder, other than
  // its waiters, is named. More holders than the lock has waiters + 1 leave two or more.
  classHolders.forEach((holders, cls) => {
    for (const l of scope.classWaits.get(cls)!) {
      // A class the kernel never nests: a waiter whose own outer frame holds one waits for
      // that one (mwifiex's rmmod unregistering under the wiphy mutex, whose netdev
      // notifier takes it again).
      // A class it nests, taken in an interrupt on top of a holder's frames (a runqueue
      // lock): the lock the interrupted code holds, perhaps (the lock is named per task
      // then, waiters-from-frames.ts).
      const self =
        holders.find((h) => h.hold.row.unnested && l.waiters.has(h.task.id)) ??
        holders.find((h) => h.hold.row.selfGuess && l.waiters.has(h.task.id) && l.name?.includes('#'));
      if (self) {
        // A spinlock the same stack takes again (knowledge/spin-lock-sites.ts): the CPU
        // spins on the one its own frame holds — `likely`, the dump shows both frames.
        const spun = self.hold.row.unnested && self.hold.row.type === 'spinlock' && !self.weakNote;
        add(l, spun ? { ...self, confidence: 'likely' } : self);
        continue;
      }
      if (holders.length > l.waiters.size + 1) continue;
      const lone = holders.filter((h) => !l.waiters.has(h.task.id));
      if (lone.length === 1) add(l, lone[0]);
      // Two or three candidates that hold it in the very function the waiters take it in
      // (syncs in sync_inodes_sb: the same path, most likely the same filesystem's
      // s_sync_lock): each is a guess, none the owner. Holders on other paths (probes of
      // other devices) are more often holding another object of the class: none named.
      else if (lone.length <= 3 && lone.every((h) => sameSite(l, h)))
        for (const h of lone)
          l.guesses.push({
            task: h.task.id,
            why: `one of ${lone.length} tasks whose stack shows ${frameHoldWhy(h, waits)}`,
            evidence: [{ line: h.line, endLine: h.line }],
          });
    }
  });
  found.forEach((holders, l) => {
    const shared = holders[0].hold.row.mode === 'read';
    if (!shared && holders.length > 1) {
      // An exclusive lock has one owner: several stacks claiming it leave each a guess.
      owned.set(
        l,
        holders.slice(0, 3).map((h) => h.task.id),
      );
      for (const h of holders.slice(0, 3))
        l.guesses.push({
          task: h.task.id,
          why: `one of ${holders.length} tasks whose stack shows ${frameHoldWhy(h, waits)}`,
          evidence: [{ line: h.line, endLine: h.line }],
        });
      return;
    }
    owned.set(
      l,
      holders.map((h) => h.task.id),
    );
    for (const h of holders) {
      const why = l.waiters.has(h.task.id) ? selfHoldWhy(h) : frameHoldWhy(h, waits);
      const evidence = [{ line: h.line, endLine: h.line }];
      if (!l.owner) table.setOwner(l, h.task.id, h.confidence, why, evidence);
      else if (l.owner.task !== h.task.id)
        l.coOwners.push({ task: h.task.id, why, evidence, confidence: h.confidence });
    }
  });
  return owned;
}

function heldWords(h: FrameHolder): string {
  const row = h.hold.row;
  return `the ${row.lock}${row.mode === 'read' ? ' for read' : ''}`;
}

function frameHoldWhy(h: FrameHolder, waits: Map<string, TaskWait>): string {
  const row = h.hold.row;
  const fn = h.task.frames[h.hold.index].fn;
  return `it is inside ${fn}${row.what ? ` (${row.what})` : ''}, which holds ${heldWords(h)} while it ${waits.has(h.task.id) ? 'waits' : 'runs'}${h.weakNote ? `; ${h.weakNote}` : ''}`;
}

/** How the why of a hold read off the waiter's own frames begins (findings/build.ts
 *  names the holding frame from it). */
export const SELF_HOLD_LEAD = 'its own outer frame ';

function selfHoldWhy(h: FrameHolder): string {
  const row = h.hold.row;
  const fn = h.task.frames[h.hold.index].fn;
  return `${SELF_HOLD_LEAD}${fn}${row.what ? ` (${row.what})` : ''} already holds ${heldWords(h)}: it waits for a lock it holds${h.weakNote ? `; ${h.weakNote}` : ''}`;
}

/** Does the holder hold it in the function the lock's waiters take it in? The anonymous
 *  per-site lock is named `<type>@<function>` (waiters-from-frames.ts). */
function sameSite(l: LockInfo, h: FrameHolder): boolean {
  const at = l.name?.indexOf('@') ?? -1;
  if (at < 0) return false;
  const site = l.name!.slice(at + 1);
  return h.task.frames[h.hold.index].fn.replace(/(?:\.(?:isra|constprop|part|cold|llvm)\.\d+)+$/, '') === site;
}
