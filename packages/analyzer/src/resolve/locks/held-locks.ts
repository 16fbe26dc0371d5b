// Step 3 (held locks) of lock resolution: lockdep's "N locks held by" lists.
//
// lockdep records a lock in held_locks before the task blocks on it (lock_acquire runs
// first), so for a task blocked on a lock the last entry taken at its own blocking call
// site is the lock it waits for, not one it holds. Every other entry is held: certain,
// lockdep says so.
//
// A held lock is drawn (a lock node, `held_by` its holder) when the dump is about its
// holder — a lockdep report's task, a task the dump shows blocked or a report names
// (the hung task) — or when the lists are short enough to read whole: lockdep's list of
// an unrelated task holding a mutex the hung tasks queue behind is often the answer
// (debug_show_all_locks in a hung-task report). A `Showing all locks held` list of
// thousands of tasks, or a list of 100,000 locks, would bury the waits in lock nodes
// nobody waits on: there only the locks something else asks for are drawn. Those entries
// are set aside by the lock's key and applied when the lock is asked for (a waiter, a
// lookup by address or name: LockTable.byAddr, lockNamed, ensure); the result is the same
// as applying every entry here, in text order.

import type { TaskWait } from '../../waits/find.js';
import type { ModelTask } from '../../model/build.js';
import type { HeldLockRecord, LockFactRecord, TaskRef } from '../../parse/records.js';
import { MAX_LOCK_DEPTH } from '../../knowledge/lockdep.js';
import { HELD_BASE, type LockTable } from './table.js';

export function fromHeldLocks(table: LockTable, waits: Map<string, TaskWait>): void {
  const held = table.held;
  // A lockdep report prints its task's held locks before the lock it is trying to take is
  // added (__lock_acquire checks first), so none of a reporter's entries is pending.
  const reporters = lockdepReporters(table.model.records.lockFacts, (ref) => table.taskOf(ref));
  const holderOf: (ModelTask | undefined)[] = new Array(held.length);
  const lastIndex = new Map<string, number>();
  for (let k = 0; k < held.length; k++) {
    const h = held[k];
    const holder = (holderOf[k] = table.taskOf(h.holder));
    // Only a task blocked on a lock can have a pending (last) entry: one whose stack
    // shows the lock wait, or one a report says is blocked on a lock (the hung-task
    // detector's `blocked on a mutex likely owned by`, a waiter struct).
    if (
      holder &&
      (waits.get(holder.id)?.rule.kind === 'lock' || table.waiting.has(holder.id)) &&
      !reporters.has(holder.id)
    )
      lastIndex.set(holder.id, Math.max(lastIndex.get(holder.id) ?? -1, h.index));
  }
  const pendingEntry = pendingEntries(held, holderOf, waits, lastIndex);
  const drawn = heldDrawn(table, waits, reporters, holderOf);
  table.applyHeld = (l, k) => {
    const h = held[k];
    const holder = holderOf[k]!;
    // (lockdep's list states it: a hint's `likely` owner becomes certain.)
    if (!l.owner || l.owner.task === holder.id)
      table.setOwner(
        l,
        holder.id,
        'certain',
        `lockdep: held by ${holder.comm ?? ''}/${holder.pid}${h.at ? ` (taken at ${h.at})` : ''}`,
        [h.span],
      );
    else if (l.owner.task !== holder.id)
      l.coOwners.push({
        task: holder.id,
        why: () => `lockdep: also held by ${holder.comm ?? ''}/${holder.pid} (shared)`,
        evidence: [h.span],
      });
  };
  for (let k = 0; k < held.length; k++) {
    const h = held[k];
    if (!h.addr && !h.name) continue;
    // A lock first made at this entry takes this entry's place in the output.
    table.seq = HELD_BASE + k;
    const holder = holderOf[k];
    if (!holder) continue;
    const w = waits.get(holder.id);
    const pending = pendingEntry[k];
    // A task a report says is blocked on a lock, with no stack at the lock wait to tie
    // the entry to: its last entry may be the lock it is acquiring, so it is not taken
    // as held.
    if (!pending && w?.rule.kind !== 'lock' && h.index === lastIndex.get(holder.id)) continue;
    if (pending) {
      const l = table.ensure(h.addr, h.name, w!.rule.lockType ?? 'other', [h.span]);
      table.addWaiter(
        l,
        holder.id,
        'likely',
        `lockdep lists it last, taken at ${h.at}, where the task is blocked: it is the lock being acquired`,
        [h.span],
      );
      continue;
    }
    const l = table.existing(h.addr, h.name);
    if (l || drawn(k)) {
      const lock = table.ensure(h.addr, h.name, 'other', [h.span]);
      table.applyHeld(lock, k);
      if (!l) lock.reported = true;
      continue;
    }
    table.deferred.defer(k);
  }
  table.seq = HELD_BASE + held.length;
}

/**
 * Which held entries are the lock their task is still acquiring: the task's last entry,
 * taken at its own blocking call site. A symbolized report (syzbot) prints one entry on
 * several lines, one per inlined caller of the acquiring call, each with the entry's
 * number and lock:
 *
 *    #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: mmap_read_lock include/linux/mmap_lock.h:117 [inline]
 *    #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: do_user_addr_fault arch/x86/mm/fault.c:1358 [inline]
 *    #0: ffff88807d1df698 (&mm->mmap_lock){++++}-{3:3}, at: exc_page_fault+0x558/0x8a0 arch/x86/mm/fault.c:1554
 *
 * so the lines of one entry (same holder, number and lock, in a row) are pending together
 * when any of them names the blocking site: otherwise the outer lines would make the
 * waiter the lock's holder, a self-deadlock that is not there.
 */
function pendingEntries(
  held: readonly HeldLockRecord[],
  holderOf: readonly (ModelTask | undefined)[],
  waits: Map<string, TaskWait>,
  lastIndex: Map<string, number>,
): boolean[] {
  const out: boolean[] = new Array(held.length).fill(false);
  let start = 0;
  for (let k = 0; k <= held.length; k++) {
    const h = held[k];
    const prev = held[k - 1];
    const sameEntry =
      h !== undefined &&
      prev !== undefined &&
      holderOf[k] !== undefined &&
      holderOf[k] === holderOf[k - 1] &&
      h.index === prev.index &&
      h.addr === prev.addr &&
      h.name === prev.name;
    if (k > 0 && !sameEntry) {
      // Close the entry [start, k).
      let pending = false;
      for (let j = start; j < k && !pending; j++) pending = atBlockingSite(held[j], holderOf[j], waits, lastIndex);
      if (pending) out.fill(true, start, k);
      start = k;
    }
  }
  return out;
}

function atBlockingSite(
  h: HeldLockRecord,
  holder: ModelTask | undefined,
  waits: Map<string, TaskWait>,
  lastIndex: Map<string, number>,
): boolean {
  if (!holder || !h.at) return false;
  const w = waits.get(holder.id);
  if (w?.rule.kind !== 'lock' || h.index !== lastIndex.get(holder.id)) return false;
  const site = h.at.replace(/\+0x.*$/, '');
  return w.culprit?.fn === site || w.frame.fn === site;
}

/**
 * Which held entries are drawn though nothing else asks for their lock: every entry of a
 * holder the dump is about (up to MAX_LOCK_DEPTH each, all lockdep keeps), and the
 * other holders' entries when there are at most MAX_LOCK_DEPTH of them in all — as many
 * as one task can hold, a list a reader takes in at a glance.
 */
function heldDrawn(
  table: LockTable,
  waits: Map<string, TaskWait>,
  reporters: Set<string>,
  holderOf: readonly (ModelTask | undefined)[],
): (k: number) => boolean {
  const about = new Set(reporters);
  for (const id of waits.keys()) about.add(id);
  for (const r of table.model.records.reports) {
    const t = table.taskOf(r.task);
    if (t) about.add(t.id);
  }
  let others = 0;
  for (const t of holderOf) if (t && !about.has(t.id)) others++;
  const othersDrawn = others <= MAX_LOCK_DEPTH;
  const count = new Map<string, number>();
  return (k) => {
    const t = holderOf[k];
    if (!t) return false;
    if (!about.has(t.id)) return othersDrawn;
    const n = (count.get(t.id) ?? 0) + 1;
    count.set(t.id, n);
    return n <= MAX_LOCK_DEPTH;
  };
}

/** Tasks a lockdep report names as taking or holding a lock (`comm/pid is trying to
 *  acquire`, `… just changed the state of lock`, `… takes:`, the held lock of a report). */
function lockdepReporters(
  facts: readonly LockFactRecord[],
  taskOf: (ref: TaskRef) => ModelTask | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const f of facts) {
    if (f.format !== 'lockdep') continue;
    for (const w of f.waiters ?? []) {
      const t = taskOf(w);
      if (t) out.add(t.id);
    }
    const o = f.owner ? taskOf(f.owner) : undefined;
    if (o) out.add(o.id);
  }
  return out;
}
