// Step 3 of lock resolution: the lock facts reports print — lockdep's "is trying to
// acquire … held by", a debug spinlock's .owner, the hung-task "blocked on a mutex likely
// owned by" hint.

import type { TaskWait } from '../../waits/find.js';
import { TYPE_WORD, type LockTable } from './table.js';

export function fromLockReports(table: LockTable, waits: Map<string, TaskWait>): void {
  for (const f of table.model.records.lockFacts) {
    let name = f.name ?? null;
    if (!f.addr && !name) {
      // The kernel's "blocked on a mutex likely owned by" hint gives no address: the lock
      // is the one the blocked task waits for at its own call site.
      const w = (f.waiters ?? [])
        .map((x) => table.taskOf(x))
        .map((x) => (x ? waits.get(x.id) : undefined))
        .find((x) => x);
      name = `${TYPE_WORD[f.type ?? 'other']}@${w ? (w.culprit?.fn ?? w.frame.fn) : 'unknown'}`;
    }
    const l = table.ensure(f.addr ?? null, name, f.type ?? 'other', [f.span]);
    const owner = table.taskOf(f.owner);
    // A lockdep report's lock with an owner and no waiter is the held half of the report.
    if (f.format === 'lockdep' && owner && !f.waiters?.length) l.reported = true;
    // lockdep's list and a debug spinlock's own .owner field state the owner; the hung-task hint only guesses it.
    const stated = f.format === 'lockdep' || f.format === 'spinlock_debug';
    if (owner)
      table.setOwner(
        l,
        owner.id,
        stated ? 'certain' : 'likely',
        `${f.format === 'lockdep' ? 'lockdep lists it as held by' : f.format === 'spinlock_debug' ? "the spinlock's .owner field names" : 'the kernel reports it likely owned by'} ${owner.comm ?? ''} (${owner.pid})`,
        [f.span],
      );
    for (const wref of f.waiters ?? []) {
      const w = table.taskOf(wref);
      if (w)
        table.addWaiter(
          l,
          w.id,
          'certain',
          f.format === 'lockdep' ? 'lockdep: it is trying to acquire it' : 'the report says this task is blocked on it',
          [f.span],
        );
    }
  }
}
