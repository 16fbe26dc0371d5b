// Step 3 (held locks) of lock resolution: lockdep's "N locks held by" lists.
//
// lockdep records a lock in held_locks before the task blocks on it (lock_acquire runs
// first), so for a task blocked on a lock the last entry taken at its own blocking call
// site is the lock it waits for, not one it holds. Every other entry is held: certain,
// lockdep says so.
//
// A list of 100,000 held locks names tens of thousands of locks nobody waits on, and
// only locks with a waiter are drawn. So an entry for a lock that has no object yet is
// set aside by the lock's key and applied when the lock is asked for (a waiter, a lookup
// by address or name: LockTable.byAddr, lockNamed, ensure); the result is the same as
// applying every entry here, in text order.

import type { TaskWait } from '../../waits/find.js';
import type { ModelTask } from '../../model/build.js';
import type { LockFactRecord, TaskRef } from '../../parse/records.js';
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
    // Only a task blocked on a lock can have a pending (last) entry.
    if (holder && waits.get(holder.id)?.rule.kind === 'lock' && !reporters.has(holder.id))
      lastIndex.set(holder.id, Math.max(lastIndex.get(holder.id) ?? -1, h.index));
  }
  table.applyHeld = (l, k) => {
    const h = held[k];
    const holder = holderOf[k]!;
    if (!l.owner)
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
    const site = w?.rule.kind === 'lock' && h.at ? h.at.replace(/\+0x.*$/, '') : null;
    const pending =
      w?.rule.kind === 'lock' &&
      site !== null &&
      h.index === lastIndex.get(holder.id) &&
      (w.culprit?.fn === site || w.frame.fn === site);
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
    if (l) {
      table.ensure(h.addr, h.name, 'other', [h.span]);
      table.applyHeld(l, k);
      continue;
    }
    table.deferred.defer(k);
  }
  table.seq = HELD_BASE + held.length;
}

/** Tasks a lockdep report names as trying to acquire a lock (`comm/pid is trying to acquire`). */
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
  }
  return out;
}
