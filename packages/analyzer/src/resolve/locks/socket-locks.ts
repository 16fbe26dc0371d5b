// Step 3d of lock resolution: a task asleep in __lock_sock waits for the owner of a
// socket, and the dump never prints which socket (the wait keeps no address). Only a
// context that went through lock_sock_nested / lock_sock_fast owns a socket, and lockdep
// lists every such owner (knowledge/socket-locks.ts): when lockdep's held-lock lists name
// exactly one socket lock, that is the one the task waits for — held by another task, or
// by the waiting task itself (a task that locks its own socket twice waits forever).

import type { TaskWait } from '../../waits/find.js';
import { SOCKET_LOCK_CLASS, SOCKET_LOCK_WAIT_FRAMES } from '../../knowledge/socket-locks.js';
import type { HeldLockRecord } from '../../parse/records.js';
import type { LockTable } from './table.js';

export function waitersForSocketLocks(table: LockTable, waits: Map<string, TaskWait>): void {
  let socketWaits = false;
  for (const w of waits.values())
    if (w.rule.kind === 'lock' && SOCKET_LOCK_WAIT_FRAMES.test(w.frame.fn) && !table.waiting.has(w.task.id))
      socketWaits = true;
  if (!socketWaits) return;
  // The socket locks lockdep lists as held, one entry per lock (the first), and how many
  // tasks' lists the dump shows: one task's own list may leave out the owner.
  const sockets = new Map<string, HeldLockRecord>();
  const listers = new Set<string>();
  for (const h of table.held) {
    const holder = table.taskOf(h.holder);
    if (holder) listers.add(holder.id);
    if (!h.name || !SOCKET_LOCK_CLASS.test(h.name)) continue;
    const key = h.addr ?? h.name;
    // An entry printed once per inlined frame (`at: lock_sock … [inline]`, then the
    // caller): the last names the function that took it.
    const seen = sockets.get(key);
    if (!seen || (seen.index === h.index && table.taskOf(seen.holder) === holder && seen.line < h.line))
      sockets.set(key, h);
  }
  if (sockets.size !== 1) return;
  const [h] = sockets.values();
  const holder = table.taskOf(h.holder);
  if (!holder) return;
  for (const w of waits.values()) {
    const t = w.task;
    if (w.rule.kind !== 'lock' || !SOCKET_LOCK_WAIT_FRAMES.test(w.frame.fn) || table.waiting.has(t.id)) continue;
    const l = table.ensure(h.addr, h.name, 'other', []);
    const whose = holder.id === t.id ? 'its own' : `${holder.comm ?? ''}/${holder.pid}'s`;
    table.addWaiter(
      l,
      t.id,
      listers.size > 1 ? 'likely' : 'guess',
      `it sleeps in ${w.frame.fn}${w.culprit ? ` (from ${w.culprit.fn})` : ''} for a socket another context owns; the dump does not print which socket, and the only socket lock lockdep lists held is ${h.name} (${whose}${h.at ? `, taken at ${h.at}` : ''})`,
      [{ line: w.frame.line, endLine: w.culprit?.line ?? w.frame.line }, h.span],
    );
  }
}
