// Step 4a of lock resolution: an exclusive lock lockdep lists under several tasks.
//
// lockdep adds a lock to a task's held list before the task waits for it (lock_acquire
// runs first), so the lists name pending acquirers as holders too. A lock its usage bits
// show never taken for read has one holder at a time: of the tasks listing it, those
// still acquiring it wait, and when all but one are shown waiting, that one holds it.
// A task is shown waiting by its own stack (blocked at the call site of its entry: the
// held-locks step already made it a waiter), or by a stack of the dump whose frame is the
// entry's call site to the byte (`attr_data_get_block+0x4a6/0x2e40`): the return address
// of the acquiring call, so that stack has not come back from taking the lock — the
// site is one where tasks are blocked taking it. A task whose own stack blocks somewhere
// else is past its acquisition: it holds the lock.

import type { TaskWait } from '../../waits/find.js';
import type { Span } from '../../contract.js';
import type { HeldLockRecord, StackFrame } from '../../parse/records.js';
import type { LockTable } from './table.js';

export function acquirersListedAsHolders(table: LockTable, waits: Map<string, TaskWait>): void {
  // Per exclusive lock address, each lister's entry (the last line of it: an entry is
  // printed once per inlined frame, the last names the real call site).
  const byAddr = new Map<string, Map<string, HeldLockRecord>>();
  for (const h of table.held) {
    if (!h.exclusive || !h.addr) continue;
    const t = table.taskOf(h.holder);
    if (!t) continue;
    let m = byAddr.get(h.addr);
    if (!m) byAddr.set(h.addr, (m = new Map()));
    m.set(t.id, h);
  }
  let sites: Map<string, Span> | undefined;
  for (const [addr, listers] of byAddr) {
    if (listers.size < 2) continue;
    const l = table.byAddr(addr);
    if (!l) continue;
    sites ??= acquiringSites(table, listedSites(byAddr));
    const waiting: { task: string; h: HeldLockRecord; why: string; ev: Span[] }[] = [];
    const others: { task: string; h: HeldLockRecord; blocked: boolean }[] = [];
    for (const [task, h] of listers) {
      const w = l.waiters.get(task);
      const at = h.at ? sites.get(h.at) : undefined;
      if (w) waiting.push({ task, h, why: w.why, ev: w.evidence });
      else if (!waits.has(task) && at)
        waiting.push({
          task,
          h,
          why: `lockdep lists it as taken at ${h.at}, and a stack of the dump is blocked at that very call (line ${at.line}): there the lock is being acquired, not held — lockdep lists pending acquirers as holders`,
          ev: [h.span, at],
        });
      else others.push({ task, h, blocked: waits.has(task) });
    }
    if (others.length !== 1 || waiting.length === 0) continue;
    const holder = others[0];
    const ht = table.model.taskById.get(holder.task);
    // It replaces the owner the first list read made (certain by lockdep's word, but one
    // of the acquirers when it is not this task).
    if (l.owner?.task !== holder.task)
      l.owner = {
        task: holder.task,
        confidence: 'likely',
        why: `lockdep lists this exclusive lock under ${listers.size} tasks, and all others are acquiring it: ${ht?.comm ?? ''}/${ht?.pid ?? ''} (taken at ${holder.h.at ?? 'an unnamed site'}${holder.blocked ? ', its stack blocked elsewhere' : ''}) holds it`,
        evidence: [holder.h.span],
      };
    const waiters = new Set(waiting.map((x) => x.task));
    l.coOwners = l.coOwners.filter((c) => c.task !== holder.task && !waiters.has(c.task));
    for (const x of waiting) table.addWaiter(l, x.task, 'likely', x.why, x.ev);
  }
}

/** The entries' call sites of the locks listed under several tasks. */
function listedSites(byAddr: Map<string, Map<string, HeldLockRecord>>): Set<string> {
  const out = new Set<string>();
  for (const listers of byAddr.values())
    if (listers.size >= 2) for (const h of listers.values()) if (h.at) out.add(h.at);
  return out;
}

/**
 * Of the call sites `wanted` (`fn+0xoff/0xsize`), each that a reliable frame of a task's
 * own context shows, with that frame's line (the first task's). Tasks share stacks: each
 * distinct stack is read once, and only a frame of a function some site names is spelt
 * out as a site (a dump of 137,786 frames made a string of each).
 */
function acquiringSites(table: LockTable, wanted: Set<string>): Map<string, Span> {
  const out = new Map<string, Span>();
  const fns = new Set<string>();
  for (const w of wanted) {
    const plus = w.indexOf('+');
    if (plus > 0) fns.add(w.slice(0, plus));
  }
  const seen = new Set<readonly StackFrame[]>();
  for (const t of table.model.tasks) {
    if (seen.has(t.frames)) continue;
    seen.add(t.frames);
    for (let k = 0; k < t.frames.length; k++) {
      const f = t.frames[k];
      if (!fns.has(f.fn) || !f.reliable || f.context !== undefined || f.offset === null || f.size === null) continue;
      const key = `${f.fn}+${f.offset}/${f.size}`;
      if (wanted.has(key) && !out.has(key)) out.set(key, { line: t.frameLines[k], endLine: t.frameLines[k] });
    }
  }
  return out;
}
