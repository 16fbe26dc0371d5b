// Step 3 of lock resolution: the lock facts reports print — lockdep's "is trying to
// acquire … held by", a debug spinlock's .owner, the hung-task "blocked on a mutex likely
// owned by" hint.

import type { Span } from '../../contract.js';
import type { HeldLockRecord } from '../../parse/records.js';
import type { TaskWait } from '../../waits/find.js';
import { TYPE_WORD, type LockTable } from './table.js';

const OWNER_SAYS: Record<string, string> = {
  lockdep: 'lockdep lists it as held by',
  spinlock_debug: "the spinlock's .owner field names",
  crash_lock_summary: "a crash extension's summary of the lock reads its owner word as",
};

export function fromLockReports(table: LockTable, waits: Map<string, TaskWait>): void {
  let heldBy: Map<string, HeldLockRecord[]> | undefined;
  for (const f of table.model.records.lockFacts) {
    let name = f.name ?? null;
    let addr = f.addr ?? null;
    const owner = table.taskOf(f.owner);
    // Why the waiters wait on the lock lockdep names, when it is lockdep that names it.
    let named: { why: string; evidence: Span[] } | null = null;
    if (!addr && !name) {
      // The kernel's "blocked on a mutex likely owned by" hint gives no address: the lock
      // is the one the blocked task waits for at its own call site.
      const w = (f.waiters ?? [])
        .map((x) => table.taskOf(x))
        .map((x) => (x ? waits.get(x.id) : undefined))
        .find((x) => x);
      const site = w ? (w.culprit?.fn ?? w.frame.fn) : null;
      heldBy ??= heldByTask(table);
      const h = w && site ? lockdepEntryOf(heldBy, w.task.id, owner?.id ?? null, site) : null;
      if (h) {
        // lockdep's lists print that lock's address: the same lock, one node.
        addr = h.entry.addr;
        name = h.entry.name;
        named = { why: h.why, evidence: [h.entry.span] };
      } else name = `${TYPE_WORD[f.type ?? 'other']}@${site ?? 'unknown'}`;
    }
    const l = table.ensure(addr, name, f.type ?? 'other', [f.span]);
    // A lockdep report's lock with an owner and no waiter is the held half of the report.
    if (f.format === 'lockdep' && owner && !f.waiters?.length) l.reported = true;
    // lockdep's list, a debug spinlock's own .owner field and a crash extension's reading
    // of the owner word state the owner; the hung-task hint only guesses it.
    const stated = f.format === 'lockdep' || f.format === 'spinlock_debug' || f.format === 'crash_lock_summary';
    if (owner)
      table.setOwner(
        l,
        owner.id,
        stated ? 'certain' : 'likely',
        `${OWNER_SAYS[f.format] ?? 'the kernel reports it likely owned by'} ${owner.comm ?? ''} (${owner.pid})`,
        [f.span],
      );
    for (const wref of f.waiters ?? []) {
      const w = table.taskOf(wref);
      if (w)
        table.addWaiter(
          l,
          w.id,
          named ? 'likely' : 'certain',
          f.format === 'lockdep'
            ? 'lockdep: it is trying to acquire it'
            : f.format === 'crash_lock_summary'
              ? "the crash extension's summary lists it on the lock's wait list"
              : `the report says this task is blocked on it${named ? `; ${named.why}` : ''}`,
          named ? [f.span, ...named.evidence] : [f.span],
        );
    }
  }
}

/** lockdep's held-lock entries by holder (made once, when a hint asks). */
function heldByTask(table: LockTable): Map<string, HeldLockRecord[]> {
  const out = new Map<string, HeldLockRecord[]>();
  for (const h of table.held) {
    const t = table.taskOf(h.holder);
    if (!t || !h.addr) continue;
    let list = out.get(t.id);
    if (!list) out.set(t.id, (list = []));
    list.push(h);
  }
  return out;
}

/**
 * The lockdep entry of the lock a hung-task hint's waiter is blocked on: lockdep adds a
 * lock to the task's held list before it waits for it (lock_acquire first), so the
 * waiter's list ends with it, taken at the function it blocks in; failing that, the
 * waiter's last entry when the named owner's list holds the same address too.
 */
function lockdepEntryOf(
  heldBy: Map<string, HeldLockRecord[]>,
  waiter: string,
  owner: string | null,
  site: string,
): { entry: HeldLockRecord; why: string } | null {
  const own = heldBy.get(waiter);
  if (!own?.length) return null;
  const last = own.reduce((a, b) => (b.index > a.index ? b : a));
  const atSite = own.filter((h) => h.index === last.index && h.at?.replace(/\+0x.*$/, '') === site);
  if (atSite.length > 0)
    return {
      entry: atSite[atSite.length - 1],
      why: `lockdep lists ${last.addr}${last.name ? ` (${last.name})` : ''} last among its locks, taken at ${site}, where it blocks: the lock being acquired`,
    };
  if (owner && heldBy.get(owner)?.some((h) => h.addr === last.addr))
    return {
      entry: last,
      why: `lockdep lists ${last.addr}${last.name ? ` (${last.name})` : ''} last among its locks (the lock being acquired) and among the locks of the task the report names as owner`,
    };
  return null;
}
